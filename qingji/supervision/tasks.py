"""The scan as a django-tasks task, so a page or a scheduler can queue it (database or Redis backend
as settings.TASKS says); `qingji remind --loop` is the built-in daily runner."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from qingji.supervision.scan import run_scan


@task()
def remind_task(as_of: str | None = None) -> dict[str, int]:
    return run_scan(dt.date.fromisoformat(as_of) if as_of else timezone.localdate())
