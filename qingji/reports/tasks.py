"""Background tasks of the reports (django-tasks; run by `qingji db-worker` with the database backend)."""

from django_tasks import task

from qingji.reports import checkpoints


@task()
def refresh_checkpoints() -> dict[str, int]:
    return checkpoints.refresh()


def refresh_checkpoints_soon() -> None:
    """Rebuild what a change of history made stale, in the background (after a ledger import). Without a
    worker the figures stay exact; only the summary of large ledgers is slower until the daily refresh."""
    refresh_checkpoints.enqueue()
