"""A campaign run by a unit with units under it: the intermediate court over its basic courts, created by its
leader; its leading group (领导小组) named on its page."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from qingji.accounts.roles import Role
from qingji.audit.models import AuditEntry
from qingji.campaigns.bulletins import bulletin_issue
from qingji.campaigns.models import Campaign, LeadingGroupMember
from qingji.campaigns.render import bulletin_docx
from qingji.campaigns.selectors import leading_group_head
from qingji.campaigns.services import campaign_apply_scope, campaign_create
from qingji.ledger.models import CaseStatus
from qingji.organisations.models import Official
from tests.conftest import make_user
from tests.ledger.factories import make_case

D = dt.date
FORM = {"code": "ZY-QJ", "name": "全市法院清理化解涉诉信访积案专项活动", "starts_on": "2012-03-15",
        "ends_on": "2012-08-31", "phases": "", "milestones": "", "bulletin_cadence": "half_monthly"}


@pytest.fixture
def president(city):  # type: ignore[no-untyped-def]
    """The intermediate court's president (院长), with an account as its leader."""
    user = make_user("zy_president", city["QH-ZY"], Role.UNIT_LEADER, "吴正平")
    Official.objects.filter(org=city["QH-ZY"], name="吴正平").update(account=user)
    return user


@pytest.fixture
def court_campaign(city, president, client, login):  # type: ignore[no-untyped-def]
    for code in ("QH-ZY", "QH-QY-FY", "QH-GAJ"):
        make_case(city[code], status=CaseStatus.IN_PROGRESS, registered_on=D(2012, 1, 5))
    login(president)
    response = client.post(reverse("campaigns:create"), FORM)
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="ZY-QJ")
    client.post(reverse("campaigns:apply_scope", args=[campaign.code]))
    return campaign


def test_the_intermediate_court_s_leader_runs_a_campaign_over_its_basic_courts(city, users, court_campaign):
    campaign = court_campaign
    assert campaign.organiser == city["QH-ZY"]
    handling = set(campaign.memberships.values_list("case__handling_org__code", flat=True))
    assert handling == {"QH-ZY", "QH-QY-FY"}  # its own and its basic courts' cases; not the police's
    bulletin = bulletin_issue(actor=campaign.created_by, campaign=campaign, as_of=D(2012, 3, 31))
    assert bulletin.cadence == "half_monthly"


@pytest.mark.parametrize(("account", "sees", "manages"), [
    ("court", True, False),  # the intermediate court's staff: sees, does not run it
    ("court_a", True, False), ("court_a_lead", True, False),  # a basic court under it
    ("committee", True, True),  # the city committee, whose region holds the court
    ("province", True, True),
    ("police", False, False), ("outsider", False, False),
])
def test_who_sees_and_who_runs_the_court_s_campaign(users, court_campaign, client, login, account, sees, manages):
    login(users[account])
    detail = client.get(reverse("campaigns:detail", args=[court_campaign.code]))
    assert detail.status_code == (200 if sees else 404)
    link = f'href="{reverse("campaigns:detail", args=[court_campaign.code])}"'
    listed = link in client.get(reverse("campaigns:list")).content.decode()
    assert listed is sees
    edit = client.get(reverse("campaigns:edit", args=[court_campaign.code])).status_code
    assert edit == (200 if manages else 403 if sees else 404)


def test_a_unit_without_units_under_it_runs_no_campaign(city, users, client, login):
    login(users["court_a_lead"])  # a basic court's leader
    assert client.get(reverse("campaigns:create")).status_code == 403
    assert reverse("campaigns:create") not in client.get(reverse("campaigns:list")).content.decode()
    with pytest.raises(ValidationError, match="清河市公安局"):
        campaign_create(actor=None, code="GA", name="公安", organiser=city["QH-GAJ"], starts_on=D(2012, 1, 1),
                        ends_on=D(2012, 6, 30))
    login(users["court"])  # the intermediate court's staff: its leader runs its campaigns
    assert client.get(reverse("campaigns:create")).status_code == 403


def _group_post(members):  # type: ignore[no-untyped-def]
    data = {"group-TOTAL_FORMS": str(len(members)), "group-INITIAL_FORMS": "0", "group-MIN_NUM_FORMS": "0",
            "group-MAX_NUM_FORMS": "60"}
    for index, (official, role, duty) in enumerate(members):
        data.update({f"group-{index}-official": str(official.pk) if official else "", f"group-{index}-role": role,
                     f"group-{index}-duty": duty})
    return data


def test_the_leading_group_is_named_from_the_organiser_s_officials(city, users, president, court_campaign, client,
                                                                     login):
    campaign = court_campaign
    people = {o.name: o for o in Official.objects.all()}
    url = reverse("campaigns:leading_group", args=[campaign.code])
    page = client.get(url).content.decode()
    assert "陈家和" in page and "孔庆祥" not in page  # a basic court's president is offered, the police chief not
    # two heads, or an official from outside the court's scope, are refused and nothing changes
    response = client.post(url, _group_post([(people["吴正平"], "head", ""), (people["郑国栋"], "head", "")]))
    assert response.status_code == 200 and "组长" in response.content.decode()
    response = client.post(url, _group_post([(people["吴正平"], "head", ""), (people["孔庆祥"], "member", "")]))
    assert response.status_code == 200 and not LeadingGroupMember.objects.exists()
    response = client.post(url, _group_post([
        (people["吴正平"], "head", "院长"), (people["郑国栋"], "deputy", "分管信访"),
        (people["陈家和"], "member", ""), (people["王丽华"], "office", "办公室主任"), (None, "", "")]))
    assert response.status_code == 302
    assert sorted(LeadingGroupMember.objects.values_list("official__name", "role")) == [
        ("吴正平", "head"), ("王丽华", "office"), ("郑国栋", "deputy"), ("陈家和", "member")]
    entry = AuditEntry.objects.filter(action="campaign.update").latest("pk")
    assert entry.actor_id == president.pk and "吴正平" in str(entry.after)
    detail = client.get(reverse("campaigns:detail", args=[campaign.code])).content.decode()
    assert "领导小组" in detail and "办公室主任" in detail and "吴正平" in detail
    # the head signs the leading group's step of a termination of a case in the campaign
    case = campaign.memberships.select_related("case").first().case
    assert leading_group_head(case) == people["吴正平"]
    # the bulletin document names the group's office and head under its title
    bulletin = bulletin_issue(actor=president, campaign=campaign, as_of=D(2012, 3, 31))
    paragraphs = [p.text for p in Document(BytesIO(bulletin_docx(bulletin.snapshot))).paragraphs]
    assert any("领导小组办公室" in p and "吴正平" in p for p in paragraphs[:3])
    # the basic court's staff see the group but may not change it
    login(users["court_a"])
    assert client.get(url).status_code == 403


def test_a_campaign_with_no_cases_in_the_court_s_scope_is_refused_a_foreign_case(city, court_campaign):
    from qingji.campaigns.services import campaign_add_case

    police_case = make_case(city["QH-GAJ"], status=CaseStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        campaign_add_case(actor=None, campaign=court_campaign, case=police_case)
    assert campaign_apply_scope(actor=None, campaign=court_campaign)["total"] == 2
