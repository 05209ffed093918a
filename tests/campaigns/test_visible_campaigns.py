"""Which campaigns a user sees (campaigns.selectors.visible_campaigns): those run by a unit in the user's scope,
and those of a committee whose scope holds the user's unit, in one query."""

import datetime as dt

import pytest

from qingji.accounts.roles import Role
from qingji.campaigns.models import Campaign
from qingji.campaigns.selectors import visible_campaigns
from qingji.campaigns.services import campaign_create
from qingji.organisations.models import Org, OrgKind, OrgLevel
from qingji.organisations.selectors import org_scope_q
from qingji.organisations.services import org_create
from tests.conftest import make_user

D = dt.date


@pytest.fixture
def campaigns(city) -> dict[str, Campaign]:  # type: ignore[no-untyped-def]
    """A campaign of the province, of each city and of 清源区's own committee (under the city's)."""
    city["QY-ZFW"] = org_create(actor=None, code="QY-ZFW", name="清源区委政法委", kind=OrgKind.COMMITTEE,
                                level=OrgLevel.COUNTY, superior=city["QH-ZFW"], region_code="990102")
    city["NO-REGION"] = org_create(actor=None, code="NO-REGION", name="无区划单位", kind=OrgKind.OTHER,
                                   level=OrgLevel.CITY)
    made = {}
    for code in ("JC-ZFW", "QH-ZFW", "BY-ZFW", "QY-ZFW"):
        made[code] = campaign_create(actor=None, code=f"C-{code}", name=f"{code}专项活动", organiser=city[code],
                                     starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30))
    return made


def _by_the_rule(org: Org) -> set[str]:
    """The rule spelt out, one campaign at a time: its organiser is in the unit's scope, or the unit is in the
    organiser's."""
    seen = set()
    for campaign in Campaign.objects.select_related("organiser"):
        organiser_in_mine = Org.objects.filter(org_scope_q(org), pk=campaign.organiser_id).exists()
        mine_in_organiser = Org.objects.filter(org_scope_q(campaign.organiser), pk=org.pk).exists()
        if organiser_in_mine or mine_in_organiser:
            seen.add(campaign.code)
    return seen


def test_every_unit_sees_the_campaigns_the_rule_gives_it(city, campaigns):
    for org in Org.objects.all():
        user = make_user(f"u-{org.code}", org, Role.COMMITTEE_STAFF if org.is_committee else Role.UNIT_STAFF)
        assert set(visible_campaigns(user).values_list("code", flat=True)) == _by_the_rule(org), org.code


def test_a_basic_court_sees_the_campaigns_of_the_committees_above_it_and_no_other(users, campaigns):
    seen = set(visible_campaigns(users["court_a"]).values_list("code", flat=True))
    assert seen == {"C-JC-ZFW", "C-QH-ZFW", "C-QY-ZFW"}
    assert set(visible_campaigns(users["court_b"]).values_list("code", flat=True)) == {"C-JC-ZFW", "C-QH-ZFW"}
    assert set(visible_campaigns(users["outsider"]).values_list("code", flat=True)) == {"C-JC-ZFW", "C-BY-ZFW"}
    assert set(visible_campaigns(users["committee"]).values_list("code", flat=True)) == {
        "C-JC-ZFW", "C-QH-ZFW", "C-QY-ZFW"}


def test_it_is_one_query_however_many_campaigns_there_are(users, campaigns, django_assert_num_queries):
    user = users["court_a"]
    user.org  # noqa: B018 -- the account's unit is loaded with the session's user
    with django_assert_num_queries(1):
        assert len(list(visible_campaigns(user))) == 3
