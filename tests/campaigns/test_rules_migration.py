"""The migration that moves a campaign's rules into its campaign rule set
(qingji/campaigns/migrations/0004_campaign_rules_as_rule_sets.py): its conversions, and the migration itself on
rows of the old shape."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from qingji.rules.keys import clean_value

D = dt.date
migration = importlib.import_module("qingji.campaigns.migrations.0004_campaign_rules_as_rule_sets")
BEFORE = [("campaigns", "0003_leading_group")]
AFTER = [("campaigns", "0004_campaign_rules_as_rule_sets")]


def test_a_milestone_date_becomes_its_month_of_the_campaign_rounded_up():
    start = D(2011, 11, 1)
    assert [migration.month_of(start, day) for day in (
        D(2011, 11, 1), D(2011, 11, 30), D(2011, 12, 1), D(2012, 1, 31), D(2012, 2, 15), D(2012, 2, 29))] == [
        1, 1, 2, 3, 4, 4]
    assert migration.month_of(D(2012, 1, 31), D(2012, 2, 28)) == 1  # 31 January + 1 month − 1 day
    assert migration.month_of(start, D(2011, 10, 1)) == 1  # before the start: the first month


def test_the_old_values_become_rule_values_that_the_rules_accept():
    values = migration.campaign_values(
        starts_on=D(2011, 11, 1), cadence="weekly", units=4,
        rules={"commend_top_share": 50, "criticise_bottom_share": 25, "criticise_if_no_rise": False,
               "explanation_after": 3, "explanation_due_days": 10},
        weights={"settlement_rate": 60},
        milestones=[(D(2012, 1, 31), Decimal("65.0")), (D(2012, 2, 10), Decimal("80")),
                    (D(2012, 2, 29), Decimal("85.5")), (D(2012, 3, 31), Decimal("84"))])
    assert values == {
        "campaign.milestones": [{"month": 3, "rate": 65}, {"month": 4, "rate": 85.5}, {"month": 5, "rate": 85.5}],
        "bulletin.cadence": "weekly", "bulletin.explanation_after": 3,
        "bulletin.commend": 2, "bulletin.criticise": 1,
        "assessment.weights": {"settlement_rate": 60, "overdue": 15, "rebound": 15, "sample_check": 10,
                               "bulletins": 10},
    }
    for key, value in values.items():
        assert clean_value(key, value, campaign=True) == value
    # the old defaults: the top quarter of four units is one; no milestones stays none; the rest is inherited
    plain = migration.campaign_values(starts_on=D(2012, 1, 1), cadence="monthly", rules={}, weights={},
                                      milestones=[], units=4)
    assert plain == {"campaign.milestones": [], "bulletin.commend": 1}
    # a campaign with no case yet has no units to count: its shares are left to the organiser's rules
    assert migration.campaign_values(starts_on=D(2012, 1, 1), cadence="monthly", rules={}, weights={},
                                     milestones=[(D(2012, 1, 31), 65), (D(2012, 2, 29), 85), (D(2012, 3, 31), 90),
                                                 (D(2012, 4, 30), 95)], units=0) == {}


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_each_campaign_s_values_into_its_rule_set(city):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Campaign, Milestone = old.get_model("campaigns", "Campaign"), old.get_model("campaigns", "Milestone")
    organiser = old.get_model("organisations", "Org").objects.get(code="QH-ZFW")
    seeds = Campaign.objects.create(code="OLD", name="旧活动", organiser=organiser, starts_on=D(2011, 11, 1),
                                    ends_on=D(2012, 4, 30), bulletin_cadence="weekly",
                                    rules={"explanation_due_days": 15}, weights={})
    for day, rate in ((D(2012, 1, 31), 65), (D(2012, 2, 29), 85)):
        Milestone.objects.create(campaign=seeds, date=day, target_rate=Decimal(rate))
    Campaign.objects.create(code="PLAIN", name="默认", organiser=organiser, starts_on=D(2012, 1, 1),
                            ends_on=D(2012, 6, 30), bulletin_cadence="monthly", rules={}, weights={})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from qingji.campaigns.models import Campaign as Current
    from qingji.rules.models import RuleChange
    from qingji.rules.selectors import RuleBook

    book = RuleBook()
    moved = Current.objects.get(code="OLD")
    assert book.own(campaign=moved) == {"bulletin.cadence": "weekly", "bulletin.explanation_due_days": 15,
                                        "campaign.milestones": [{"month": 3, "rate": 65}, {"month": 4, "rate": 85}]}
    assert set(RuleChange.objects.filter(campaign=moved).values_list("reason", flat=True)) == {"migrated"}
    assert book.own(campaign=Current.objects.get(code="PLAIN")) == {"campaign.milestones": []}
    assert book.resolve("bulletin.cadence", campaign=Current.objects.get(code="PLAIN")).source == "default"
