"""The page 地方规则设置: the rules in force and where they come from, the forms of those who may edit, the
history, another unit's rules read-only, a past day, and the English page."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from qingji.rules.models import RuleChange, RuleValue
from qingji.rules.selectors import RuleBook
from qingji.rules.services import rule_set

PAGE = reverse("rules:page")
CHANGE = reverse("rules:change")


def rule_item(body: str, slug: str) -> str:
    """The part of the page that shows one rule (up to the next rule)."""
    start = body.index(f'id="rule-{slug}"')
    following = body.find('id="rule-', start + 1)
    return body[start:following if following != -1 else len(body)]


def test_it_shows_a_unit_user_the_rules_in_force_and_where_each_comes_from(city, users, client, login):
    rule_set(actor=None, org=city["QH-ZFW"], key="bulletin.cadence", value="half_monthly", reason="半月通报")
    rule_set(actor=None, org=city["QH-ZY"], key="termination.counts_as_settled", value=False, reason="中院规定")
    login(users["court_a"])
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    cadence = rule_item(body, "bulletin-cadence")
    assert "每半月" in cadence and "清河市委政法委" in cadence and "QH-ZFW" in cadence
    settled = rule_item(body, "termination-counts-as-settled")
    assert "否" in settled and "QH-ZY" in settled
    months = rule_item(body, "follow-up-months")
    assert "默认" in months and "1个月" in months and "3个月" in months
    chains = rule_item(body, "termination-chains")
    assert "终结审查合议庭" in chains and "省级法院" in chains  # steps with who decides
    sources = rule_item(body, "sources")
    assert "<table" in sources and "领导批示" in sources
    # a unit's staff reads, and gets no form
    assert f'action="{CHANGE}"' not in body
    assert "<script>" not in body and " style=" not in body  # nothing inline: the CSP forbids it
    # the history of the sets it inherits from
    history = body[body.index('id="rules-history"'):]
    assert "半月通报" in history and "中院规定" in history


def test_committee_staff_set_half_monthly_bulletins_with_a_reason_and_see_it_in_the_history(
        city, users, client, login):
    login(users["committee"])
    assert f'action="{CHANGE}"' in rule_item(client.get(PAGE).content.decode(), "bulletin-cadence")
    response = client.post(CHANGE, {"key": "bulletin.cadence", "value": "half_monthly", "reason": "按月改半月",
                                    "action": "set"})
    assert response.status_code == 302
    assert RuleBook().own(city["QH-ZFW"]) == {"bulletin.cadence": "half_monthly"}
    body = client.get(response["Location"]).content.decode()
    assert "已设置" in body
    cadence = rule_item(body, "bulletin-cadence")
    assert "每半月" in cadence and "本单位设置" in cadence
    history = body[body.index('id="rules-history"'):]
    assert "按月改半月" in history and "钱晓燕" in history and "bulletin.cadence" in history
    change = RuleChange.objects.get()
    assert (change.changed_by, change.old, change.new) == (users["committee"], None, "half_monthly")


def test_a_reason_is_required_and_a_bad_json_value_is_refused_on_the_form(city, users, client, login):
    login(users["committee"])
    no_reason = client.post(CHANGE, {"key": "follow_up.months", "value": "[1, 3, 6]", "reason": "", "action": "set"})
    assert no_reason.status_code == 200 and "这个字段是必填项" in no_reason.content.decode()
    not_json = client.post(CHANGE, {"key": "follow_up.months", "value": "[1, 3,", "reason": "延长", "action": "set"})
    assert not_json.status_code == 200
    assert "不是JSON" in rule_item(not_json.content.decode(), "follow-up-months")
    refused = client.post(CHANGE, {"key": "follow_up.months", "value": "[6, 3]", "reason": "延长", "action": "set"})
    assert refused.status_code == 200
    item = rule_item(refused.content.decode(), "follow-up-months")
    assert "follow_up.months" in item and "递增" in item and "<details class=\"mt-1\" open>" in item
    assert "[6, 3]" in item  # what was typed stays on the form
    chain = client.post(CHANGE, {"key": "termination.chains", "action": "set", "reason": "省委政法委批准",
                                 "value": '{"court": [{"code": "review_panel", "decided_by": "intermediate_court"}]}'})
    assert chain.status_code == 200 and "approving_body" in rule_item(chain.content.decode(), "termination-chains")
    assert not RuleValue.objects.exists() and not RuleChange.objects.exists()


def test_a_unit_leader_edits_the_units_own_set_and_unsets_it_but_a_units_staff_may_not(
        city, users, client, login):
    login(users["court_a_lead"])
    assert f'action="{CHANGE}"' in client.get(PAGE).content.decode()
    assert client.post(CHANGE, {"key": "deadline.due_soon_days", "value": "10", "reason": "提前提醒",
                                "action": "set"}).status_code == 302
    assert client.post(CHANGE, {"key": "termination.counts_as_settled", "value": "false", "reason": "不计入",
                                "action": "set"}).status_code == 302
    assert RuleBook().own(city["QH-QY-FY"]) == {"deadline.due_soon_days": 10, "termination.counts_as_settled": False}
    assert client.post(CHANGE, {"key": "deadline.due_soon_days", "reason": "恢复", "action": "unset"}
                       ).status_code == 302
    assert RuleBook().own(city["QH-QY-FY"]) == {"termination.counts_as_settled": False}
    login(users["court_a"])
    refused = client.post(CHANGE, {"key": "deadline.due_soon_days", "value": "3", "reason": "x", "action": "set"})
    assert refused.status_code == 403
    assert RuleBook().own(city["QH-QY-FY"]) == {"termination.counts_as_settled": False}


def test_a_committee_reads_a_unit_in_its_scope_and_nothing_outside(city, users, client, login):
    rule_set(actor=None, org=city["QH-QY-FY"], key="deadline.due_soon_days", value=5)
    login(users["committee"])
    response = client.get(PAGE, {"org": "QH-QY-FY"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "清源区人民法院" in body and "QH-QY-FY" in rule_item(body, "deadline-due-soon-days")
    assert f'action="{CHANGE}"' not in body  # the unit's own set is the unit's to change
    assert client.get(PAGE, {"org": "BY-ZY"}).status_code == 404
    login(users["court_a"])
    assert client.get(PAGE, {"org": "QH-ZY"}).status_code == 404  # a superior is not in a basic court's scope


def test_as_of_shows_the_value_in_force_that_day(city, users, client, login):
    rule_set(actor=None, org=city["QH-ZFW"], key="bulletin.cadence", value="weekly", reason="每周")
    RuleChange.objects.update(changed_at=timezone.now() - dt.timedelta(days=10))
    rule_set(actor=None, org=city["QH-ZFW"], key="bulletin.cadence", value="half_monthly", reason="半月")
    login(users["committee"])
    today = rule_item(client.get(PAGE).content.decode(), "bulletin-cadence")
    assert "每半月" in today
    day = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    past = client.get(PAGE, {"as_of": day}).content.decode()
    assert "每周" in rule_item(past, "bulletin-cadence") and day in past
    assert f'action="{CHANGE}"' not in past  # a past day is read, not edited
    before = (timezone.localdate() - dt.timedelta(days=11)).isoformat()
    assert "默认" in rule_item(client.get(PAGE, {"as_of": before}).content.decode(), "bulletin-cadence")


def test_the_english_page_shows_english_labels(city, users, client, login):
    login(users["court_a"])
    client.post(reverse("set_language"), {"language": "en", "next": PAGE})
    body = client.get(PAGE).content.decode()
    assert "Local rules" in body and "How often bulletins are issued" in body and "Default" in body
    assert "Monthly" in rule_item(body, "bulletin-cadence")
    assert re.search(r"Yes", rule_item(body, "termination-counts-as-settled"))
    assert "每月" not in body


def test_a_campaigns_rules_link_to_the_campaign_where_it_sets_its_own(city, users, client, login):
    from qingji.campaigns.services import campaign_create

    campaign = campaign_create(actor=None, code="C1", name="积案化解专项活动", organiser=city["QH-ZFW"],
                               starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30))
    rule_set(actor=None, campaign=campaign, key="bulletin.cadence", value="weekly", reason="活动每周通报")
    login(users["court_a"])
    assert "?campaign=C1" in client.get(PAGE).content.decode()
    body = client.get(PAGE, {"campaign": "C1"}).content.decode()
    cadence = rule_item(body, "bulletin-cadence")
    assert "每周" in cadence and f'href="{reverse("campaigns:detail", args=["C1"])}"' in cadence
    assert "默认" in rule_item(body, "deadline-due-soon-days")
    assert f'action="{CHANGE}"' not in body and "活动每周通报" in body
    login(users["outsider"])
    assert client.get(PAGE, {"campaign": "C1"}).status_code == 404


def test_sources_are_edited_as_a_table_add_relabel_retire_and_a_code_in_use_is_never_dropped(
        city, users, client, login):
    from qingji.rules.keys import DEFAULT_SOURCES
    from tests.ledger.factories import make_case

    make_case(city["QH-QY-FY"], source="leader_instruction")
    login(users["committee"])
    form = {"key": "sources", "action": "set", "reason": "增设市涉法涉诉窗口"}
    for i, entry in enumerate(DEFAULT_SOURCES):
        form[f"label_{i}"] = "市领导批示" if entry["code"] == "leader_instruction" else entry["label"]
        if entry["code"] != "central_committee":  # retired: unticked
            form[f"active_{i}"] = "on"
    n = len(DEFAULT_SOURCES)
    form |= {f"code_{n}": "city_window", f"label_{n}": "市涉法涉诉窗口", f"active_{n}": "on"}
    assert client.post(CHANGE, form).status_code == 302
    sources = {e["code"]: e for e in RuleBook().value("sources", city["QH-ZFW"])}
    assert sources["leader_instruction"]["label"] == "市领导批示"
    assert sources["central_committee"]["active"] is False
    assert sources["city_window"] == {"code": "city_window", "label": "市涉法涉诉窗口", "active": True}
    assert list(sources)[-1] == "city_window"  # in the table's order
    # the existing codes are fixed on the form: a posted code for an existing row is ignored
    page = rule_item(client.get(PAGE).content.decode(), "sources")
    assert 'name="code_0"' in page and "disabled" in page and "市涉法涉诉窗口" in page
    # a bad new code is refused on the form with the reason, nothing changes
    bad = {**form, f"code_{n + 1}": "Bad Code", f"label_{n + 1}": "坏"}
    response = client.post(CHANGE, bad)
    assert response.status_code == 200 and "小写字母" in rule_item(response.content.decode(), "sources")
    assert RuleChange.objects.filter(key="sources").count() == 1
