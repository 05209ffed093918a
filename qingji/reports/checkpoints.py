"""The summary's grouped figures, from per-unit checkpoints (reports/models.py) where they are valid.

`figures(units, campaign, day)` is what the summary counts as of the end of `day`: for every (source,
handling unit, status, method) the cases, key-supervision cases and overdue cases (`groups`); for every
(category, unit) the cases and settled cases (`categories`); for every unit the cases carrying each flag
(`flags`); for every (unit, grade) the reviewed matters and those with accountability (`reviews`); for every
unit the cases with judicial aid and its amount (`aid`); for every (unit, kind) the work-log entries
(`work`). They are read, for the latest checkpoint day C on or before `day`,
  - for every unit not marked stale at C: from the unit's checkpoint of C plus what changed between C and
    `day` (`_window`: indexed queries over the periods, reviews and aid of that window only);
  - for the units marked stale at C (a back-dated edit touched them, models.StaleUnit): by the full grouped
    queries over those units' cases only — one unit's history, not the province's;
  - with no checkpoint day (or a hand-made case queryset): by the full grouped queries over everything.
All give the same figures; tests/reports/test_checkpoints.py checks it on histories that change under the
checkpoints. `maintain()` recomputes the stale units' checkpoints and clears their marks (the server runs
it right after a write, reports/upkeep.py); `refresh()` (`qingji report checkpoints`, the server's daily
upkeep, the daily `qingji remind` scan) builds the checkpoints of every Sunday and every month end up to
yesterday. Neither holds a lock a writer waits for beyond the few milliseconds of writing its rows.

A case counts on day D when its period's start, max(valid_from, registered_on), is on or before D and
the period has not ended by D (valid_to NULL or after D); it is overdue when, besides, its status is
open and its deadline is before D. A review counts from max(reviewed_on, registered_on), a payment of aid
and a work-log entry from max(date, registered_on); a case counts as aided from its first payment. A case's
category and flags have no history: a case counts with the ones it has now (a change marks its unit stale
from its registration).
"""

import contextlib
import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import Count, DateField, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from qingji.ledger.models import (
    CASE_FLAGS,
    OPEN_STATUSES,
    Case,
    CaseStatus,
    JudicialAid,
    StatusPeriod,
    UnderlyingMatter,
    WorkLogEntry,
)
from qingji.reports.models import CheckpointState, StaleUnit, SummaryCheckpoint
from qingji.reviews.models import AccountabilityAction, QualityReview

log = logging.getLogger(__name__)

# (source, handling unit id, status, method) -> [cases, key-supervision cases, overdue cases]
Groups = dict[tuple[str, int, str, str], list[int]]
# (handling unit id, grade) -> [reviewed matters, with accountability]
Reviews = dict[tuple[int, int], list[int]]
# handling unit id -> [cases with aid, amount]
Aid = dict[int, list[Any]]
# (category id or None, handling unit id) -> [cases, settled cases]
Categories = dict[tuple[int | None, int], list[int]]
# handling unit id -> [cases carrying each flag of CASE_FLAGS, in that order]
Flags = dict[int, list[int]]
# (handling unit id, work kind) -> [work-log entries]
Work = dict[tuple[int, str], list[int]]

DIMENSIONS = ("case__source", "case__handling_org_id", "status", "method")
# The status query also groups by category; the groups and the categories are collapsed from its rows.
STATUS_DIMENSIONS = (*DIMENSIONS, "case__category_id")
# Where each grouping's key holds the handling unit (None: the key is the unit).
UNIT_AT: dict[str, int | None] = {"groups": 1, "reviews": 0, "aid": None, "categories": 1, "flags": None,
                                  "work": 0}
FIELDS = ("groups", "reviews", "aid", "categories", "flags", "work")
# Scopes of up to this many units are filtered in SQL (the window, the checkpoint rows); larger ones after.
FEW_UNITS = 20
# Decoded checkpoint rows kept per process: a province's day is ≈550 rows of ≈10 kB decoded.
CACHED_ROWS = 6000
# How long a refresh waits for the writers in flight when it moves the horizon (PostgreSQL), in seconds.
DRAIN_SECONDS = 60.0


