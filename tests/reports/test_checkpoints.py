"""The summary's checkpoints give exactly the figures of the full count, and go stale when history changes.

Each test builds a random history through the services (statuses, categories and flags, work, aid, reviews,
termination proposals, reopenings), builds the checkpoints, then compares the whole summary read through
them, the added figures included, with the summary counted in full (a hand-made case queryset never uses
checkpoints) on every month end, Sundays, a leap day, days between checkpoints and days after the last one,
on SQLite and PostgreSQL: right after each kind of change (the changed units counted in full), and again
once `maintain()` has recomputed their checkpoints. The database triggers are what marks the units stale;
they are tested here by making each kind of change the way the application makes it."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from qingji.campaigns.models import Campaign, CampaignCase
from qingji.ledger.models import (
    CASE_FLAGS,
    AidPayer,
    Case,
    CaseStatus,
    Category,
    JudicialAid,
    SettlementMethod,
    Source,
    WorkKind,
    WorkLogEntry,
)
from qingji.ledger.selectors import cases_in_org_scope
from qingji.ledger.services import aid_add, case_record_status, case_update, responsibility_assign, work_log_add
from qingji.lib.checks import allowed
from qingji.lifecycle import policy
from qingji.lifecycle.models import Proceeding, Reopening
from qingji.lifecycle.services import case_reopen, proceeding_decide, termination_propose
from qingji.organisations.models import Official
from qingji.reports import checkpoints
from qingji.reports.models import StaleUnit, SummaryCheckpoint
from qingji.reports.selectors import settlement_trend, summary
from qingji.reviews.models import AccountabilityAction, AccountabilityKind, QualityReview
from qingji.reviews.services import accountability_add, matter_add, review_record
from tests.ledger.factories import make_case

TODAY = dt.date(2026, 1, 10)
UNITS = ("QH-QY-FY", "QH-HY-FY", "QH-AP-FY")
PROBES = sorted({
    dt.date(2023, 6, 30), dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 17), dt.date(2024, 6, 30),
    dt.date(2024, 10, 31), dt.date(2025, 2, 28), dt.date(2025, 5, 14), dt.date(2025, 6, 30), dt.date(2025, 9, 30),
    dt.date(2025, 12, 28), dt.date(2025, 12, 31), dt.date(2026, 1, 4), dt.date(2026, 1, 7), TODAY,
})  # month ends (checkpoints), a leap day, days between, a Sunday, days after the last checkpoint


def _history(city, rng: random.Random, n: int = 30) -> list[Case]:  # type: ignore[no-untyped-def]
    cases = []
    methods = list(SettlementMethod.values)
    categories = [None, *Category.objects.order_by("pk")[:4]]
    for i in range(n):
        org = city[rng.choice(UNITS)]
        registered = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 690))
        case = make_case(org, name=f"甲{i}", source=rng.choice(list(Source.values)), registered_on=registered,
                         key_supervision=rng.choice(["", "", "省委政法委"]), category=rng.choice(categories),
                         flags=[f for f in CASE_FLAGS if rng.random() < 0.25])
        day = registered
        if rng.random() < 0.85:
            day += dt.timedelta(days=rng.randrange(0, 20))
            official = Official.objects.filter(org=org).first() or Official.objects.create(org=org, name="李四")
            responsibility_assign(actor=None, case=case, lead_official=official, plan="化解方案",
                                  deadline=day + dt.timedelta(days=rng.randrange(10, 200)), effective_on=day)
            for _ in range(rng.randrange(0, 4)):
                day += dt.timedelta(days=rng.randrange(1, 120))
                if day >= TODAY:
                    break
                status = rng.choice([CaseStatus.CLOSED_SETTLED, CaseStatus.CLOSED_SETTLED, CaseStatus.CLOSED_UNSETTLED,
                                     CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED])
                case = case_record_status(actor=None, case=Case.objects.get(pk=case.pk), status=status,
                                          method=rng.choice(methods) if status == CaseStatus.CLOSED_SETTLED else "",
                                          effective_on=day)
        case = Case.objects.get(pk=case.pk)
        _lifecycle(case, rng)
        for _ in range(rng.randrange(0, 4)):  # work, sometimes dated before the registration
            worked = registered + dt.timedelta(days=rng.randrange(-10, 500))
            work_log_add(actor=None, case=case, kind=rng.choice(list(WorkKind.values)), content="工作",
                         date=min(TODAY - dt.timedelta(days=1), worked))
        if rng.random() < 0.4:  # judicial aid, sometimes paid twice
            for _ in range(rng.randrange(1, 3)):
                paid = registered + dt.timedelta(days=rng.randrange(-5, 500))  # sometimes before registration
                aid_add(actor=None, case=case, amount=Decimal(rng.randrange(1000, 90000)), payer=AidPayer.AID_FUND,
                        date=min(paid, TODAY - dt.timedelta(days=1)))
        if rng.random() < 0.5:  # a reviewed underlying matter, sometimes with accountability
            matter = matter_add(actor=None, case=case, docket_number=f"（2023）清民初{i}号")
            review = review_record(actor=None, matter=matter, grade=rng.choice([1, 1, 2, 3]), findings="案卷评查",
                                   reviewed_on=min(TODAY - dt.timedelta(days=1),
                                                   registered + dt.timedelta(days=rng.randrange(-30, 400))))
            if rng.random() < 0.3:
                accountability_add(actor=None, review=review, kind=AccountabilityKind.WARNING, person="王五")
        cases.append(Case.objects.get(pk=case.pk))
    return cases


def _lifecycle(case: Case, rng: random.Random) -> None:
    """A new petition after some closures; a termination proposal, pending or returned, on some open cases."""
    last = TODAY - dt.timedelta(days=1)
    if case.status_since >= last:
        return
    later = min(last, case.status_since + dt.timedelta(days=rng.randrange(1, 200)))
    if case.status in (CaseStatus.CLOSED_SETTLED, CaseStatus.CLOSED_UNSETTLED) and \
            case.settlement_method != SettlementMethod.TERMINATED and rng.random() < 0.4:
        case_reopen(actor=None, case=case, petitioned_on=later, description="重新上访")
    elif allowed(policy.check_termination_propose, None, case, pending=None) and rng.random() < 0.3:
        proposal = termination_propose(actor=None, case=case, note="穷尽法律程序", requested_on=later)
        if rng.random() < 0.5:
            proceeding_decide(actor=None, proceeding=proposal, step="review_panel", approve=False, opinion="退回",
                              decided_on=min(last, later + dt.timedelta(days=rng.randrange(0, 60))))


def _assert_same(city, campaign=None, days=PROBES) -> None:  # type: ignore[no-untyped-def]
    for i, day in enumerate(days):
        for org in (city["QH-ZFW"], city["QH-QY-FY"])[:1 + i % 2]:
            fast = summary(org=org, campaign=campaign, as_of=day)
            full = summary(org=org, campaign=campaign, as_of=day, cases=cases_in_org_scope(org))
            assert fast == full, (org.code, day)
    everything = [summary(as_of=day)["total"] for day in days]
    assert everything == [summary(as_of=day, cases=Case.objects.all())["total"] for day in days]


def _stale(scope: str = "") -> dict[int, dt.date]:
    """The units marked stale for `scope` ("": every scope), each from which day."""
    return dict(StaleUnit.objects.filter(scope=scope).values_list("unit", "since"))


def _rows() -> dict[tuple[dt.date, int], tuple[int, list]]:
    return {(day, unit): (pk, groups) for pk, day, unit, groups in
            SummaryCheckpoint.objects.filter(scope="all").values_list("pk", "day", "unit", "groups")}


def _assert_repaired(city, campaign=None, days=PROBES) -> None:  # type: ignore[no-untyped-def]
    """The figures agree while units are stale, and again once maintain() has recomputed them; only the stale
    units' rows from their marks on were rewritten."""
    _assert_same(city, campaign, days=days)
    stale = list(StaleUnit.objects.values_list("unit", "since"))
    before = _rows()
    assert checkpoints.maintain() > 0
    assert not StaleUnit.objects.exists()
    after = _rows()
    kept = {k for k in before if not any(k[1] == unit and k[0] >= since for unit, since in stale)}
    assert {k: before[k][0] for k in kept} == {k: after[k][0] for k in kept}  # the same rows, untouched
    _assert_same(city, campaign, days=days)


