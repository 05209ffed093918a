"""Background exports in the access world: each account that may export has one finished export of its own."""

from typing import Any

from qingji.accounts.roles import has_capability
from qingji.exchange.jobs import exports_dir
from qingji.exchange.models import ExportJob, ExportStatus


def build(world: dict[str, Any]) -> None:
    jobs = {}
    for account, user in world["users"].items():
        if not has_capability(user, "case.export"):
            continue
        name = f"world-{account}.xlsx"
        (exports_dir() / name).write_bytes(b"PK")
        jobs[account] = ExportJob.objects.create(requested_by=user, title=account, status=ExportStatus.DONE,
                                                 total=1, done=1, file_name=name)
    world["export_jobs"] = jobs