def scope_key(campaign: Any) -> str:
    return f"campaign:{campaign.pk}" if campaign is not None else "all"


def _unit_of(name: str, key: Any) -> int:
    at = UNIT_AT[name]
    return key if at is None else key[at]


class Figures:
    """The groupings the summary reads, for one scope and day."""

    def __init__(self, groups: Groups | None = None, reviews: Reviews | None = None, aid: Aid | None = None,
                 categories: Categories | None = None, flags: Flags | None = None, work: Work | None = None) -> None:
        self.groups: Groups = groups or {}
        self.reviews: Reviews = reviews or {}
        self.aid: Aid = aid or {}
        self.categories: Categories = categories or {}
        self.flags: Flags = flags or {}
        self.work: Work = work or {}

    def _maps(self) -> dict[str, dict[Any, list[Any]]]:
        return {"groups": self.groups, "reviews": self.reviews, "aid": self.aid, "categories": self.categories,
                "flags": self.flags, "work": self.work}

    @classmethod
    def load(cls, row: dict[str, Any]) -> "Figures":
        result = cls()
        for name, target in result._maps().items():
            for stored in row.get(name, []):
                if name == "aid":
                    key, values = stored[0], [stored[1], Decimal(stored[2])]
                elif name == "flags":
                    key, values = stored[0], list(stored[1:])
                else:
                    width = 4 if name == "groups" else 2
                    key, values = tuple(stored[:width]), list(stored[width:])
                target[key] = values
        return result

    def dump(self) -> dict[str, Any]:
        return {"groups": [[*k, *v] for k, v in self.groups.items()],
                "reviews": [[*k, *v] for k, v in self.reviews.items()],
                "aid": [[o, n, str(amount)] for o, (n, amount) in self.aid.items()],
                "categories": [[*k, *v] for k, v in self.categories.items()],
                "flags": [[o, *v] for o, v in self.flags.items()],
                "work": [[*k, *v] for k, v in self.work.items()]}

    def add(self, other: "Figures") -> None:
        """Add `other` in. A row is replaced by a new list, never changed in place: copies made by `only` (and
        the decoded checkpoints they come from) share their rows."""
        mine = self._maps()
        for name, delta in other._maps().items():
            target = mine[name]
            for key, values in delta.items():
                row = target.get(key)
                total = list(values) if row is None else [a + b for a, b in zip(row, values, strict=True)]
                if any(total):
                    target[key] = total
                else:
                    target.pop(key, None)

    def merge(self, other: "Figures") -> None:
        """Take in the rows of other units (no key in common), sharing them."""
        for name, target in self._maps().items():
            target.update(other._maps()[name])

    def only(self, units: list[int] | None, exclude: Any = ()) -> "Figures":
        """A copy restricted to these units (None: all) less those in `exclude`, to be added to without
        touching this one."""
        wanted = None if units is None else set(units)
        copies = {}
        for name, source in self._maps().items():
            if wanted is None and not exclude:
                copies[name] = dict(source)
            else:
                copies[name] = {k: v for k, v in source.items() if (wanted is None or _unit_of(name, k) in wanted)
                                and _unit_of(name, k) not in exclude}
        return Figures(**copies)

    def by_unit(self) -> dict[int, "Figures"]:
        """The same rows, split by handling unit."""
        result: dict[int, Figures] = {}
        for name, source in self._maps().items():
            for key, values in source.items():
                result.setdefault(_unit_of(name, key), Figures())._maps()[name][key] = values
        return result

    def totals(self) -> list[int]:
        """[cases, settled cases]."""
        return [sum(v[0] for v in self.groups.values()),
                sum(v[0] for k, v in self.groups.items() if k[2] == CaseStatus.CLOSED_SETTLED)]


# ---------------------------------------------------------------- reading

