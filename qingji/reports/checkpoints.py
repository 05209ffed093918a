"""The summary's grouped figures, from checkpoints (reports/models.py) where they are valid.

`groups(units, campaign, day)` is what the summary counts: for every (source, handling unit, status,
method) the cases, key-supervision cases and overdue cases as of the end of `day`. It is read
  - from the checkpoint of `day` itself, when there is a valid one;
  - else from the latest valid checkpoint C before `day` plus the status periods whose contribution
    changed between C and `day` (`_window`): two indexed queries over those periods only;
  - else (no valid checkpoint, or a hand-made case queryset) by the full grouped query over every
    status period in force, as before.
All three give the same figures; tests/reports/test_checkpoints.py checks it on histories that change
under the checkpoints. `refresh()` (`qingji report checkpoints`, the daily `qingji remind` scan, after a
ledger import) builds the checkpoints of every month end and of the last weeks' Sundays up to yesterday.

A case counts on day D when its period's start, max(valid_from, registered_on), is on or before D and
the period has not ended by D (valid_to NULL or after D); it is overdue when, besides, its status is
open and its deadline is before D.
"""

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import Count, DateField, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from qingji.ledger.models import OPEN_STATUSES, Case, CaseStatus, StatusPeriod
from qingji.reports.models import CheckpointState, SummaryCheckpoint

# (source, handling unit id, status, method) -> [cases, key-supervision cases, overdue cases]
Groups = dict[tuple[str, int, str, str], list[int]]

DIMENSIONS = ("case__source", "case__handling_org_id", "status", "method")
# Sundays are kept for this many weeks back (the dashboard's weekly trend); month ends for all time.
SUNDAY_WEEKS = 26
# Scopes of up to this many units are filtered in the window's SQL; larger ones after it.
FEW_UNITS = 20


def scope_key(campaign: Any) -> str:
    return f"campaign:{campaign.pk}" if campaign is not None else "all"


def groups(*, units: list[int] | None, campaign: Any, day: dt.date) -> Groups:
    """The grouped figures as of the end of `day` for the cases of `units` (None: every unit), in
    `campaign` (None: every case)."""
    base = latest_checkpoint(campaign, day)
    if base is None:
        return full_groups(_periods(units, campaign), day)
    base_day, base_groups = base
    result = _only(base_groups, units)
    if base_day < day:
        # A long list of units is applied to the window's few rows here, not in SQL: SQLite probed the
        # covering index once per unit for every period (1.7 s for a province's fortnight, 0.1 s without).
        few = units is not None and len(units) <= FEW_UNITS
        delta = _window(_periods(units if few else None, campaign), base_day, day)
        if units is not None and not few:
            wanted = set(units)
            delta = {dims: v for dims, v in delta.items() if dims[1] in wanted}
        _add(result, delta)
    return result


def latest_checkpoint(campaign: Any, day: dt.date) -> tuple[dt.date, list[list[Any]]] | None:
    """The latest valid checkpoint on or before `day`, as (its day, its groups)."""
    scope = scope_key(campaign)
    limit = _valid_through(scope)
    if limit is None:
        return None
    return (SummaryCheckpoint.objects.filter(scope=scope, day__lte=min(day, limit)).order_by("-day")
            .values_list("day", "groups").first())


def _valid_through(scope: str) -> dt.date | None:
    """The last day whose checkpoint (if it has one) is valid, or None."""
    state = CheckpointState.objects.filter(scope=scope).values("built_through", "dirty_from").first()
    if state is None or state["built_through"] is None:
        return None
    limit = state["built_through"]
    if state["dirty_from"] is not None and state["dirty_from"] <= limit:
        limit = state["dirty_from"] - dt.timedelta(days=1) if state["dirty_from"] > dt.date.min else None
    return limit


def totals_on(*, units: list[int] | None, campaign: Any, days: list[dt.date]) -> dict[dt.date, tuple[int, int]] | None:
    """(cases, settled cases) on each of several days (a trend): the checkpoint days among them from the
    checkpoints' per-unit totals in one query, the others through `groups`; None when the scope has no valid
    checkpoint at all (the caller then counts every period once for all days)."""
    scope = scope_key(campaign)
    limit = _valid_through(scope)
    if limit is None or not SummaryCheckpoint.objects.filter(scope=scope, day__lte=limit).exists():
        return None
    exact = dict(SummaryCheckpoint.objects.filter(scope=scope, day__in=[d for d in days if d <= limit])
                 .values_list("day", "totals"))
    wanted = None if units is None else {str(u) for u in units}
    result = {}
    for day in days:
        if day in exact:
            rows = [v for org, v in exact[day].items() if wanted is None or org in wanted]
            result[day] = (sum(r[0] for r in rows), sum(r[1] for r in rows))
        else:
            grouped = groups(units=units, campaign=campaign, day=day)
            result[day] = (sum(v[0] for v in grouped.values()),
                           sum(v[0] for k, v in grouped.items() if k[2] == CaseStatus.CLOSED_SETTLED))
    return result


