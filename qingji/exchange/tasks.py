"""Background tasks of the exchange (django-tasks; run by `qingji db-worker` with the database backend)."""

from django_tasks import task

from qingji.exchange.jobs import export_run


@task()
def run_export(job_id: int) -> None:
    export_run(job_id)
