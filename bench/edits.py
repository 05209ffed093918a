"""The figures right after ordinary edits (issue #24 item 0): what a user feels before the upkeep has run, and
what a writer waits while it runs.

`measure_edits` makes a batch of realistic, back-dated edits through the services (a moved deadline, a closure
recorded with last week's date, a reopening a month back, a work-log entry of half a year ago, a back-dated
import-like bulk insert of work), then times the summary and the dashboards before any upkeep (the marked units
counted in full), then runs the upkeep of the marked units (`maintain`, as the server's thread does within
seconds of the commit) and then a full rebuild of every checkpoint (the worst a refresh does), each in a thread
while this thread records a work-log entry every 100 ms and times each (the writer's wait), then times the
figures again.
"""

import datetime as dt
import threading
import time
from typing import Any

from bench.run import TARGETS_MS, QueryCounter, _progress, percentile, timed


def _edits(accounts: dict[str, Any]) -> list[dict[str, Any]]:
    from django.utils import timezone

    from qingji.ledger.models import CLOSED_STATUSES, Case, CaseStatus, SettlementMethod, WorkKind
    from qingji.ledger.selectors import visible_cases
    from qingji.ledger.services import case_record_status, case_update, work_log_add
    from qingji.lifecycle.services import case_reopen

    today = timezone.localdate()
    county, city, province = (accounts[k] for k in ("county", "city", "province"))
    mine = visible_cases(county).select_related("handling_org")
    overdue = mine.filter(status=CaseStatus.IN_PROGRESS, deadline__lt=today - dt.timedelta(days=60)).first()
    open_case = (mine.filter(status=CaseStatus.IN_PROGRESS, status_since__lt=today - dt.timedelta(days=30))
                 .exclude(pk__in=[overdue.pk] if overdue is not None else []).first())
    closed = (visible_cases(city).filter(status__in=CLOSED_STATUSES, status_since__lt=today - dt.timedelta(days=40))
              .exclude(settlement_method=SettlementMethod.TERMINATED).select_related("handling_org").first())
    old = visible_cases(province).filter(registered_on__lt=today - dt.timedelta(days=400)).first()
    done: list[dict[str, Any]] = []

    def edit(label: str, back: dt.date | None, fn: Any) -> None:
        started = time.perf_counter()
        fn()
        done.append({"edit": label, "reaches_back_to": back.isoformat() if back else None,
                     "ms": round((time.perf_counter() - started) * 1000, 1)})

    if overdue is not None:
        edit(f"deadline {overdue.deadline} → in 90 days", overdue.deadline,
             lambda: case_update(actor=None, case=overdue, expected_version=overdue.version,
                                 deadline=today + dt.timedelta(days=90)))
    if open_case is not None:
        day = today - dt.timedelta(days=7)
        edit("closure recorded a week back", day,
             lambda: case_record_status(actor=None, case=Case.objects.get(pk=open_case.pk),
                                        status=CaseStatus.CLOSED_SETTLED, method=SettlementMethod.WRITTEN_PLEDGE,
                                        effective_on=day))
    if closed is not None:
        day = today - dt.timedelta(days=30)
        edit("reopened a month back", day,
             lambda: case_reopen(actor=None, case=closed, petitioned_on=day, description="信访人再次到市里上访"))
    if old is not None:
        day = today - dt.timedelta(days=200)
        edit("work-log entry half a year back", day,
             lambda: work_log_add(actor=None, case=old, kind=WorkKind.HOME_VISIT, date=day, content="上门走访"))
    many = list(visible_cases(city).filter(registered_on__lt=today - dt.timedelta(days=100)).order_by("pk")[:200])
    if many:
        from qingji.ledger.models import WorkLogEntry

        day = today - dt.timedelta(days=90)
        edit(f"{len(many)} work-log entries of 3 months back in one statement (as an import writes)", day,
             lambda: WorkLogEntry.objects.bulk_create(
                 WorkLogEntry(case=c, kind=WorkKind.RECEPTION, date=day, content="接访") for c in many))
    return done


