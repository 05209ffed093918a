"""The summary's grouped figures, from checkpoints (reports/models.py) where they are valid.

`figures(units, campaign, day)` is what the summary counts as of the end of `day`: for every (source,
handling unit, status, method) the cases, key-supervision cases and overdue cases (`groups`); for every
(category, unit) the cases and settled cases (`categories`); for every unit the cases carrying each flag
(`flags`); for every (unit, grade) the reviewed matters and those with accountability (`reviews`); for every
unit the cases with judicial aid and its amount (`aid`); for every (unit, kind) the work-log entries
(`work`). The status, category and flag figures come from one grouped query over the periods. They are read
  - from the checkpoint of `day` itself, when there is a valid one;
  - else from the latest valid checkpoint C before `day` plus what changed between C and `day`
    (`_window`): indexed queries over the periods, reviews and aid of that window only;
  - else (no valid checkpoint, or a hand-made case queryset) by the full grouped queries over every
    status period in force, every review and every payment of aid, as before.
All three give the same figures; tests/reports/test_checkpoints.py checks it on histories that change
under the checkpoints. `refresh()` (`qingji report checkpoints`, the daily `qingji remind` scan) builds the
checkpoints of every Sunday and every month end up to yesterday.

A case counts on day D when its period's start, max(valid_from, registered_on), is on or before D and
the period has not ended by D (valid_to NULL or after D); it is overdue when, besides, its status is
open and its deadline is before D. A review counts from max(reviewed_on, registered_on), a payment of aid
and a work-log entry from max(date, registered_on); a case counts as aided from its first payment. A case's
category and flags have no history: a case counts with the ones it has now (a change marks the checkpoints
from its registration stale).
"""

import datetime as dt
import functools
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
from qingji.reports.models import CheckpointState, SummaryCheckpoint
from qingji.reviews.models import AccountabilityAction, QualityReview

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
# Checkpoints computed in one transaction (writers wait meanwhile; a full rebuild takes several).
BATCH = 24
# Scopes of up to this many units are filtered in the window's SQL; larger ones after it.
FEW_UNITS = 20


def scope_key(campaign: Any) -> str:
    return f"campaign:{campaign.pk}" if campaign is not None else "all"


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
    def load(cls, row: dict[str, Any], units: list[int] | None) -> "Figures":
        wanted = None if units is None else set(units)
        result = cls()
        for name, target in result._maps().items():
            at = UNIT_AT[name]
            for stored in row.get(name, []):
                if name == "aid":
                    key, values = stored[0], [stored[1], Decimal(stored[2])]
                elif name == "flags":
                    key, values = stored[0], list(stored[1:])
                else:
                    width = 4 if name == "groups" else 2
                    key, values = tuple(stored[:width]), list(stored[width:])
                if wanted is None or (key if at is None else key[at]) in wanted:
                    target[key] = values
        return result

    def dump(self) -> dict[str, Any]:
        return {"groups": [[*k, *v] for k, v in self.groups.items()],
                "reviews": [[*k, *v] for k, v in self.reviews.items()],
                "aid": [[o, n, str(amount)] for o, (n, amount) in self.aid.items()],
                "categories": [[*k, *v] for k, v in self.categories.items()],
                "flags": [[o, *v] for o, v in self.flags.items()],
                "work": [[*k, *v] for k, v in self.work.items()],
                "totals": _totals_of(self.groups)}

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

    def only(self, units: list[int] | None) -> "Figures":
        """A copy restricted to these units (None: all), to be added to without touching this one."""
        wanted = None if units is None else set(units)
        copies = {}
        for name, source in self._maps().items():
            at = UNIT_AT[name]
            copies[name] = dict(source) if wanted is None else {
                k: v for k, v in source.items() if (k if at is None else k[at]) in wanted}
        return Figures(**copies)


def figures(*, units: list[int] | None, campaign: Any, day: dt.date, cases: QuerySet[Case] | None = None,
            only_groups: bool = False) -> Figures:
    """The figures as of the end of `day` for the cases of `units` (None: every unit) or of the hand-made
    queryset `cases`, in `campaign` (None: every case)."""
    base = latest_checkpoint(campaign, day, only_groups=only_groups) if cases is None else None
    if base is None:
        return full_figures(units=units, campaign=campaign, cases=cases, day=day, only_groups=only_groups)
    base_day, result = base
    result = result.only(units)
    if base_day < day:
        # A long list of units is applied to the window's few rows here, not in SQL: SQLite probed the
        # covering index once per unit for every period (1.7 s for a province's fortnight, 0.1 s without).
        few = units is not None and len(units) <= FEW_UNITS
        delta = _window(units if few else None, campaign, base_day, day, only_groups=only_groups)
        result.add(delta.only(None if few else units))
    return result


