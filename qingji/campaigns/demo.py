"""The demo city's campaigns: the city committee's, in the seeds' plan shape relative to today (staged targets
by month of the campaign), two bulletins (the second switching the campaign's cadence to weekly); the
intermediate court's own over its basic courts, with its leading group (the president 组长, as in the
seeds); reminders with one response overdue, a rectification order, and the day's scan."""

import datetime as dt

from django.utils import timezone

from qingji.campaigns.bulletins import bulletin_issue
from qingji.campaigns.models import GroupRole
from qingji.campaigns.services import campaign_apply_scope, campaign_create, leading_group_set
from qingji.ledger.models import OPEN_STATUSES, Case
from qingji.organisations.models import Official, Org
from qingji.supervision.scan import run_scan
from qingji.supervision.services import rectification_issue, reminder_create, reminder_respond


def load() -> None:
    today = timezone.localdate()
    days = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    committee = Org.objects.get(code="QH-ZFW")
    campaign = campaign_create(
        actor=None, code="QH-QJ", name="全市集中清理涉法涉诉信访积案专项活动", organiser=committee,
        starts_on=days(-200), ends_on=days(60), cutoff_date=days(-60),
        phases=[("动员部署", days(-200), days(-186)), ("排查摸底", days(-185), days(-150)),
                ("集中化解", days(-149), days(20)), ("检查验收", days(21), days(45)), ("考核表彰", days(46), days(60))],
        rules={"campaign.milestones": [{"month": 4, "rate": 30}, {"month": 6, "rate": 50}, {"month": 7, "rate": 80},
                                       {"month": 8, "rate": 95}]})
    campaign_apply_scope(actor=None, campaign=campaign)
    bulletin_issue(actor=None, campaign=campaign, as_of=days(-37))
    bulletin_issue(actor=None, campaign=campaign, as_of=days(-7), cadence="weekly")
    _court_campaign(today)
    _supervision(committee, today)


def _court_campaign(today: dt.date) -> None:
    """全市法院: the intermediate court's campaign over its basic courts, its leading group from its officials."""
    court = Org.objects.get(code="QH-ZY")
    campaign = campaign_create(
        actor=None, code="QH-ZY-QJ", name="全市法院清理化解涉诉信访积案专项活动", organiser=court,
        starts_on=today - dt.timedelta(days=150), ends_on=today + dt.timedelta(days=60),
        cutoff_date=today - dt.timedelta(days=60), rules={"bulletin.cadence": "half_monthly"})
    campaign_apply_scope(actor=None, campaign=campaign)
    officials = {o.name: o for o in Official.objects.filter(org__path__startswith=court.path)}
    members = [("吴正平", GroupRole.HEAD, "院长"), ("郑国栋", GroupRole.DEPUTY, "分管信访"),
               ("冯建军", GroupRole.MEMBER, "终结审查合议庭"), ("王丽华", GroupRole.OFFICE, "办公室主任")]
    leading_group_set(actor=None, campaign=campaign,
                      members=[(officials[name], role, duty) for name, role, duty in members if name in officials])


def _supervision(committee: Org, today: dt.date) -> None:
    open_cases = list(Case.objects.filter(status__in=OPEN_STATUSES, deadline__isnull=False)
                      .select_related("handling_org").order_by("deadline", "pk")[:3])
    for index, case in enumerate(open_cases):
        reminder = reminder_create(actor=None, case=case, channel=("letter", "phone", "visit")[index],
                                   sent_on=today - dt.timedelta(days=12), issuer=committee,
                                   content="请加快化解进度，落实包案领导责任，并书面报告办理情况。",
                                   response_due=today - dt.timedelta(days=5 - 4 * index))
        if index == 2:
            reminder_respond(actor=None, reminder=reminder, response="已约访信访人，拟召开听证会。",
                             responded_on=today - dt.timedelta(days=2))
    rectification_issue(actor=None, org=Org.objects.get(code="QH-AP-FY"), issuer=committee,
                        problem="部分案件化解方案不具体，包案领导未亲自接访。", issued_on=today - dt.timedelta(days=20),
                        due_on=today + dt.timedelta(days=10))
    run_scan(today)
