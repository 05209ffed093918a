"""Rule sets (../shared/spec/local-rules.md): inheritance, versions and as-of, refusals, the command and the API."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from qingji.audit.models import AuditEntry
from qingji.organisations.models import OrgKind, OrgLevel
from qingji.organisations.services import org_create
from qingji.rules.keys import KEYS
from qingji.rules.models import RuleChange, RuleValue
from qingji.rules.selectors import RuleBook, rule
from qingji.rules.services import rule_set
from tests.ledger.factories import make_case


def show(capsys, *args: str) -> dict:
    capsys.readouterr()
    call_command("rules", "show", *args)
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def county(city):
    """A county committee below the city committee (region 990102, the 清源区 court's)."""
    return org_create(actor=None, code="QY-ZFW", name="清源区委政法委", kind=OrgKind.COMMITTEE, level=OrgLevel.COUNTY,
                      superior=city["QH-ZFW"], region_code="990102")


def test_every_key_of_the_spec_is_shown_with_its_default(city, capsys):
    rules = show(capsys, "--org", "QH-ZFW")
    assert list(rules) == list(KEYS)
    assert rules["campaign.milestones"] == {"value": [{"month": 1, "rate": 65}, {"month": 2, "rate": 85},
                                                      {"month": 3, "rate": 90}, {"month": 4, "rate": 95}],
                                            "from": "default"}
    assert rules["follow_up.months"] == {"value": [1, 3], "from": "default"}
    assert rules["termination.chains"]["value"]["court"][-1] == {"code": "approving_body",
                                                                 "decided_by": "unit:court:province"}
    assert rules["termination.chains"]["value"]["police"][0] == {"code": "unit_review", "decided_by": "handling_unit"}


def test_a_unit_inherits_from_its_superiors_and_its_committees_and_its_own_value_wins(city, county, capsys):
    call_command("rules", "set", "--org", "QH-ZFW", "bulletin.cadence", '"half_monthly"', "--reason", "半月通报")
    call_command("rules", "set", "--org", "QH-ZY", "deadline.due_soon_days", "10")
    # the county committee and the basic court of its region see the city committee's value
    assert show(capsys, "--org", "QY-ZFW")["bulletin.cadence"] == {"value": "half_monthly", "from": "QH-ZFW"}
    court = show(capsys, "--org", "QH-QY-FY")
    assert court["bulletin.cadence"] == {"value": "half_monthly", "from": "QH-ZFW"}
    # the intermediate court's set covers its basic courts
    assert court["deadline.due_soon_days"] == {"value": 10, "from": "QH-ZY"}
    # the police has no superior: the city committee's region holds it
    assert show(capsys, "--org", "QH-GAJ")["bulletin.cadence"]["from"] == "QH-ZFW"
    # the county committee's own value is nearer to the court than the city's
    call_command("rules", "set", "--org", "QY-ZFW", "bulletin.cadence", "weekly")
    assert show(capsys, "--org", "QH-QY-FY")["bulletin.cadence"] == {"value": "weekly", "from": "QY-ZFW"}
    assert show(capsys, "--org", "QH-HY-FY")["bulletin.cadence"] == {"value": "half_monthly", "from": "QH-ZFW"}
    # unset: the superior's again
    call_command("rules", "unset", "--org", "QY-ZFW", "bulletin.cadence", "--reason", "统一")
    assert show(capsys, "--org", "QH-QY-FY")["bulletin.cadence"]["from"] == "QH-ZFW"
    # a unit outside the city sees none of it
    assert show(capsys, "--org", "BY-ZY")["bulletin.cadence"] == {"value": "monthly", "from": "default"}


def test_a_chain_map_set_for_one_kind_keeps_the_inherited_chains_of_the_others(city):
    rule_set(actor=None, org=city["JC-ZFW"], key="termination.chains",
             value={"police": [{"code": "unit_review", "decided_by": "handling_unit"},
                               {"code": "approving_body", "decided_by": "unit:committee:city"}]})
    chains = rule("termination.chains", city["QH-GAJ"])
    assert [s["code"] for s in chains["police"]] == ["unit_review", "approving_body"]
    assert chains["court"] == KEYS["termination.chains"].default["court"]


def test_every_change_is_a_version_with_its_reason_and_the_past_is_reproduced(city, capsys):
    rule_set(actor=None, org=city["QH-ZFW"], key="follow_up.months", value=[1, 3, 6], reason="延长回访")
    first = RuleChange.objects.get()
    RuleChange.objects.filter(pk=first.pk).update(changed_at=timezone.now() - dt.timedelta(days=10))
    rule_set(actor=None, org=city["QH-ZFW"], key="follow_up.months", value=[2], reason="改为两个月")
    before = (timezone.localdate() - dt.timedelta(days=11)).isoformat()
    between = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    assert show(capsys, "--org", "QH-GAJ", "--as-of", before)["follow_up.months"] == {"value": [1, 3],
                                                                                    "from": "default"}
    assert show(capsys, "--org", "QH-GAJ", "--as-of", between)["follow_up.months"] == {"value": [1, 3, 6],
                                                                                     "from": "QH-ZFW"}
    assert show(capsys, "--org", "QH-GAJ")["follow_up.months"]["value"] == [2]
    capsys.readouterr()
    call_command("rules", "history", "--org", "QH-ZFW")
    history = json.loads(capsys.readouterr().out)
    assert [(h["old"], h["new"], h["reason"]) for h in history] == [(None, [1, 3, 6], "延长回访"),
                                                                    ([1, 3, 6], [2], "改为两个月")]
    assert AuditEntry.objects.filter(action="rules.set").count() == 2


@pytest.mark.parametrize(("key", "value", "says"), [
    ("nosuch", "1", "没有规则nosuch"),
    ("bulletin.cadence", '"fortnightly"', "weekly, half_monthly, monthly"),
    ("follow_up.months", "[3, 1]", "递增"),
    ("termination.chains", '{"court": [{"code": "review_panel", "decided_by": "intermediate_court"}]}',
     "必须以审批机关"),
    ("campaign.milestones", '[{"month": 1, "rate": 90}, {"month": 2, "rate": 60}]', "不能低于"),
    ("deadline.due_soon_days", "0", "1至90之间的整数"),
    ("termination.requires", '["hearing", "oath"]', "未知代码：oath"),
    ("deadline.due_soon_days", "{not json", "不是JSON"),
])
def test_a_bad_key_or_value_is_refused_with_the_reason_and_changes_nothing(city, key, value, says):
    """The reason is given in the user's language (zh-hans by default)."""
    with pytest.raises(CommandError, match=says):
        call_command("rules", "set", "--org", "QH-ZFW", key, value)
    assert not RuleValue.objects.exists() and not RuleChange.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="rules.").exists()