def figures(*, units: list[int] | None, campaign: Any, day: dt.date, cases: QuerySet[Case] | None = None,
            only_groups: bool = False, without: set[int] | None = None) -> Figures:
    """The figures as of the end of `day` for the cases of `units` (None: every unit) or of the hand-made
    queryset `cases`, in `campaign` (None: every case). `without`, a set holding every stale unit, leaves those
    units out (the caller counts them); only with checkpoints."""
    scope = scope_key(campaign)
    base = _base_day(checkpoint_days_of(scope), day) if cases is None else None
    if base is None:
        return full_figures(units=units, campaign=campaign, cases=cases, day=day, only_groups=only_groups)
    stale: Any = stale_units(scope, base) if without is None else without
    wanted = None if units is None else set(units)
    recount = [] if without is not None else sorted(u for u in stale if wanted is None or u in wanted)
    result = stored(scope, base, units, exclude=stale)
    clean = None if units is None else [u for u in units if u not in stale]
    if base < day and clean != []:
        # A long list of units is applied to the window's few rows here, not in SQL: SQLite probed the
        # covering index once per unit for every period (1.7 s for a province's fortnight, 0.1 s without).
        few = clean is not None and len(clean) <= FEW_UNITS
        delta = _window(clean if few else None, campaign, base, day, only_groups=only_groups)
        result.add(delta.only(None if few else clean, exclude=stale))
    if recount:
        result.add(full_figures(units=recount, campaign=campaign, cases=None, day=day, only_groups=only_groups))
    return result


def _base_day(days: list[dt.date], day: dt.date) -> dt.date | None:
    before = [d for d in days if d <= day]
    return before[-1] if before else None


def checkpoint_days_of(scope: str) -> list[dt.date]:
    """The days that have checkpoints in `scope`, ascending."""
    days = CheckpointState.objects.filter(scope=scope).values_list("days", flat=True).first()
    return [dt.date.fromisoformat(d) for d in days or []]


def stale_units(scope: str, day: dt.date | None = None) -> dict[int, dt.date]:
    """The units whose checkpoints in `scope` are stale (on or before `day`, if given), each from which day."""
    result: dict[int, dt.date] = {}
    for unit, since in StaleUnit.objects.filter(scope__in=("", scope)).values_list("unit", "since"):
        if day is None or since <= day:
            result[unit] = min(since, result.get(unit, since))
    return result


def stored(scope: str, day: dt.date, units: list[int] | None, exclude: Any = ()) -> Figures:
    """The checkpoint rows of `day` of these units (None: all) less those in `exclude`, merged."""
    rows = SummaryCheckpoint.objects.filter(scope=scope, day=day)
    if units is not None and len(units) <= FEW_UNITS:
        rows = rows.filter(unit__in=units)
    wanted = None if units is None else set(units)
    pks = [pk for pk, unit in rows.values_list("pk", "unit")
           if unit not in exclude and (wanted is None or unit in wanted)]
    result = Figures()
    for part in _decoded(pks):
        result.merge(part)
    return result


_cache: "OrderedDict[int, Figures]" = OrderedDict()
_cache_lock = threading.Lock()


def _decoded(pks: list[int]) -> list[Figures]:
    """The rows' figures, each decoded once per process: a checkpoint row never changes (a stale one is
    deleted and a new row made, and ids are not reused: PostgreSQL's sequences, SQLite's AUTOINCREMENT).
    Callers share them: `Figures.add` never changes a row in place."""
    with _cache_lock:
        found = {pk: _cache[pk] for pk in pks if pk in _cache}
        for pk in found:
            _cache.move_to_end(pk)
    missing = [pk for pk in pks if pk not in found]
    for start in range(0, len(missing), 500):
        for row in SummaryCheckpoint.objects.filter(pk__in=missing[start:start + 500]).values("pk", *FIELDS):
            found[row["pk"]] = Figures.load(row)
    with _cache_lock:
        for pk in missing:
            _cache[pk] = found[pk]
        while len(_cache) > CACHED_ROWS:
            _cache.popitem(last=False)
    return [found[pk] for pk in pks]


def forget_cache() -> None:
    """Forget the decoded rows (a test's rolled-back transaction may give a new row an old row's id)."""
    with _cache_lock:
        _cache.clear()