def _totals_of(figures: Groups) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    for (_source, org, status, _method), (n, _key, _overdue) in figures.items():
        row = totals.setdefault(str(org), [0, 0])
        row[0] += n
        if status == CaseStatus.CLOSED_SETTLED:
            row[1] += n
    return totals


def _only(rows: list[list[Any]], units: list[int] | None) -> Groups:
    wanted = None if units is None else set(units)
    result: Groups = {}
    for source, org, status, method, n, key, overdue in rows:
        if wanted is None or org in wanted:
            result[(source, org, status, method)] = [n, key, overdue]
    return result


def _add(into: Groups, delta: Groups) -> None:
    for dims, (n, key, overdue) in delta.items():
        row = into.setdefault(dims, [0, 0, 0])
        row[0] += n
        row[1] += key
        row[2] += overdue
        if row == [0, 0, 0]:
            del into[dims]


def _periods(units: list[int] | None, campaign: Any, cases: QuerySet[Case] | None = None) -> QuerySet[StatusPeriod]:
    periods = StatusPeriod.objects.all()
    if cases is not None:
        periods = periods.filter(case__in=cases.values("pk"))
    if units is not None:
        periods = periods.filter(case__handling_org_id__in=units)
    if campaign is not None:
        from qingji.campaigns.models import CampaignCase

        periods = periods.filter(Exists(CampaignCase.objects.filter(case=OuterRef("case_id"), campaign=campaign)))
    return periods


def periods_of(cases: QuerySet[Case], campaign: Any = None) -> QuerySet[StatusPeriod]:
    """The status periods of a hand-made case queryset (for `full_groups`)."""
    return _periods(None, campaign, cases)


