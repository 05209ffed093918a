"""The issue's "done when": a whole campaign on a clock the test controls (every date passed explicitly)."""

import datetime as dt
from decimal import Decimal
from io import BytesIO, StringIO

from django.core.management import call_command
from docx import Document

from qingji.campaigns.bulletins import bulletin_issue, next_bulletin_due
from qingji.campaigns.models import Bulletin, ExplanationTask
from qingji.campaigns.render import bulletin_docx
from qingji.campaigns.selectors import progress
from qingji.ledger.models import CaseStatus
from qingji.organisations.models import Official
from qingji.supervision.models import Notification, Reminder
from qingji.supervision.services import reminder_create
from tests.campaigns.helpers import COURTS, apply, make_campaign, screening, settle
from tests.ledger.factories import make_case

D = dt.date


def document_text(content: bytes) -> list[str]:
    doc = Document(BytesIO(content))
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]


def verdicts(bulletin: Bulletin) -> dict[str, tuple[int, bool, bool]]:
    return {r["org"]: (r["rank"], r["commended"], r["criticised"]) for r in bulletin.snapshot["rows"]}


def test_it_runs_a_whole_campaign(city, users):
    cases = screening(city)
    make_case(city["QH-ZY"], registered_on=D(2012, 1, 5), status=CaseStatus.IN_PROGRESS)  # after the cut-off
    make_case(city["QH-ZY"], registered_on=D(2011, 11, 2), status=CaseStatus.CLOSED_SETTLED,
              method="written_pledge", closed_on=D(2011, 12, 1))  # settled before the cut-off
    campaign = make_campaign(city)
    assert apply(campaign) == {"added": 16, "removed": 0, "total": 16}
    assert apply(campaign)["added"] == 0

    zy, qy, hy, ap = (cases[c] for c in COURTS)
    for case in zy[:3] + qy[:3] + hy[:1] + ap[:2]:
        settle(case, D(2012, 1, 20))

    # As of 1 February: 9 of 16 settled, the January milestone (65%) missed; 5 more needed for 85% by 29 February.
    committee = users["committee"]
    seen = progress(committee, campaign, D(2012, 2, 1))
    assert seen["milestones"][0]["met"] is False and seen["milestones"][0]["actual"] == "56.3"
    assert seen["next"].date == D(2012, 2, 29) and seen["needed"] == 5
    by_unit = {u["org"]: u for u in seen["units"]}
    assert by_unit["QH-ZY"]["meets"] is True and by_unit["QH-HY-FY"]["meets"] is False

    first = bulletin_issue(actor=committee, campaign=campaign, as_of=D(2012, 1, 31))
    assert verdicts(first) == {"QH-QY-FY": (1, True, False), "QH-ZY": (2, False, False),
                               "QH-AP-FY": (3, False, False), "QH-HY-FY": (4, False, True)}
    assert first.cadence == "monthly" and next_bulletin_due(campaign) == D(2012, 2, 29)
    assert Notification.objects.filter(user=users["court_b"], kind="bulletin").count() == 1  # 河阳 criticised

    settle(zy[3], D(2012, 2, 20))
    settle(qy[3], D(2012, 2, 25))
    settle(ap[2], D(2012, 2, 20))
    second = bulletin_issue(actor=committee, campaign=campaign, as_of=D(2012, 2, 29), cadence="weekly")
    assert second.cadence == "weekly" and next_bulletin_due(campaign) == D(2012, 3, 7)
    rows = {r["org"]: r for r in second.snapshot["rows"]}
    assert rows["QH-AP-FY"]["rate_change"] == "+25.0" and rows["QH-AP-FY"]["criticised"] is False
    assert rows["QH-HY-FY"]["criticised"] and rows["QH-HY-FY"]["streak"] == 2
    assert rows["QH-ZY"]["previous_rank"] == 2 and rows["QH-ZY"]["rank_change"] == 0
    task = ExplanationTask.objects.get()
    assert task.org.code == "QH-HY-FY" and task.bulletin == second and task.due_on == D(2012, 3, 10)
    assert task.head == Official.objects.get(org=city["QH-HY-FY"], title="院长")
    assert task.status == "open"

    settle(hy[1], D(2012, 3, 5))
    third = bulletin_issue(actor=committee, campaign=campaign, as_of=D(2012, 3, 7))
    assert third.cadence == "weekly"
    assert verdicts(third)["QH-AP-FY"] == (3, False, False)  # below 85%, but not the last
    assert verdicts(third)["QH-HY-FY"] == (4, False, True)  # the last below it, a third time
    assert ExplanationTask.objects.filter(org=city["QH-HY-FY"]).count() == 2  # after the second and the third

    # An issued bulletin never changes: later edits to the ledger leave its snapshot and document alone.
    frozen, document = first.snapshot, document_text(bulletin_docx(first.snapshot))
    settle(hy[2], D(2012, 1, 25))
    first.refresh_from_db()
    assert first.snapshot == frozen and document_text(bulletin_docx(first.snapshot)) == document

    # The rest settle in March: the end-of-March milestone (90%) is met, the earlier two stay missed.
    settle(ap[3], D(2012, 3, 20))
    settle(hy[3], D(2012, 3, 20))
    end = progress(committee, campaign, D(2012, 4, 1))
    assert [(m["actual"], m["met"]) for m in end["milestones"]] == [
        ("62.5", False), ("81.3", False), ("100.0", True), (None, None)]
    assert end["next"].date == D(2012, 4, 30) and end["needed"] == 0 and not end["behind"]


def test_it_sends_each_reminder_once(city, users):
    cases = screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    reminder_create(actor=users["committee"], case=cases["QH-HY-FY"][0], channel="letter", sent_on=D(2012, 1, 20),
                    content="请加快办理", response_due=D(2012, 1, 30))
    first, second = StringIO(), StringIO()
    call_command("remind", "--as-of", "2012-02-05", stdout=first)
    count = Notification.objects.count()
    call_command("remind", "--as-of", "2012-02-05", stdout=second)
    assert Notification.objects.count() == count
    assert count > 0 and "escalated 1" in first.getvalue() and "escalated 0" in second.getvalue()
    assert ", ".join(f"{k} 0" for k in ("due_soon", "overdue", "half_time", "escalated", "reopened", "tasks",
                                                 "bulletins")) \
        in second.getvalue()
    reminder = Reminder.objects.get()
    assert reminder.escalated_to == city["JC-ZFW"] and reminder.escalated_on == D(2012, 2, 5)
    assert Notification.objects.filter(user=users["province"], kind="escalation").count() == 1
    # Half the time to the deadline gone with no work recorded: the unit hears of it once per case.
    assert Notification.objects.filter(user=users["court_b"], kind="half_time").count() == 4
    assert progress(users["committee"], campaign, D(2012, 2, 5))["in_force"].target_rate == Decimal(65)