def totals_on(*, units: list[int] | None, campaign: Any,
              days: list[dt.date]) -> tuple[dict[dt.date, tuple[int, int]], list[int]] | None:
    """(cases, settled cases) on each of several days (a trend) of every unit in scope not marked stale: the
    checkpoint days among them from the rows' totals in one query, the others through `figures`; and the stale
    units in scope, which the caller counts for all days at once. None when the scope has no checkpoint at all
    (the caller then counts every period once for all days)."""
    scope = scope_key(campaign)
    built = checkpoint_days_of(scope)
    if not built or min(days) < built[0]:
        return None
    stale = set(stale_units(scope))
    wanted = None if units is None else set(units)
    exact = sorted(set(days) & set(built))
    rows = SummaryCheckpoint.objects.filter(scope=scope, day__in=exact)
    if units is not None and len(units) <= FEW_UNITS:
        rows = rows.filter(unit__in=units)
    sums = {day: [0, 0] for day in exact}
    for day, unit, (n, settled) in rows.values_list("day", "unit", "totals"):
        if (wanted is None or unit in wanted) and unit not in stale:
            sums[day][0] += n
            sums[day][1] += settled
    result = {}
    for day in days:
        if day in sums:
            result[day] = (sums[day][0], sums[day][1])
        else:
            n, settled = figures(units=units, campaign=campaign, day=day, only_groups=True, without=stale).totals()
            result[day] = (n, settled)
    return result, sorted(u for u in stale if wanted is None or u in wanted)


def case_scope_q(path: str, units: list[int] | None, campaign: Any, cases: QuerySet[Case] | None) -> Q:
    """Rows whose case (at `path`) is in scope. Through the join, not `case IN (SELECT …)` (except for a
    hand-made queryset): SQLite then starts from the few aid or review rows and looks their cases up
    (2 s → 0.07 s for aid at 1,000,000 cases)."""
    condition = Q()
    if cases is not None:
        condition &= Q(**{f"{path}__in": cases.values("pk")})
    if units is not None:
        condition &= Q(**{f"{path}__handling_org_id__in": units})
    if campaign is not None:
        from qingji.campaigns.models import CampaignCase

        condition &= Q(Exists(CampaignCase.objects.filter(case=OuterRef(f"{path}_id"), campaign=campaign)))
    return condition


