"""统计分析: the summary for the user's scope, with charts, drill-down and downloads."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from qingji.accounts.http import AuthedRequest
from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.audit.services import audit_log
from qingji.campaigns.selectors import visible_campaigns
from qingji.ledger.models import SettlementMethod, WorkKind
from qingji.ledger.selectors import visible_unit_ids
from qingji.reports import charts
from qingji.reports.render import flag_label, summary_docx, summary_xlsx
from qingji.reports.selectors import summary
from qingji.web.forms import BootstrapMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportForm(BootstrapMixin, forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), required=False,
                            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The campaigns the user can see are those they can report on.
        self.fields["campaign"] = forms.ModelChoiceField(label=gettext_lazy("Campaign"), required=False,
                                                         queryset=visible_campaigns(user), to_field_name="code")


def _report(request: AuthedRequest) -> tuple[ReportForm, dict[str, Any]]:
    if not has_capability(request.user, "report.view"):
        raise PermissionDenied
    form = ReportForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid() and "campaign" in form.errors:
        # A campaign outside the user's scope (or no campaign of that code) is not reported on as if it
        # were the whole scope: the same 404 as the campaign's own page.
        raise Http404
    data = form.cleaned_data if form.is_bound else {}
    as_of = data.get("as_of") or timezone.localdate()
    report = summary(org=request.user.org, campaign=data.get("campaign"), as_of=as_of,
                     units=visible_unit_ids(request.user))
    return form, report


def ledger_link(report: dict[str, Any], **filters: str) -> str:
    """The ledger page showing exactly the cases behind a figure (as of the report's date)."""
    params = {"as_of": report["as_of"], **filters}
    if report["scope"]["campaign"]:
        params["campaign"] = report["scope"]["campaign"]
    return f"{reverse('ledger:list')}?{urlencode(params)}"


@login_required
def summary_page(request: AuthedRequest) -> HttpResponse:
    form, report = _report(request)
    link = lambda **f: ledger_link(report, **f)  # noqa: E731
    method_links = {str(SettlementMethod(m).label): link(status="closed_settled", method=m)
                    for m in SettlementMethod.values}
    sources = report["by_source"]
    orgs = report["by_org"]
    context = {
        "form": form, "report": report, "query": request.GET.urlencode(),
        "links": {
            "total": link(), "settled": link(status="closed_settled"), "open": link(status="open"),
            "closed_unsettled": link(status="closed_unsettled"),
        },
        # Each row with its links (a lookup per row in the template was quadratic: 302,580 tags for 550 units).
        "methods": [{"key": m, "row": row, "link": link(status="closed_settled", method=m)}
                    for m, row in report["settled_by_method"].items()],
        "sources": [{"row": r, "total": link(source=r["source"]),
                     "settled": link(source=r["source"], status="closed_settled"),
                     "key": link(source=r["source"], key_supervision="yes")} for r in sources],
        "orgs": [{"row": r, "total": link(org=r["org"]), "settled": link(org=r["org"], status="closed_settled"),
                  "overdue": link(org=r["org"], status="open", deadline="overdue")} for r in orgs],
        "categories": [{**r, "link": link(category=str(r["category"])) if r["category"] is not None else None,
                        "settled_link": link(category=str(r["category"]), status="closed_settled")
                        if r["category"] is not None else None} for r in report["by_category"]],
        "flags": [{"label": flag_label(f), "count": n, "link": link(flag=f)} for f, n in report["flags"].items()],
        "work": [{"label": WorkKind(k).label, "count": n} for k, n in report["work_by_kind"].items()],
        "method_chart": charts.method_pie(report, method_links),
        "source_chart": charts.rate_bar(sources, "label", lambda r: link(source=r["source"])),
        "org_chart": charts.rate_bar(orgs, "name", lambda r: link(org=r["org"]), horizontal=True),
    }
    return render(request, "reports/summary.html", context)


@login_required
def download(request: AuthedRequest, fmt: str) -> HttpResponse:
    _form, report = _report(request)
    stamp = report["as_of"]
    if fmt == "xlsx":
        response = HttpResponse(summary_xlsx(report), content_type=XLSX)
    else:
        response = HttpResponse(summary_docx(report), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename=summary-{stamp}.{fmt}"
    audit_log(actor=request.user, action="report.export", object_type="report", object_repr=f"summary {fmt}",
              after={"as_of": stamp, "campaign": report["scope"]["campaign"], "format": fmt})
    return response