def test_the_command_exits_1_on_a_refusal_and_2_on_bad_usage(city, tmp_path):
    import os
    import subprocess
    import sys

    with pytest.raises(CommandError) as refused:
        call_command("rules", "set", "--org", "QH-ZFW", "bulletin.cadence", "yearly")
    assert refused.value.returncode == 1
    usage = subprocess.run([sys.executable, "-m", "qingji", "rules", "set", "bulletin.cadence", "weekly"],
                           capture_output=True, text=True, check=False,
                           env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"})
    assert usage.returncode == 2 and "--org" in usage.stderr


def test_a_source_in_use_is_retired_not_removed(city):
    make_case(city["QH-QY-FY"], source="leader_instruction")
    sources = [s for s in KEYS["sources"].default if s["code"] != "leader_instruction"]
    with pytest.raises(ValidationError, match="leader_instruction"):
        rule_set(actor=None, org=city["QH-ZFW"], key="sources", value=sources)
    retired = [{**s, "active": s["code"] != "leader_instruction"} for s in KEYS["sources"].default]
    rule_set(actor=None, org=city["QH-ZFW"], key="sources",
             value=[*retired, {"code": "city_window", "label": "市涉法涉诉窗口"}])
    offered = [s["code"] for s in rule("sources", city["QH-QY-FY"]) if s["active"]]
    assert "leader_instruction" not in offered and "city_window" in offered
    # unused elsewhere: another city may drop it
    rule_set(actor=None, org=city["BY-ZFW"], key="sources", value=sources)


def test_a_new_category_code_gets_its_row_for_cases_to_point_to(city):
    from qingji.ledger.models import Category

    categories = [*KEYS["categories"].default, {"code": "environment", "label": "环境污染"}]
    rule_set(actor=None, org=city["QH-ZFW"], key="categories", value=categories)
    assert Category.objects.get(code="environment").name == "环境污染"


def test_only_the_owner_edits_its_own_rules(city, users):
    rule_set(actor=users["committee"], org=city["QH-ZFW"], key="bulletin.cadence", value="weekly")
    rule_set(actor=users["court_a_lead"], org=city["QH-QY-FY"], key="deadline.due_soon_days", value=5)
    for actor, org in ((users["committee"], "JC-ZFW"),  # a superior's
                       (users["committee"], "QH-QY-FY"),  # a unit in scope is not the committee's own set
                       (users["court_a"], "QH-QY-FY"),  # staff, not the leader
                       (users["sysadmin"], "QH-ZFW")):
        with pytest.raises(PermissionDenied):
            rule_set(actor=actor, org=city[org], key="bulletin.cadence", value="monthly")
    assert RuleBook().own(city["QH-ZFW"]) == {"bulletin.cadence": "weekly"}


def test_a_campaign_sets_only_campaign_keys_and_overrides_its_organiser(city):
    from qingji.campaigns.services import campaign_create

    campaign = campaign_create(actor=None, code="C1", name="积案化解", organiser=city["QH-ZFW"],
                               starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30))
    rule_set(actor=None, org=city["QH-ZFW"], key="bulletin.cadence", value="half_monthly")
    assert RuleBook().resolve("bulletin.cadence", campaign=campaign).source == "QH-ZFW"
    rule_set(actor=None, campaign=campaign, key="bulletin.cadence", value="weekly")
    resolved = RuleBook().resolve("bulletin.cadence", campaign=campaign)
    assert (resolved.value, resolved.source) == ("weekly", "C1")
    with pytest.raises(ValidationError, match="只能设置本活动的规则"):
        rule_set(actor=None, campaign=campaign, key="deadline.due_soon_days", value=3)


def test_the_api_reads_the_rules_of_a_unit_in_scope(client, city, users):
    rule_set(actor=None, org=city["QH-ZY"], key="deadline.due_soon_days", value=10)
    client.force_login(users["court_a"])
    body = client.get("/api/v1/rules").json()
    assert body["deadline.due_soon_days"] == {"value": 10, "from": "QH-ZY"}
    assert client.get("/api/v1/rules?org=QH-QY-FY").json() == body
    assert client.get("/api/v1/rules?org=QH-ZY").status_code == 404  # a superior is outside the scope
    as_of = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert client.get(f"/api/v1/rules?as_of={as_of}").json()["deadline.due_soon_days"]["from"] == "default"
