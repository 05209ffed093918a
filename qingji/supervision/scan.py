"""The supervision scan (`qingji remind`): what is due as of a day, sent as notices, each once.

What it sends follows the local rules (qingji/rules) of each case's handling unit, `qingji rules set …`:
- a case due within `deadline.due_soon_days` → notice to its lead official and handlers;
- a case past its deadline → notice to them and to the unit;
- half the time to the deadline gone and no work-log entry → supervision notice to handler and lead official
  (`supervision.half_time`);
- a reminder whose response is overdue → escalation to the committee one level up (`supervision.escalate`);
- a settled or concluded case petitioned again (reopened) within `supervision.reopened_lookback_days` → notice
  to the lead official and the committee (`supervision.reopened`);
- an explanation or rectification past its due date → notice to the unit and to the committee;
- a campaign's next bulletin due by its cadence → notice to the organising committee.
Each kind of check is one query whatever the rules: the units that share a value are one condition of it
(`rule_for_cases_q`), all read from one RuleBook per scan.
"""

import datetime as dt
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from qingji.campaigns.models import ExplanationStatus, ExplanationTask
from qingji.ledger.filters import due_soon_q
from qingji.ledger.models import CLOSED_STATUSES, OPEN_STATUSES, Case, CaseStatus, StatusPeriod, WorkLogEntry
from qingji.rules.selectors import RuleBook, rule_for_cases_q
from qingji.supervision.models import Rectification, Reminder
from qingji.supervision.services import (
    committee_above,
    committee_users,
    notify,
    official_users,
    reminder_escalate,
    unit_users,
)

EVERY = Q(pk__isnull=False)  # a condition that holds (an empty Q() is dropped from an OR)
NONE = Q(pk__in=[])


def _switched_on(key: str, book: RuleBook, field: str = "handling_org_id") -> Q:
    """The cases whose unit has the yes-or-no rule `key` on."""
    on: Callable[[bool], Q] = lambda value: EVERY if value else NONE  # noqa: E731
    return rule_for_cases_q(key, on, field=field, book=book)


def _case_people(case: Case) -> list:
    responsibility = getattr(case, "responsibility", None)
    if responsibility is None:
        return []
    return [responsibility.lead_official, *responsibility.handlers.all()]


def _case_url(case: Case) -> str:
    return reverse("ledger:detail", args=[case.pk])


def _open_cases() -> QuerySet[Case]:
    return (Case.objects.filter(status__in=OPEN_STATUSES, deadline__isnull=False)
            .select_related("handling_org", "responsibility__lead_official__account")
            .prefetch_related("responsibility__handlers__account"))


def scan_deadlines(as_of: dt.date, book: RuleBook) -> dict[str, int]:
    sent = {"due_soon": 0, "overdue": 0}
    for case in _open_cases().filter(Q(deadline__lt=as_of) | due_soon_q(as_of, book=book)):
        if case.deadline is None:  # never (the query takes cases with a deadline); for the types
            continue
        if case.deadline >= as_of:
            sent["due_soon"] += notify(
                users=official_users(_case_people(case), case.handling_org), key=f"due:{case.pk}:{case.deadline}",
                kind="due_soon", title=_("Case %(case)s is due on %(date)s") % {"case": case.ledger_no,
                                                                                "date": case.deadline},
                url=_case_url(case))
        else:
            sent["overdue"] += notify(
                users=official_users(_case_people(case)) + unit_users(case.handling_org),
                key=f"overdue:{case.pk}:{case.deadline}", kind="overdue",
                title=_("Case %(case)s is overdue (deadline %(date)s)") % {"case": case.ledger_no,
                                                                           "date": case.deadline},
                url=_case_url(case))
    return sent


def scan_half_time(as_of: dt.date, book: RuleBook) -> int:
    """Half the time from registration to the deadline gone, and no work recorded since registration."""
    worked = WorkLogEntry.objects.filter(case=OuterRef("pk"), date__lte=as_of)
    sent = 0
    cases = _open_cases().filter(_switched_on("supervision.half_time", book))
    for case in cases.filter(deadline__gte=as_of, registered_on__lte=as_of).exclude(Exists(worked)):
        if case.deadline is None:  # never (the query takes cases with a deadline); for the types
            continue
        midpoint = case.registered_on + (case.deadline - case.registered_on) / 2
        if as_of < midpoint:
            continue
        sent += notify(users=official_users(_case_people(case), case.handling_org),
                       key=f"halftime:{case.pk}:{case.deadline}", kind="half_time",
                       title=_("Supervision notice: half the time to the deadline of case %(case)s has gone and no "
                               "work is recorded") % {"case": case.ledger_no}, url=_case_url(case))
    return sent