@pytest.fixture
def history(city):  # type: ignore[no-untyped-def]
    return _history(city, random.Random(7))


def test_a_full_rebuild_gives_the_same_checkpoints(city, history):
    checkpoints.refresh(today=TODAY)
    whole = {k: groups for k, (_pk, groups) in _rows().items()}
    made = checkpoints.refresh(today=TODAY, full=True)
    assert made["all"] == len(checkpoints.checkpoint_days_of("all")) == len({day for day, _unit in whole})
    assert {k: groups for k, (_pk, groups) in _rows().items()} == whole


def test_one_row_per_unit_and_day(city, history):
    checkpoints.refresh(today=TODAY)
    units = {c.handling_org_id for c in history if c.registered_on <= dt.date(2025, 12, 31)}
    assert set(SummaryCheckpoint.objects.filter(scope="all", day=dt.date(2025, 12, 31))
               .values_list("unit", flat=True)) == units


def test_the_checkpoints_give_the_figures_of_the_full_count(city, history):
    assert JudicialAid.objects.count() > 10 and QualityReview.objects.count() > 10
    assert AccountabilityAction.objects.exists() and WorkLogEntry.objects.count() > 20
    assert Reopening.objects.count() > 2 and Proceeding.objects.count() > 2
    assert Case.objects.filter(category=None).exists() and Case.objects.exclude(category=None).exists()
    made = checkpoints.refresh(today=TODAY)
    days = checkpoints.checkpoint_days_of("all")
    assert set(SummaryCheckpoint.objects.filter(scope="all").values_list("day", flat=True)) == set(days)
    assert made["all"] == len(days) > 24
    assert dt.date(2025, 12, 31) in days and dt.date(2026, 1, 4) in days  # a month end, a Sunday
    assert dt.date(2026, 1, 8) not in days and days[-1] == dt.date(2026, 1, 9)  # and yesterday
    _assert_same(city)


