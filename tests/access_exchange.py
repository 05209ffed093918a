"""数据交换 in the access matrix."""

from typing import Any

from tests.access import Route


def own_job(world: dict[str, Any], account: str) -> dict[str, Any] | None:
    job = world["export_jobs"].get(account)
    return {"pk": job.pk} if job else None


def someone_elses_job(world: dict[str, Any], account: str) -> dict[str, Any] | None:
    if account not in world["export_jobs"]:
        return None
    other = "court_a_lead" if account == "court_a" else "court_a"
    return {"pk": world["export_jobs"][other].pk}


IMPORTERS = frozenset({"committee", "court", "court_a", "court_b", "police", "outsider", "province"})
EXPORTERS = IMPORTERS | {"committee_lead", "court_a_lead"}

ROUTES = [
    Route("exchange:import", IMPORTERS),
    Route("exchange:import_confirm", IMPORTERS, method="post", goes_to=frozenset({"exchange:import"})),
    # Without an uploaded workbook in the session there is nothing to mark: 404 for everyone.
    Route("exchange:import_marked", frozenset()),
    Route("exchange:template", IMPORTERS),
    Route("exchange:export_ledger", EXPORTERS),
    # A background export is its requester's alone: anyone else's is 404, even within the same unit.
    Route("exchange:export_job", EXPORTERS, in_scope=own_job, out_of_scope=someone_elses_job),
    Route("exchange:export_download", EXPORTERS, in_scope=own_job, out_of_scope=someone_elses_job),
]