def full_figures(*, units: list[int] | None, campaign: Any, cases: QuerySet[Case] | None, day: dt.date,
                 only_groups: bool = False) -> Figures:
    """The grouped queries over every period in force, every review, every payment and every work-log entry by
    the end of `day`."""
    periods = StatusPeriod.objects.filter(case_scope_q("case", units, campaign, cases))
    rows = (periods.filter(valid_from__lte=day, case__registered_on__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
            .values(*STATUS_DIMENSIONS)
            .annotate(n=Sum(Value(1)), key=Sum(_one(~Q(case__key_supervision=""))),
                      overdue=Sum(_one(Q(status__in=OPEN_STATUSES, case__deadline__lt=day))),
                      **{flag: Sum(_one(Q(**{f"case__{flag}": True}))) for flag in CASE_FLAGS})
            .order_by())
    result = _status_figures(rows)
    if not only_groups:
        reviews = QualityReview.objects.filter(case_scope_q("matter__case", units, campaign, cases))
        _add_reviews(result, reviews.filter(reviewed_on__lte=day, matter__case__registered_on__lte=day))
        aid = JudicialAid.objects.filter(case_scope_q("case", units, campaign, cases))
        _add_aid(result, aid.filter(date__lte=day, case__registered_on__lte=day))
        work = WorkLogEntry.objects.filter(case_scope_q("case", units, campaign, cases))
        _add_work(result, work.filter(date__lte=day, case__registered_on__lte=day))
    return result


def _status_figures(rows: Any) -> Figures:
    """The status query's rows (by source, unit, status, method and category) as the groups, the categories
    and the flags. Summed in plain dicts: a province's full count is tens of thousands of rows."""
    groups: Groups = {}
    categories: Categories = {}
    flags: Flags = {}
    for r in rows:
        org, n = r["case__handling_org_id"], r["n"]
        group = groups.setdefault(_dims(r), [0, 0, 0])
        group[0] += n
        group[1] += r["key"]
        group[2] += r["overdue"]
        category = categories.setdefault((r["case__category_id"], org), [0, 0])
        category[0] += n
        category[1] += n if r["status"] == CaseStatus.CLOSED_SETTLED else 0
        unit = flags.setdefault(org, [0] * len(CASE_FLAGS))
        for i, flag in enumerate(CASE_FLAGS):
            unit[i] += r[flag]
    result = Figures()
    result.add(Figures(groups, categories=categories, flags=flags))  # drops the rows that came to nothing
    return result


def _add_reviews(into: Figures, reviews: QuerySet[QualityReview]) -> None:
    has_action = Exists(AccountabilityAction.objects.filter(review=OuterRef("pk")))
    rows = (reviews.values("matter__case__handling_org_id", "grade")
            .annotate(n=Count("id"), accountable=Count("id", filter=Q(has_action))).order_by())
    into.add(Figures(reviews={(r["matter__case__handling_org_id"], r["grade"]): [r["n"], r["accountable"]]
                              for r in rows}))


def _add_aid(into: Figures, aid: QuerySet[JudicialAid], cases: Count | None = None) -> None:
    rows = (aid.values("case__handling_org_id")
            .annotate(cases=cases or Count("case", distinct=True), amount=Sum("amount")).order_by())
    into.add(Figures(aid={r["case__handling_org_id"]: [r["cases"], r["amount"] or Decimal("0")] for r in rows}))


def _add_work(into: Figures, work: QuerySet[WorkLogEntry]) -> None:
    rows = work.values("case__handling_org_id", "kind").annotate(n=Count("id")).order_by()
    into.add(Figures(work={(r["case__handling_org_id"], r["kind"]): [r["n"]] for r in rows}))


def _dims(row: dict[str, Any]) -> tuple[str, int, str, str]:
    return row["case__source"], row["case__handling_org_id"], row["status"], row["method"]


def _one(condition: Q) -> When_:
    return When_(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _window(units: list[int] | None, campaign: Any, since: dt.date, day: dt.date, *,
            only_groups: bool = False) -> Figures:
    """What changed between the end of `since` and the end of `day` (since < day).

    Status (and with it the categories and flags): for each period whose contribution can differ, (counts on
    `day`) − (counts on `since`). Those periods fall in four disjoint sets, each found through an index:
    started in the window; started before and ended in it; in force throughout but the case registered in it;
    in force throughout, open, its deadline passed in it. Every other period counts the same on both days.
    Reviews, aid and work only ever start counting: those reviewed, paid or dated in the window, and those of
    cases registered in it; a case aided in the window counts when it had no earlier payment."""
    periods = StatusPeriod.objects.filter(case_scope_q("case", units, campaign, None)).annotate(
        start=Greatest("valid_from", "case__registered_on", output_field=DateField()))

    def in_force(d: dt.date) -> Q:
        return Q(start__lte=d) & (Q(valid_to__isnull=True) | Q(valid_to__gt=d))

    def overdue(d: dt.date) -> Q:
        return in_force(d) & Q(status__in=OPEN_STATUSES, case__deadline__lt=d)

    def change(condition: Q) -> Any:
        """(periods counted on `day` with `condition`) − (those counted on `since`)."""
        return Sum(_one(in_force(day) & condition)) - Sum(_one(in_force(since) & condition))

    key = ~Q(case__key_supervision="")
    throughout = Q(valid_from__lte=since) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    sets = (  # two queries: each OR is of conditions on one table, which both databases answer from two indexes
        Q(valid_from__gt=since, valid_from__lte=day) | Q(valid_from__lte=since, valid_to__gt=since, valid_to__lte=day),
        throughout & (Q(case__registered_on__gt=since, case__registered_on__lte=day)
                      | Q(case__registered_on__lte=since, status__in=OPEN_STATUSES, case__deadline__gte=since,
                          case__deadline__lt=day)),
    )
    result = Figures()
    for changed in sets:
        rows = (periods.filter(changed).values(*STATUS_DIMENSIONS)
                .annotate(n=change(Q()), key=change(key),
                          overdue=Sum(_one(overdue(day))) - Sum(_one(overdue(since))),
                          **{flag: change(Q(**{f"case__{flag}": True})) for flag in CASE_FLAGS})
                .order_by())
        result.add(_status_figures(rows))
    if only_groups:
        return result
    # The cases registered in the window, as a subquery: SQLite then starts from them, not from every
    # review or payment dated before the window (0.9 s → a few ms for a city at 1,000,000 cases).
    registered = Case.objects.filter(registered_on__gt=since, registered_on__lte=day).values("pk")
    reviews = QualityReview.objects.filter(case_scope_q("matter__case", units, campaign, None))
    _add_reviews(result, reviews.filter(reviewed_on__gt=since, reviewed_on__lte=day,
                                        matter__case__registered_on__lte=day))
    _add_reviews(result, reviews.filter(reviewed_on__lte=since, matter__in=UnderlyingMatter.objects.filter(
        case__in=registered).values("pk")))
    aid = JudicialAid.objects.filter(case_scope_q("case", units, campaign, None))
    earlier = Exists(JudicialAid.objects.filter(case=OuterRef("case_id"), date__lte=since))
    _add_aid(result, aid.filter(date__gt=since, date__lte=day, case__registered_on__lte=day),
             Count("case", distinct=True, filter=~Q(earlier)))
    _add_aid(result, aid.filter(date__lte=since, case__in=registered))
    work = WorkLogEntry.objects.filter(case_scope_q("case", units, campaign, None))
    _add_work(result, work.filter(date__gt=since, date__lte=day, case__registered_on__lte=day))
    _add_work(result, work.filter(date__lte=since, case__in=registered))
    return result


# ---------------------------------------------------------------- upkeep

@contextlib.contextmanager
def _upkeep_lock(wait: bool) -> Iterator[bool]:
    """One upkeep (refresh or maintain) at a time per database, across processes; readers and writers never
    take it. PostgreSQL: an advisory lock; SQLite: a lock on a file beside the database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtext('qingji.checkpoints.' || current_database()))" if wait
                           else "SELECT pg_try_advisory_lock(hashtext('qingji.checkpoints.' || current_database()))")
            got = True if wait else bool(cursor.fetchone()[0])
        try:
            yield got
        finally:
            if got:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(hashtext('qingji.checkpoints.' || current_database()))")
        return
    import fcntl

    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        yield True
        return
    with open(f"{name}.upkeep", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def maintain(*, wait: bool = True) -> int:
    """Recompute the checkpoints of the stale units and clear their marks; the number of units recomputed.
    With `wait` false, returns 0 at once when another upkeep is running."""
    with _upkeep_lock(wait) as got:
        return _repair() if got else 0


def _scopes() -> dict[str, Any]:
    """Every scope that has checkpoints: its key -> its campaign (None for every case)."""
    from qingji.campaigns.models import Campaign

    keys = list(CheckpointState.objects.values_list("scope", flat=True))
    campaigns = {scope_key(c): c for c in Campaign.objects.filter(
        pk__in=[int(k.split(":")[1]) for k in keys if k.startswith("campaign:")])}
    return {k: (None if k == "all" else campaigns[k]) for k in keys if k == "all" or k in campaigns}


def _repair() -> int:
    """The stale units' rows of the checkpoint days from their marks on, recomputed from the ledger, up to
    FEW_UNITS units at a time (the window's queries cost the same for one unit as for twenty), each group
    written in one short transaction that clears the marks it saw (a mark renewed meanwhile stays, and is done
    next time)."""
    marks: dict[int, list[tuple[int, str, dt.date, int]]] = {}
    for pk, scope, unit, since, generation in StaleUnit.objects.values_list("pk", "scope", "unit", "since",
                                                                            "generation"):
        marks.setdefault(unit, []).append((pk, scope, since, generation))
    if not marks:
        return 0
    scopes = _scopes()
    days = {scope: checkpoint_days_of(scope) for scope in scopes}
    ordered = sorted(marks, key=lambda u: (min(m[2] for m in marks[u]), u))
    for start in range(0, len(ordered), FEW_UNITS):
        group = ordered[start:start + FEW_UNITS]
        made: list[SummaryCheckpoint] = []
        redo: dict[str, dt.date] = {}
        for scope, campaign in scopes.items():
            froms = [since for unit in group for _pk, marked, since, _g in marks[unit] if marked in ("", scope)]
            if froms:
                redo[scope] = min(froms)  # every unit of the group from the earliest: their rows before are valid
                made += _unit_rows(group, scope, campaign, days[scope], redo[scope])
        for unit in group:  # a transaction per unit: a hundred rows, which SQLite's other writers wait for
            with transaction.atomic():
                for scope, since in redo.items():
                    SummaryCheckpoint.objects.filter(scope=scope, unit=unit, day__gte=since).delete()
                SummaryCheckpoint.objects.bulk_create([r for r in made if r.unit == unit], batch_size=200)
                for pk, _scope, _since, generation in marks[unit]:
                    StaleUnit.objects.filter(pk=pk, generation=generation).delete()
    return len(marks)


def _unit_rows(units: list[int], scope: str, campaign: Any, days: list[dt.date],
               since: dt.date) -> list[SummaryCheckpoint]:
    """These units' checkpoint rows of the days from `since` on: from their rows of the day before (valid: their
    marks are all from `since` on) and the windows between, or counted in full on the first day."""
    earlier = [d for d in days if d < since]
    last = earlier[-1] if earlier else None
    current = stored(scope, last, units) if last is not None else None
    rows = []
    for day in (d for d in days if d >= since):
        if current is None or last is None:
            current = full_figures(units=units, campaign=campaign, cases=None, day=day)
        else:
            following = current.only(None)
            following.add(_window(units, campaign, last, day))
            current = following
        last = day
        rows += _rows(scope, day, current)
    return rows


def _rows(scope: str, day: dt.date, counted: Figures) -> list[SummaryCheckpoint]:
    return [SummaryCheckpoint(scope=scope, day=day, unit=unit, totals=part.totals(), **part.dump())
            for unit, part in counted.by_unit().items()]


def checkpoint_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every Sunday and every month end from `first` to `last`, and `last` itself (yesterday, replaced each
    day): no day is more than six days after a checkpoint, and today is one day after one."""
    days = {last} if last >= first else set()
    month = first.replace(day=1)
    while True:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        end = following - dt.timedelta(days=1)
        if end > last:
            break
        if end >= first:
            days.add(end)
        month = following
    day = first + dt.timedelta(days=(6 - first.weekday()) % 7)
    while day <= last:
        days.add(day)
        day += dt.timedelta(weeks=1)
    return sorted(days)


def refresh(*, today: dt.date | None = None, full: bool = False, wait: bool = True) -> dict[str, int]:
    """Bring every scope's checkpoints up to yesterday: recompute the stale units, add the missing days, drop
    the days no longer kept. Returns {scope: checkpoint days computed} ({} when `wait` is false and another
    upkeep is running)."""
    from qingji.campaigns.models import Campaign

    last = (today or timezone.localdate()) - dt.timedelta(days=1)
    with _upkeep_lock(wait) as got:
        if not got:
            return {}
        campaigns = list(Campaign.objects.all())
        keys = [scope_key(None), *(scope_key(c) for c in campaigns)]
        drained = _advance_horizon(keys, last)
        if full:
            with transaction.atomic():
                CheckpointState.objects.filter(scope__in=keys).update(days=[])
                StaleUnit.objects.all().delete()
            _delete_rows(SummaryCheckpoint.objects.filter(scope__in=keys))
        _repair()
        done = {scope_key(c): _build(c, last) if drained else 0 for c in [None, *campaigns]}
        with transaction.atomic():
            CheckpointState.objects.exclude(scope__in=keys).delete()
            StaleUnit.objects.exclude(scope="").exclude(scope__in=keys).delete()
        _delete_rows(SummaryCheckpoint.objects.exclude(scope__in=keys))
        _repair()  # the marks made meanwhile
    return done


def _delete_rows(rows: QuerySet[SummaryCheckpoint]) -> None:
    """Rows no state lists any more, deleted a day at a time (one transaction of a province's rebuild deleting
    200,000 rows kept SQLite's writers waiting 4.6 s)."""
    for scope, day in rows.values_list("scope", "day").distinct().order_by():
        with transaction.atomic():
            SummaryCheckpoint.objects.filter(scope=scope, day=day).delete()


def _advance_horizon(keys: list[str], last: dt.date) -> bool:
    """Let the triggers mark changes up to `last` (the new checkpoints' day) before they are computed, then wait
    for the writers in flight, which may have written without marking: a change committed after this returns
    marks, one committed before is in what is computed. False when a writer is still in flight after
    DRAIN_SECONDS (the new days are then left for the next run)."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        for key in keys:
            state, _created = CheckpointState.objects.get_or_create(scope=key)
            if state.horizon is None or state.horizon < last:
                state.horizon = last
                state.save(update_fields=["horizon"])
    if connection.vendor != "postgresql" or outer:
        return True  # SQLite: the horizon's write waited for the writer in flight; a caller's transaction: alone
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(x::text) FROM pg_snapshot_xip(pg_current_snapshot()) AS x")
        in_flight = cursor.fetchone()[0] or []
        deadline = time.monotonic() + DRAIN_SECONDS
        while in_flight:
            cursor.execute("SELECT array_agg(x::text) FROM unnest(%s::text[]::xid8[]) AS x "
                           "WHERE pg_xact_status(x) = 'in progress'", [in_flight])
            in_flight = cursor.fetchone()[0] or []
            if in_flight and time.monotonic() > deadline:
                log.warning("checkpoints: %d transactions still open after %.0f s; new days left for the next run",
                            len(in_flight), DRAIN_SECONDS)
                return False
            if in_flight:
                time.sleep(0.05)
    return True


def _build(campaign: Any, last: dt.date) -> int:
    """The scope's missing checkpoint days up to `last`, each from the day before it (or counted in full), each
    written in its own short transaction; the days no longer kept dropped."""
    scope = scope_key(campaign)
    cases = Case.objects.filter(campaign_memberships__campaign=campaign) if campaign else Case.objects.all()
    first = cases.aggregate(first=Min("registered_on"))["first"]
    wanted = checkpoint_days(first, last) if first is not None else []
    have = checkpoint_days_of(scope)
    gone = [d for d in have if d not in wanted]
    if gone:
        have = [d for d in have if d in wanted]
        with transaction.atomic():
            SummaryCheckpoint.objects.filter(scope=scope, day__in=gone).delete()
            _save_days(scope, have)
    made = 0
    previous: tuple[dt.date, Figures] | None = None
    for day in wanted:
        if day in have:
            previous = None
            continue
        before = [d for d in have if d < day]
        if previous is None and before:
            previous = (before[-1], stored(scope, before[-1], None))
        if previous is None:
            counted = full_figures(units=None, campaign=campaign, cases=None, day=day)
        else:
            counted = previous[1].only(None)
            counted.add(_window(None, campaign, previous[0], day))
        have = sorted([*have, day])
        with transaction.atomic():
            SummaryCheckpoint.objects.filter(scope=scope, day=day).delete()
            SummaryCheckpoint.objects.bulk_create(_rows(scope, day, counted), batch_size=200)
            _save_days(scope, have)
        previous = (day, counted)
        made += 1
    return made


def _save_days(scope: str, days: list[dt.date]) -> None:
    CheckpointState.objects.filter(scope=scope).update(days=[d.isoformat() for d in days], refreshed_at=timezone.now())


def status() -> list[dict[str, Any]]:
    """Each scope's checkpoints: how many days, through which day, how many units stale."""
    stale = dict(StaleUnit.objects.values_list("scope").annotate(n=Count("id")).order_by())
    return [{"scope": s.scope, "checkpoints": len(s.days), "built_through": s.days[-1] if s.days else None,
             "stale_units": stale.get(s.scope, 0) + stale.get("", 0), "horizon": s.horizon,
             "refreshed_at": s.refreshed_at}
            for s in CheckpointState.objects.order_by("scope")]