def test_the_summary_reads_a_checkpoint_when_there_is_one(city, history):
    checkpoints.refresh(today=TODAY)
    honest = summary(org=city["QH-ZFW"], as_of=dt.date(2025, 6, 30))
    point = SummaryCheckpoint.objects.filter(scope="all", day=dt.date(2025, 6, 30)).first()
    source, org, status, method, n, key, overdue = point.groups[0]
    point.groups[0] = [source, org, status, method, n + 1000, key, overdue]
    point.save()
    checkpoints.forget_cache()  # the application never edits a checkpoint in place; this test does
    # The checkpoint itself, and the days after it that start from it, show the planted cases.
    assert summary(org=city["QH-ZFW"], as_of=dt.date(2025, 6, 30))["total"] == honest["total"] + 1000
    assert summary(org=city["QH-ZFW"], as_of=dt.date(2025, 7, 3))["total"] >= 1000
    checkpoints.refresh(today=TODAY, full=True)
    assert summary(org=city["QH-ZFW"], as_of=dt.date(2025, 6, 30)) == honest


def test_a_back_dated_status_change_marks_later_checkpoints_stale(city, history):
    checkpoints.refresh(today=TODAY)
    case = next(c for c in history if c.status == CaseStatus.IN_PROGRESS and c.status_since < dt.date(2025, 6, 1))
    case_record_status(actor=None, case=case, status=CaseStatus.CLOSED_SETTLED, method=SettlementMethod.OTHER,
                       effective_on=dt.date(2025, 6, 10))
    assert _stale() == {case.handling_org_id: dt.date(2025, 6, 10)}  # one unit, not the whole scope
    _assert_repaired(city)
    case_record_status(actor=None, case=Case.objects.get(pk=case.pk), status=CaseStatus.IN_PROGRESS,
                       effective_on=dt.date(2025, 8, 1))
    checkpoints.refresh(today=TODAY)  # the daily refresh recomputes the stale units too
    assert not StaleUnit.objects.exists()
    _assert_same(city)


