"""The auditor's audit log viewer: filters, pages, export (itself audited) and the hash chain's check."""

import csv
import datetime as dt
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from qingji.accounts.http import AuthedRequest
from qingji.audit.actions import action_choices, action_label, area_actions, area_choices
from qingji.audit.models import AuditEntry
from qingji.audit.objects import entry_views
from qingji.audit.services import audit_log, client_ip, verify_chain
from qingji.lib.spreadsheet import csv_safe, safe_row
from qingji.web.forms import BootstrapMixin
from qingji.web.views_helpers import require_capability

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


class AuditFilterForm(BootstrapMixin, forms.Form):
    user = forms.CharField(label=gettext_lazy("User"), required=False)
    area = forms.ChoiceField(label=gettext_lazy("Area"), required=False,
                             choices=lambda: [("", gettext_lazy("All areas")), *area_choices()])
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False,
                               choices=lambda: [("", gettext_lazy("All actions")), *action_choices()])
    object = forms.CharField(label=gettext_lazy("Object"), required=False)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False,
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False,
                              widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered_entries(form: AuditFilterForm) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.order_by("-seq")
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    if data["user"]:
        entries = entries.filter(actor_name__icontains=data["user"].strip())
    if data["area"]:
        entries = entries.filter(action__in=area_actions(data["area"]))
    if data["action"]:
        entries = entries.filter(action=data["action"])
    if data["object"]:
        text = data["object"].strip()
        entries = entries.filter(Q(object_type=text) | Q(object_id=text) | Q(object_repr__icontains=text))
    if data["date_from"]:
        entries = entries.filter(at__gte=_day_start(data["date_from"]))
    if data["date_to"]:
        entries = entries.filter(at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
    return entries


COLUMNS = ("seq", "at", "actor_name", "action", "label", "object_type", "object_id", "object_repr", "org_code",
           "ip")


def _row(entry: AuditEntry) -> list[object]:
    return [entry.seq, timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"), entry.actor_name, entry.action,
            action_label(entry.action), entry.object_type, entry.object_id, entry.object_repr, entry.org_code,
            entry.ip]


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "audit.view")
    form = AuditFilterForm(request.GET)
    page = Paginator(filtered_entries(form), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "entries": entry_views(page.object_list), "query": params.urlencode(),
               "breaks": list(verify_chain())}
    return render(request, "security/audit.html", context)


@login_required
def audit_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    require_capability(request, "audit.view")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = AuditFilterForm(request.GET)
    entries = filtered_entries(form)
    audit_log(actor=request.user, action="audit.export", object_type="audit", ip=client_ip(request),
              after={"format": fmt, "filters": {k: v for k, v in request.GET.items() if v}, "rows": entries.count()})
    headers = [_("Sequence"), _("Time"), _("User"), _("Action code"), _("Action"), _("Object type"), _("Object id"),
               _("Object"), _("Unit"), _("IP address")]
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for entry in entries.iterator():
            writer.writerow([csv_safe(v) for v in _row(entry)])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Audit log"))
        sheet.append(headers)
        for entry in entries.iterator():
            sheet.append(safe_row(sheet, _row(entry)))
        buffer_bytes = io.BytesIO()
        book.save(buffer_bytes)
        response = HttpResponse(buffer_bytes.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response