def _figures(accounts: dict[str, Any], repeat: int, when: str) -> list[dict[str, Any]]:
    from django.test import Client

    from qingji.reports.selectors import summary

    results = []
    for key in ("city", "province"):
        org = accounts[key].org
        with QueryCounter() as queries:
            summary(org=org)
        def compute(o: Any = org) -> None:
            summary(org=o)

        figures = timed(compute, repeat, warmup=0)
        results.append({"figure": "summary", "account": key, "scenario": f"today, {when}", **figures,
                        "queries": len(queries), "target_ms": TARGETS_MS["summary"],
                        "met": figures["p95_ms"] <= TARGETS_MS["summary"]})
        _progress(results[-1])
    for key, user in accounts.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)

        def request(client: Client = client) -> None:
            assert client.get("/").status_code == 200

        with QueryCounter() as queries:
            request()
        figures = timed(request, repeat, warmup=0)
        results.append({"figure": "dashboard", "account": key, "scenario": f"GET /, {when}", **figures,
                        "queries": len(queries), "target_ms": TARGETS_MS["dashboard"],
                        "met": figures["p95_ms"] <= TARGETS_MS["dashboard"]})
        _progress(results[-1])
    return results


def _upkeep_with_a_writer(accounts: dict[str, Any], what: str) -> dict[str, Any]:
    """The upkeep (`maintain`, or a full rebuild) in a thread; meanwhile a work-log entry every 100 ms, each
    timed."""
    from django.db import connection
    from django.utils import timezone

    from qingji.ledger.models import WorkKind
    from qingji.ledger.selectors import visible_cases
    from qingji.ledger.services import work_log_add
    from qingji.reports import checkpoints

    case = visible_cases(accounts["county"]).select_related("handling_org").first()
    assert case is not None, "the county account has no case"
    outcome: dict[str, Any] = {}

    def refresh() -> None:
        try:
            started = time.perf_counter()
            if what == "maintain":
                outcome["made"] = checkpoints.maintain()
            else:
                outcome["made"] = sum(checkpoints.refresh(full=True).values())
            outcome["seconds"] = round(time.perf_counter() - started, 1)
        finally:
            connection.close()

    thread = threading.Thread(target=refresh)
    waits: list[float] = []
    thread.start()
    while thread.is_alive():
        started = time.perf_counter()
        work_log_add(actor=None, case=case, kind=WorkKind.RECEPTION, date=timezone.localdate(), content="接访")
        waits.append((time.perf_counter() - started) * 1000)
        time.sleep(0.1)
    thread.join()
    label = "units recomputed" if what == "maintain" else "checkpoint days rebuilt"
    return {"figure": "checkpoints", "account": "—", "scenario": f"{what}, a writer meanwhile",
            "note": f"{outcome.get('made', 0)} {label} in {outcome.get('seconds', 0)} s; the writer's "
                    f"{len(waits)} entries took p50 {percentile(waits, 0.5):.0f} ms, p95 "
                    f"{percentile(waits, 0.95):.0f} ms, max {max(waits):.0f} ms" if waits else "no write ran",
            "refresh_s": outcome.get("seconds"), "rebuilt": outcome.get("made"),
            "writer_p95_ms": round(percentile(waits, 0.95), 1) if waits else None,
            "writer_max_ms": round(max(waits), 1) if waits else None}


def measure_edits(accounts: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    from qingji.reports import checkpoints
    from qingji.reports.models import StaleUnit

    checkpoints.refresh()  # start from checkpoints that are current, as after the night's job
    results: list[dict[str, Any]] = []
    done = _edits(accounts)
    stale = list(StaleUnit.objects.values_list("unit", "since"))
    results.append({"figure": "edits", "account": "—", "scenario": "the batch",
                    "note": "; ".join(f"{e['edit']} ({e['ms']} ms)" for e in done)
                            + f"; {len(stale)} units marked stale, from {min((s for _u, s in stale), default='—')}",
                    "edits": done, "stale_units": len(stale)})
    print(f"  edits: {results[-1]['note']}", flush=True)
    results += _figures(accounts, repeat, "after edits, before the upkeep")
    results.append(_upkeep_with_a_writer(accounts, "maintain"))
    print(f"  checkpoints: {results[-1]['note']}", flush=True)
    results += _figures(accounts, repeat, "after the upkeep")
    results.append(_upkeep_with_a_writer(accounts, "full rebuild"))
    print(f"  checkpoints: {results[-1]['note']}", flush=True)
    return results