def test_changes_made_today_leave_the_checkpoints_valid(city, history):
    checkpoints.refresh(today=TODAY)
    case = next(c for c in history if c.status == CaseStatus.IN_PROGRESS)
    case_record_status(actor=None, case=case, status=CaseStatus.CLOSED_SETTLED, method=SettlementMethod.OTHER,
                       effective_on=TODAY)
    make_case(city["QH-QY-FY"], name="新", registered_on=TODAY)
    assert not StaleUnit.objects.exists()
    _assert_same(city, days=[dt.date(2026, 1, 4), dt.date(2026, 1, 9), TODAY])


@pytest.mark.parametrize("change", ["handling_org", "source", "key_supervision", "registered_on", "deadline",
                                    "category", "group_petition"])
def test_editing_what_a_case_is_counted_by_marks_checkpoints_stale(city, history, change):
    checkpoints.refresh(today=TODAY)
    case = next(c for c in history if c.registered_on < dt.date(2025, 3, 1) and c.deadline)
    value = {"handling_org": city["QH-AP-FY"] if case.handling_org.code != "QH-AP-FY" else city["QH-QY-FY"],
             "source": Source.SELF_IDENTIFIED if case.source != Source.SELF_IDENTIFIED else Source.CITY_COMMITTEE,
             "key_supervision": "" if case.key_supervision else "中央政法委",
             "registered_on": case.registered_on - dt.timedelta(days=3),
             "deadline": case.deadline + dt.timedelta(days=45),
             "category": Category.objects.exclude(pk=case.category_id).first(),
             "group_petition": not case.group_petition}[change]
    case_update(actor=None, case=case, expected_version=case.version, **{change: value})
    expected = {"deadline": case.deadline, "registered_on": case.registered_on - dt.timedelta(days=3)}.get(
        change, case.registered_on)
    units = {case.handling_org_id, value.pk} if change == "handling_org" else {case.handling_org_id}
    assert _stale() == dict.fromkeys(units, expected)  # a moved case: the unit it left and the one it joined
    _assert_repaired(city)


def test_campaign_checkpoints_follow_the_campaigns_cases(city, history):
    campaign = Campaign.objects.create(code="QJ-2025", name="积案化解", organiser=city["QH-ZFW"],
                                       starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31))
    CampaignCase.objects.bulk_create(CampaignCase(campaign=campaign, case=c) for c in history[::2])
    made = checkpoints.refresh(today=TODAY)
    assert made[f"campaign:{campaign.pk}"] > 0
    _assert_same(city, campaign)
    CampaignCase.objects.create(campaign=campaign, case=history[1])
    assert _stale(f"campaign:{campaign.pk}") == {history[1].handling_org_id: history[1].registered_on}
    assert not _stale()  # the other scopes are untouched
    _assert_repaired(city, campaign, days=[dt.date(2025, 3, 31), dt.date(2025, 9, 30), TODAY])
    campaign.delete()
    checkpoints.refresh(today=TODAY)
    assert not SummaryCheckpoint.objects.filter(scope__startswith="campaign:").exists()


def test_deleting_a_case_marks_checkpoints_stale(city, history):
    checkpoints.refresh(today=TODAY)
    case = min(history, key=lambda c: c.registered_on)
    Case.objects.filter(pk=case.pk).delete()
    assert _stale()[case.handling_org_id] <= case.registered_on
    _assert_repaired(city)


def test_the_trend_reads_the_sundays_and_agrees_with_the_full_count(city, history):
    checkpoints.refresh(today=TODAY)
    days = [dt.date(2025, 11, 16), dt.date(2025, 11, 23), dt.date(2025, 12, 31), dt.date(2026, 1, 4), TODAY]
    units = list(city["QH-ZFW"].__class__.objects.filter(code__in=UNITS).values_list("id", flat=True))
    fast = settlement_trend(units=units, days=days)
    assert fast == settlement_trend(cases=Case.objects.filter(handling_org_id__in=units), days=days)
    assert [p["total"] for p in fast] == [summary(units=units, as_of=d)["total"] for d in days]
    # A unit marked stale by a back-dated closure is counted for every day at once, the others from the rows.
    case = next(c for c in history if c.status == CaseStatus.IN_PROGRESS and c.status_since < dt.date(2025, 11, 1))
    case_record_status(actor=None, case=case, status=CaseStatus.CLOSED_SETTLED, method=SettlementMethod.OTHER,
                       effective_on=dt.date(2025, 11, 20))
    assert _stale() == {case.handling_org_id: dt.date(2025, 11, 20)}
    for scope in (units, None):
        fast = settlement_trend(units=scope, days=days)
        full = settlement_trend(cases=Case.objects.all() if scope is None else
                                Case.objects.filter(handling_org_id__in=scope), days=days)
        assert fast == full