def full_groups(periods: QuerySet[StatusPeriod], day: dt.date) -> Groups:
    """The grouped query over every period in force at the end of `day` (no checkpoint)."""
    rows = (periods.filter(valid_from__lte=day, case__registered_on__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
            .values(*DIMENSIONS)
            .annotate(n=Sum(Value(1)), key=Sum(_one(~Q(case__key_supervision=""))),
                      overdue=Sum(_one(Q(status__in=OPEN_STATUSES, case__deadline__lt=day))))
            .order_by())
    return {_dims(r): [r["n"], r["key"], r["overdue"]] for r in rows}


def _dims(row: dict[str, Any]) -> tuple[str, int, str, str]:
    return row["case__source"], row["case__handling_org_id"], row["status"], row["method"]


def _one(condition: Q) -> When_:
    return When_(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _window(periods: QuerySet[StatusPeriod], since: dt.date, day: dt.date) -> Groups:
    """What changed between the end of `since` and the end of `day` (since < day): for each period whose
    contribution can differ, (counts on `day`) − (counts on `since`). Those periods fall in four disjoint
    sets, each found through an index: started in the window; started before and ended in it; in force
    throughout but the case registered in it; in force throughout, open, its deadline passed in it.
    Every other period counts the same on both days."""
    periods = periods.annotate(start=Greatest("valid_from", "case__registered_on", output_field=DateField()))

    def in_force(d: dt.date) -> Q:
        return Q(start__lte=d) & (Q(valid_to__isnull=True) | Q(valid_to__gt=d))

    def overdue(d: dt.date) -> Q:
        return in_force(d) & Q(status__in=OPEN_STATUSES, case__deadline__lt=d)

    key = ~Q(case__key_supervision="")
    throughout = Q(valid_from__lte=since) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    sets = (  # two queries: each OR is of conditions on one table, which both databases answer from two indexes
        Q(valid_from__gt=since, valid_from__lte=day) | Q(valid_from__lte=since, valid_to__gt=since, valid_to__lte=day),
        throughout & (Q(case__registered_on__gt=since, case__registered_on__lte=day)
                      | Q(case__registered_on__lte=since, status__in=OPEN_STATUSES, case__deadline__gte=since,
                          case__deadline__lt=day)),
    )
    result: Groups = {}
    for changed in sets:
        rows = (periods.filter(changed).values(*DIMENSIONS)
                .annotate(n=Sum(_one(in_force(day))) - Sum(_one(in_force(since))),
                          key=Sum(_one(in_force(day) & key)) - Sum(_one(in_force(since) & key)),
                          overdue=Sum(_one(overdue(day))) - Sum(_one(overdue(since))))
                .order_by())
        _add(result, {_dims(r): [r["n"], r["key"], r["overdue"]] for r in rows})
    return result


# ---------------------------------------------------------------- building

def checkpoint_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month end from `first`'s month on, and the Sundays of the last SUNDAY_WEEKS weeks, up to `last`."""
    days = set()
    month = first.replace(day=1)
    while True:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        end = following - dt.timedelta(days=1)
        if end > last:
            break
        days.add(end)
        month = following
    sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
    for week in range(SUNDAY_WEEKS):
        day = sunday - dt.timedelta(weeks=week)
        if day >= first:
            days.add(day)
    return sorted(days)


def refresh(*, today: dt.date | None = None, full: bool = False) -> dict[str, int]:
    """Bring every scope's checkpoints up to yesterday: rebuild the stale ones, add the missing days,
    drop the days no longer kept. Returns {scope: checkpoints computed}."""
    from qingji.campaigns.models import Campaign

    last = (today or timezone.localdate()) - dt.timedelta(days=1)
    campaigns = list(Campaign.objects.all())
    done = {scope_key(None): _refresh_scope(None, last, full)}
    for campaign in campaigns:
        done[scope_key(campaign)] = _refresh_scope(campaign, last, full)
    kept = set(done)
    gone = [s for s in CheckpointState.objects.values_list("scope", flat=True) if s not in kept]
    if gone:
        with transaction.atomic():
            SummaryCheckpoint.objects.filter(scope__in=gone).delete()
            CheckpointState.objects.filter(scope__in=gone).delete()
    return done


def _lock_writers() -> None:
    """Keep writers of what the checkpoints count out while they are computed, and wait for those in flight,
    so that no change can slip between the computation and the state saying what it covers. SQLite has one
    writer at a time: the state's UPDATE that starts `_refresh_scope` already holds the database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE ledger_case, ledger_statusperiod, campaigns_campaigncase IN SHARE MODE")


@transaction.atomic
def _refresh_scope(campaign: Any, last: dt.date, full: bool) -> int:
    scope = scope_key(campaign)
    CheckpointState.objects.filter(scope=scope).update(refreshed_at=timezone.now())
    _lock_writers()
    state, _created = CheckpointState.objects.select_for_update().get_or_create(scope=scope)
    periods = _periods(None, campaign)
    first = Case.objects.filter(pk__in=periods.values("case_id")).aggregate(first=Min("registered_on"))["first"]
    wanted = checkpoint_days(first, last) if first is not None else []
    stale = SummaryCheckpoint.objects.filter(scope=scope).exclude(day__in=wanted)
    if full or state.built_through is None:
        stale = SummaryCheckpoint.objects.filter(scope=scope)
    elif state.dirty_from is not None:
        stale = stale | SummaryCheckpoint.objects.filter(scope=scope, day__gte=state.dirty_from)
    stale.delete()
    have = dict(SummaryCheckpoint.objects.filter(scope=scope).values_list("day", "groups"))
    base: tuple[dt.date, Groups] | None = None
    made = []
    for day in wanted:
        if day in have:
            base = (day, _only(have[day], None))
            continue
        if base is None:
            figures = full_groups(periods, day)
        else:
            figures = {k: list(v) for k, v in base[1].items()}
            _add(figures, _window(periods, base[0], day))
        made.append(SummaryCheckpoint(scope=scope, day=day, groups=[[*k, *v] for k, v in figures.items()],
                                      totals=_totals_of(figures)))
        base = (day, figures)
    SummaryCheckpoint.objects.bulk_create(made, batch_size=20)
    state.built_through = wanted[-1] if wanted else None
    state.dirty_from = None
    state.refreshed_at = timezone.now()
    state.save()
    return len(made)


def status() -> list[dict[str, Any]]:
    """Each scope's checkpoints: how many, through which day, stale from which day."""
    counts = dict(SummaryCheckpoint.objects.values_list("scope").annotate(n=Count("id")).order_by())
    return [{"scope": s.scope, "checkpoints": counts.get(s.scope, 0), "built_through": s.built_through,
             "dirty_from": s.dirty_from, "refreshed_at": s.refreshed_at}
            for s in CheckpointState.objects.order_by("scope")]
