"""Large ledger exports in the background: `export_start` records the job and enqueues the task, the task
worker (`qingji db-worker`) writes the workbook under the data directory with progress, the requester
downloads it; jobs and files older than the retention period are deleted."""

import datetime as dt
import secrets
from pathlib import Path

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.exchange.exporter import export_cases, export_title
from qingji.exchange.models import ExportJob, ExportStatus
from qingji.ledger.filters import apply_ledger_filters
from qingji.ledger.selectors import visible_cases

PROGRESS_EVERY = 1000  # rows between progress updates


def exports_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_start(user: User, filters: str) -> ExportJob:
    """Record an export of what the user's ledger page shows with these filters, and enqueue it."""
    from qingji.exchange.tasks import run_export

    prune_exports()
    job = ExportJob.objects.create(requested_by=user, filters=filters,
                                   title=export_title(user.org.name if user.org else ""))
    run_export.enqueue(job.pk)
    return job


def export_run(job_id: int) -> None:
    """The task's work: write the file, with progress, and audit the export."""
    job = ExportJob.objects.select_related("requested_by__org").get(pk=job_id)
    user = job.requested_by
    cases = apply_ledger_filters(visible_cases(user), QueryDict(job.filters))
    name = f"{secrets.token_hex(16)}.xlsx"
    path = exports_dir() / name
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, total=cases.count())

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=done)

    try:
        count = export_cases(cases, path, title=job.title, progress=progress, progress_every=PROGRESS_EVERY)
    except Exception as exc:
        path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, done=count, total=count, file_name=name,
                                               finished_at=timezone.now())
    audit_log(actor=user, action="export.ledger", object_type="case", object_repr=f"{count}",
              after={"rows": count, "filters": job.filters, "background": True})


def export_file(job: ExportJob) -> Path | None:
    if job.status != ExportStatus.DONE or not job.file_name:
        return None
    path = exports_dir() / job.file_name
    return path if path.is_file() else None


def prune_exports(now: dt.datetime | None = None) -> int:
    """Delete the jobs (and their files) older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.QINGJI_EXPORT_RETENTION_HOURS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file_name:
            (exports_dir() / job.file_name).unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)