def latest_checkpoint(campaign: Any, day: dt.date, *, only_groups: bool = False) -> tuple[dt.date, Figures] | None:
    """The latest valid checkpoint on or before `day`, as (its day, its figures)."""
    scope = scope_key(campaign)
    limit = _valid_through(scope)
    if limit is None:
        return None
    row = (SummaryCheckpoint.objects.filter(scope=scope, day__lte=min(day, limit)).order_by("-day")
           .values_list("pk", "day").first())
    if row is None:
        return None
    return row[1], _load(row[0], only_groups)


@functools.lru_cache(maxsize=8)  # a province-wide checkpoint is ≈5 MB decoded
def _load(pk: int, only_groups: bool) -> Figures:
    """A checkpoint's figures, decoded once per process: a checkpoint row never changes (a stale one is
    deleted and a new row made, and ids are not reused: PostgreSQL's sequences, SQLite's AUTOINCREMENT), and
    a province's takes ≈0.1 s to decode. Callers get copies (`only`)."""
    fields = ("groups",) if only_groups else ("groups", "reviews", "aid", "categories", "flags", "work")
    row = SummaryCheckpoint.objects.values(*fields).get(pk=pk)
    return Figures.load(row, None)


def _valid_through(scope: str) -> dt.date | None:
    """The last day whose checkpoint (if it has one) is valid, or None."""
    state = CheckpointState.objects.filter(scope=scope).values("built_through", "dirty_from").first()
    if state is None or state["built_through"] is None:
        return None
    limit = state["built_through"]
    if state["dirty_from"] is not None and state["dirty_from"] <= limit:
        return state["dirty_from"] - dt.timedelta(days=1) if state["dirty_from"] > dt.date.min else None
    return limit


def totals_on(*, units: list[int] | None, campaign: Any, days: list[dt.date]) -> dict[dt.date, tuple[int, int]] | None:
    """(cases, settled cases) on each of several days (a trend): the checkpoint days among them from the
    checkpoints' per-unit totals in one query, the others through `figures`; None when the scope has no valid
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
            grouped = figures(units=units, campaign=campaign, day=day, only_groups=True).groups
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


# ---------------------------------------------------------------- building

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


def _refresh_scope(campaign: Any, last: dt.date, full: bool) -> int:
    """Checkpoints in batches of BATCH, each batch one transaction that first drops what went stale."""
    made = 0
    while True:
        batch = _refresh_batch(campaign, last, full and made == 0)
        made += batch
        if batch < BATCH:
            return made


@transaction.atomic
def _refresh_batch(campaign: Any, last: dt.date, full: bool) -> int:
    scope = scope_key(campaign)
    CheckpointState.objects.filter(scope=scope).update(refreshed_at=timezone.now())
    _lock_writers()
    state, _created = CheckpointState.objects.select_for_update().get_or_create(scope=scope)
    cases = Case.objects.filter(campaign_memberships__campaign=campaign) if campaign else Case.objects.all()
    first = cases.aggregate(first=Min("registered_on"))["first"]
    wanted = checkpoint_days(first, last) if first is not None else []
    stale = SummaryCheckpoint.objects.filter(scope=scope).exclude(day__in=wanted)
    if full or state.built_through is None:
        stale = SummaryCheckpoint.objects.filter(scope=scope)
    elif state.dirty_from is not None:
        stale = stale | SummaryCheckpoint.objects.filter(scope=scope, day__gte=state.dirty_from)
    stale.delete()
    have = set(SummaryCheckpoint.objects.filter(scope=scope).values_list("day", flat=True))
    state.dirty_from = None
    state.built_through = max(have) if have else None
    state.save()  # what is left is valid; the base below is read through it
    base: tuple[dt.date, Figures] | None = None
    made: list[SummaryCheckpoint] = []
    for day in wanted:
        if day in have:
            base = None  # the next missing day starts from the latest checkpoint before it
            continue
        if len(made) == BATCH:
            break
        if base is None and have and min(have) < day:
            base = latest_checkpoint(campaign, day)
        if base is None:
            result = full_figures(units=None, campaign=campaign, cases=None, day=day)
        else:
            result = base[1].only(None)
            result.add(_window(None, campaign, base[0], day))
        made.append(SummaryCheckpoint(scope=scope, day=day, **result.dump()))
        base = (day, result)
    SummaryCheckpoint.objects.bulk_create(made, batch_size=20)
    if made:
        state.built_through = max(state.built_through or made[-1].day, made[-1].day)
    state.refreshed_at = timezone.now()
    state.save()
    return len(made)


def status() -> list[dict[str, Any]]:
    """Each scope's checkpoints: how many, through which day, stale from which day."""
    counts = dict(SummaryCheckpoint.objects.values_list("scope").annotate(n=Count("id")).order_by())
    return [{"scope": s.scope, "checkpoints": counts.get(s.scope, 0), "built_through": s.built_through,
             "dirty_from": s.dirty_from, "refreshed_at": s.refreshed_at}
            for s in CheckpointState.objects.order_by("scope")]