def scan_reminders(as_of: dt.date, book: RuleBook) -> int:
    overdue = (Reminder.objects.filter(responded_on__isnull=True, escalated_on__isnull=True, response_due__lt=as_of)
               .filter(_switched_on("supervision.escalate", book, "case__handling_org_id"))
               .select_related("issuer", "case__handling_org"))
    return sum(1 for reminder in overdue if reminder_escalate(reminder=reminder, as_of=as_of))


def scan_reopened(as_of: dt.date, book: RuleBook) -> int:
    """重新上访: a case back in progress the day a closed period ended, within its unit's lookback days."""
    closed_before = StatusPeriod.objects.filter(case=OuterRef("case"), status__in=CLOSED_STATUSES,
                                                valid_to=OuterRef("valid_from"))
    field = "case__handling_org_id"
    recent = rule_for_cases_q("supervision.reopened_lookback_days",
                              lambda days: Q(valid_from__gte=as_of - dt.timedelta(days=days)), field=field, book=book)
    reopened = (StatusPeriod.objects.filter(status=CaseStatus.IN_PROGRESS, valid_from__lte=as_of)
                .filter(recent).filter(_switched_on("supervision.reopened", book, field))
                .filter(Exists(closed_before)).select_related("case__handling_org"))
    sent = 0
    for period in reopened:
        case = period.case
        responsibility = getattr(case, "responsibility", None)
        committee = committee_above(case.handling_org)
        users = official_users([responsibility.lead_official] if responsibility else [], case.handling_org)
        users += committee_users(committee) if committee else []
        sent += notify(users=users, key=f"reopened:{period.pk}", kind="reopened",
                       title=_("Case %(case)s was petitioned again on %(date)s") % {"case": case.ledger_no,
                                                                                    "date": period.valid_from},
                       url=_case_url(case))
    return sent


def scan_tasks(as_of: dt.date) -> int:
    sent = 0
    for task in ExplanationTask.objects.filter(status=ExplanationStatus.OPEN, due_on__lt=as_of).select_related(
            "org", "campaign__organiser"):
        sent += notify(users=unit_users(task.org) + committee_users(task.campaign.organiser),
                       key=f"explanation-overdue:{task.pk}", kind="explanation_overdue",
                       title=_("The written explanation of %(unit)s was due on %(date)s")
                       % {"unit": task.org.name, "date": task.due_on}, url=reverse("campaigns:explanations"))
    for order in Rectification.objects.filter(closed_on__isnull=True, due_on__lt=as_of).select_related(
            "org", "issuer"):
        sent += notify(users=unit_users(order.org) + committee_users(order.issuer),
                       key=f"rectification-overdue:{order.pk}", kind="rectification_overdue",
                       title=_("The rectification ordered of %(unit)s was due on %(date)s")
                       % {"unit": order.org.name, "date": order.due_on}, url=reverse("supervision:rectifications"))
    return sent


def scan_bulletins(as_of: dt.date) -> int:
    """A running campaign whose next bulletin (by its cadence) is due: the organising committee is told."""
    from qingji.campaigns.bulletins import next_bulletin_due
    from qingji.campaigns.models import Campaign

    sent = 0
    for campaign in Campaign.objects.filter(starts_on__lte=as_of, ends_on__gte=as_of).select_related("organiser"):
        due = next_bulletin_due(campaign)
        if due is None or due > as_of:
            continue
        sent += notify(users=committee_users(campaign.organiser), key=f"bulletin-due:{campaign.pk}:{due}",
                       kind="bulletin_due", title=_("Bulletin of %(campaign)s due on %(date)s")
                       % {"campaign": campaign.name, "date": due},
                       url=reverse("campaigns:detail", args=[campaign.code]))
    return sent


def run_scan(as_of: dt.date) -> dict[str, int]:
    """Every check, as of the end of `as_of`, by the rules in force now; returns how many notices each sent (0 on
    a second run)."""
    book = RuleBook()
    sent = scan_deadlines(as_of, book)
    sent["half_time"] = scan_half_time(as_of, book)
    sent["escalated"] = scan_reminders(as_of, book)
    sent["reopened"] = scan_reopened(as_of, book)
    sent["tasks"] = scan_tasks(as_of)
    sent["bulletins"] = scan_bulletins(as_of)
    return sent