def test_checkpoints_are_every_sunday_every_month_end_and_yesterday():
    days = checkpoints.checkpoint_days(dt.date(2025, 1, 15), dt.date(2025, 3, 3))
    assert days == [dt.date(2025, 1, 19), dt.date(2025, 1, 26), dt.date(2025, 1, 31), dt.date(2025, 2, 2),
                    dt.date(2025, 2, 9), dt.date(2025, 2, 16), dt.date(2025, 2, 23), dt.date(2025, 2, 28),
                    dt.date(2025, 3, 2), dt.date(2025, 3, 3)]
    every_day = [dt.date(2020, 1, 1) + dt.timedelta(days=n) for n in range(2192)]  # 2020-2025
    expected = [d for d in every_day if d.weekday() == 6 or (d + dt.timedelta(days=1)).day == 1 or d == every_day[-1]]
    assert checkpoints.checkpoint_days(every_day[0], every_day[-1]) == expected


@pytest.mark.parametrize("change", ["aid added", "aid removed", "review added", "grade corrected",
                                    "accountability added", "matter moved", "work added", "work redated",
                                    "work removed"])
def test_a_change_to_aid_reviews_or_work_marks_checkpoints_stale(city, history, change):
    checkpoints.refresh(today=TODAY)
    case = next(c for c in history if c.registered_on < dt.date(2024, 9, 1))
    review = QualityReview.objects.filter(reviewed_on__lt=dt.date(2025, 6, 1)).select_related("matter").first()
    if change == "aid added":
        aid_add(actor=None, case=case, amount=Decimal("5000"), date=dt.date(2025, 4, 2), payer=AidPayer.AID_FUND)
        expected = dt.date(2025, 4, 2)
    elif change == "aid removed":
        aid = JudicialAid.objects.order_by("date").first()
        aid.delete()
        expected = aid.date
    elif change == "review added":
        matter = matter_add(actor=None, case=case, docket_number="（2024）清刑终9号")
        review_record(actor=None, matter=matter, grade=3, findings="证据不足", reviewed_on=dt.date(2025, 2, 3))
        expected = dt.date(2025, 2, 3)
    elif change == "grade corrected":
        review_record(actor=None, matter=review.matter, grade=1 if review.grade != 1 else 2, findings="复核",
                      reviewed_on=review.reviewed_on)
        expected = review.reviewed_on
    elif change == "accountability added":
        accountability_add(actor=None, review=review, kind=AccountabilityKind.NOTICE, person="赵六")
        expected = review.reviewed_on
    elif change == "work added":
        work_log_add(actor=None, case=case, kind=WorkKind.HEARING, date=dt.date(2025, 3, 3), content="听证")
        expected = dt.date(2025, 3, 3)
    elif change in ("work redated", "work removed"):
        entry = WorkLogEntry.objects.filter(date__lt=dt.date(2025, 6, 1)).order_by("date").last()
        expected = entry.date if change == "work removed" else entry.date - dt.timedelta(days=20)
        if change == "work removed":
            entry.delete()
        else:
            WorkLogEntry.objects.filter(pk=entry.pk).update(date=expected)
    else:
        left = review.matter.case.handling_org_id
        review.matter.case = next(c for c in history if c.handling_org_id != left)
        review.matter.save()
        expected = review.reviewed_on
    stale = _stale()
    assert min(stale.values()) == expected
    if change == "matter moved":  # the unit it left and the one it joined
        assert set(stale) == {left, review.matter.case.handling_org_id}
    _assert_repaired(city)
