"""督查督办 as the users meet it: deadlines, a reminder by letter and its response, rectification orders,
notifications and the scan."""

import datetime as dt
import re
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from docx import Document

from qingji.ledger.models import CaseStatus
from qingji.ledger.services import case_update
from qingji.supervision.models import Notification, Rectification, Reminder
from tests.ledger.factories import make_case


def _case(city, days_left: int, unit: str = "QH-QY-FY"):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    case = make_case(city[unit], status=CaseStatus.IN_PROGRESS, registered_on=today - dt.timedelta(days=60))
    return case_update(actor=None, case=case, expected_version=case.version,
                       deadline=today + dt.timedelta(days=days_left))


def _by_unit(part: str) -> dict[str, list[str]]:
    """The deadlines page's groups: each unit's name and the ledger numbers listed under it."""
    groups = part.split('<div class="px-3 pt-2 fw-bold small">')[1:]
    return {g.split(" <span", 1)[0]: re.findall(r'href="/cases/\d+/">([^<]+)</a>', g) for g in groups}


def test_it_lists_due_soon_and_overdue_cases_per_unit(city, users, client, login):
    soon, late, later = _case(city, 3), _case(city, -2), _case(city, 30)
    elsewhere = _case(city, 5, "QH-HY-FY")
    login(users["committee"])
    page = client.get(reverse("supervision:deadlines")).content.decode()
    overdue_part, due_part = page.split("即将到期", 1)
    assert _by_unit(overdue_part) == {"清源区人民法院": [late.ledger_no]}
    assert _by_unit(due_part) == {"清源区人民法院": [soon.ledger_no], "河阳区人民法院": [elsewhere.ledger_no]}
    assert later.ledger_no not in page
    assert later.ledger_no in client.get(reverse("supervision:deadlines"), {"days": 31}).content.decode()


def test_it_records_a_reminder_by_letter_the_unit_answers(city, users, client, login):
    case = _case(city, 10)
    today = timezone.localdate()
    login(users["committee"])
    response = client.post(reverse("supervision:reminder_create", args=[case.pk]), {
        "channel": "letter", "sent_on": str(today), "response_due": str(today + dt.timedelta(days=5)),
        "content": "请于五日内报送化解进展"})
    reminder = Reminder.objects.get()
    assert response["Location"] == reverse("supervision:reminder", args=[reminder.pk])
    letter = Document(BytesIO(client.get(reverse("supervision:reminder_letter", args=[reminder.pk])).content))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "清源区人民法院：" in text and case.ledger_no in text and "清河市委政法委" in text
    assert Notification.objects.filter(user=users["court_a"], kind="reminder").exists()
    login(users["court_a"])
    client.post(reverse("supervision:reminder_respond", args=[reminder.pk]),
                {"responded_on": str(today), "response": "已约访信访人，正在协调"})
    reminder.refresh_from_db()
    assert reminder.responded_on == today and reminder.response == "已约访信访人，正在协调"


def test_it_refuses_a_response_due_before_the_reminder(city, users, client, login):
    case = _case(city, 10)
    today = timezone.localdate()
    login(users["committee"])
    response = client.post(reverse("supervision:reminder_create", args=[case.pk]), {
        "channel": "phone", "sent_on": str(today), "response_due": str(today - dt.timedelta(days=1)),
        "content": "电话催办"})
    assert response.status_code == 200 and "回复期限应晚于催办日期" in response.content.decode()
    assert not Reminder.objects.exists()


def test_it_issues_and_closes_a_rectification_order(city, users, client, login):
    today = timezone.localdate()
    login(users["committee"])
    client.post(reverse("supervision:rectifications"), {
        "org": "QH-HY-FY", "problem": "包案责任未落实到人", "issued_on": str(today),
        "due_on": str(today + dt.timedelta(days=15))})
    order = Rectification.objects.get()
    assert order.org == city["QH-HY-FY"] and order.issuer == city["QH-ZFW"]
    login(users["court_b"])
    assert "包案责任未落实到人" in client.get(reverse("supervision:rectifications")).content.decode()
    assert client.post(reverse("supervision:rectification_close", args=[order.pk]),
                       {"closed_on": str(today), "closure_note": "x"}).status_code == 403
    login(users["committee"])
    client.post(reverse("supervision:rectification_close", args=[order.pk]),
                {"closed_on": str(today), "closure_note": "已逐案明确包案领导"})
    order.refresh_from_db()
    assert order.closed_on == today


def test_it_lists_the_users_notifications_and_marks_them_read(city, users, client, login):
    _case(city, 2)
    login(users["committee"])
    client.post(reverse("supervision:run_scan"))
    assert set(Notification.objects.filter(user=users["court_a"]).values_list("kind", flat=True)) == {
        "due_soon", "half_time"}
    notice = Notification.objects.get(user=users["court_a"], kind="due_soon")
    login(users["court_a"])
    assert notice.title in client.get(reverse("supervision:notifications")).content.decode()
    client.post(reverse("supervision:notification_read", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is not None
    login(users["court_b"])
    assert client.post(reverse("supervision:notification_read", args=[notice.pk])).status_code == 404


def test_the_case_page_shows_its_reminders_and_campaigns(city, users, client, login):
    from tests.campaigns.helpers import make_campaign

    case = _case(city, 10)
    today = timezone.localdate()
    campaign = make_campaign(city)
    from qingji.campaigns.services import campaign_add_case
    from qingji.supervision.services import reminder_create

    campaign_add_case(actor=None, campaign=campaign, case=case)
    reminder = reminder_create(actor=None, case=case, channel="phone", sent_on=today, content="电话催办",
                               response_due=today + dt.timedelta(days=3), issuer=city["QH-ZFW"])
    login(users["court_a"])
    page = client.get(reverse("ledger:detail", args=[case.pk])).content.decode()
    panel = page[page.index('id="supervision"'):]
    assert reverse("campaigns:detail", args=[campaign.code]) in panel and campaign.name in panel
    assert reverse("supervision:reminder", args=[reminder.pk]) in panel
    assert f"{today:%Y-%m-%d} 电话 · 清河市委政法委" in panel
