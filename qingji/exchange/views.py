"""数据交换 pages: import a ledger workbook (with a dry-run preview and the problems marked in the
workbook), download the import template, and export what the ledger page shows."""

import secrets
import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingji.accounts.http import AuthedRequest
from qingji.audit.services import audit_log
from qingji.exchange.exporter import export_cases, export_title
from qingji.exchange.importer import import_ledger
from qingji.exchange.jobs import export_file, export_start
from qingji.exchange.marked import mark_problems
from qingji.exchange.models import ExportJob
from qingji.exchange.selectors import get_own_export_job
from qingji.exchange.template import template_workbook
from qingji.ledger.filters import apply_ledger_filters
from qingji.ledger.selectors import visible_cases
from qingji.lib.problems import InputRejected
from qingji.lib.tabular import TableError
from qingji.lib.uploads import check_upload
from qingji.web.forms import BootstrapMixin
from qingji.web.views_helpers import require_capability

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "qingji_import_file"


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("Ledger workbook (.xlsx)"))


def _imports_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(request: AuthedRequest) -> Path | None:
    """The workbook this user uploaded for preview (random name, kept until imported or replaced)."""
    name = request.session.get(SESSION_KEY)
    path = _imports_dir() / name if name else None
    return path if path and path.is_file() else None


@login_required
def import_page(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "case.import")
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            check_upload(uploaded)
        except forms.ValidationError as exc:
            form.add_error("file", exc.messages)
            return render(request, "exchange/import.html", context)
        previous = _stored(request)
        if previous:
            previous.unlink()
        name = f"{secrets.token_hex(16)}.xlsx"
        (_imports_dir() / name).write_bytes(uploaded.read())
        request.session[SESSION_KEY] = name
        request.session["qingji_import_name"] = uploaded.name
        context.update(_check(request, _imports_dir() / name))
    elif (stored := _stored(request)) and request.GET.get("preview"):
        context.update(_check(request, stored))
    return render(request, "exchange/import.html", context)


def _check(request: AuthedRequest, path: Path) -> dict[str, object]:
    """A dry run of the stored workbook: the counts it would give, or every problem."""
    try:
        result = import_ledger(path, path.name, actor=request.user, dry_run=True)
    except InputRejected as exc:
        return {"problems": list(exc.problems), "file_name": request.session.get("qingji_import_name")}
    except TableError as exc:
        return {"table_error": str(exc)}
    return {"preview": result, "file_name": request.session.get("qingji_import_name")}


@login_required
def import_confirm(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "case.import")
    if request.method != "POST":
        return redirect("exchange:import")
    path = _stored(request)
    if path is None:
        messages.error(request, _("Upload the workbook again: the previewed file is no longer there."))
        return redirect("exchange:import")
    try:
        result = import_ledger(path, request.session.get("qingji_import_name", path.name), actor=request.user)
    except (InputRejected, TableError):
        messages.error(request, _("The workbook has problems; nothing was imported."))
        return redirect(f"{reverse('exchange:import')}?preview=1")
    path.unlink()
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
                     % vars(result))
    return redirect("ledger:list")


@login_required
def import_marked(request: AuthedRequest) -> HttpResponse:
    """The uploaded workbook back, with each bad cell filled red and commented."""
    require_capability(request, "case.import")
    path = _stored(request)
    if path is None:
        raise Http404
    try:
        import_ledger(path, path.name, actor=request.user, dry_run=True)
        return redirect("exchange:import")
    except InputRejected as exc:
        content = mark_problems(path, exc.problems)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=problems.xlsx"
    return response


@login_required
def template(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "case.import")
    response = HttpResponse(template_workbook(request.user.org), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=ledger-template.xlsx"
    return response


@login_required
def export_ledger(request: AuthedRequest) -> HttpResponseBase:
    """Export what the ledger page shows (same filters), masked. Up to QINGJI_EXPORT_SYNC_ROWS rows are
    written at once and streamed from a temporary file; more run in the background (export_job)."""
    require_capability(request, "case.export")
    cases = apply_ledger_filters(visible_cases(request.user), request.GET)
    if cases.count() > settings.QINGJI_EXPORT_SYNC_ROWS:
        job = export_start(request.user, request.GET.urlencode())
        return redirect("exchange:export_job", pk=job.pk)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    count = export_cases(cases, handle, title=export_title(request.user.org.name if request.user.org else ""))
    handle.seek(0)
    audit_log(actor=request.user, action="export.ledger", object_type="case", object_repr=f"{count}",
              after={"rows": count, "filters": request.GET.urlencode()})
    return FileResponse(handle, as_attachment=True, content_type=XLSX,
                        filename=f"ledger-{timezone.localdate():%Y%m%d}.xlsx")


def _own_job(request: AuthedRequest, pk: int) -> ExportJob:
    """The requester's own export; anyone else's is 404."""
    require_capability(request, "case.export")
    return get_own_export_job(request.user, pk)


@login_required
def export_job(request: AuthedRequest, pk: int) -> HttpResponse:
    """A background export's progress (the page polls itself with htmx) and, when done, its download link."""
    job = _own_job(request, pk)
    template = "exchange/_export_job.html" if request.htmx else "exchange/export_job.html"
    return render(request, template, {"job": job, "retention": settings.QINGJI_EXPORT_RETENTION_HOURS})


@login_required
def export_download(request: AuthedRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    path = export_file(job)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, content_type=XLSX,
                        filename=f"ledger-{job.created_at:%Y%m%d-%H%M}.xlsx")
