"""Sources and categories are the local rules `sources` and `categories`: a body adds, relabels and retires its
own, and the registration form, the ledger's filter and cells, the dossier, the summary and the API follow."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qingji.ledger.models import Case, Category
from qingji.ledger.services import case_register, case_update, petitioner_create
from qingji.ledger.vocabulary import SOURCES, Vocabulary, source_choices
from qingji.reports.selectors import summary
from qingji.rules.keys import DEFAULT_CATEGORIES, DEFAULT_SOURCES
from qingji.rules.services import rule_set
from tests.ledger.factories import make_case
from tests.ledger.test_registration import form

WINDOW = {"code": "city_window", "label": "市涉法涉诉窗口", "active": True}


def city_rules(city):  # type: ignore[no-untyped-def]
    """The city committee's lists: its own window added, the city committee's label changed, the leader's
    instruction and private lending retired, environmental pollution added."""
    sources = [{**e, "label": "市委政法委督办"} if e["code"] == "city_committee" else
               {**e, "active": False} if e["code"] == "leader_instruction" else e for e in DEFAULT_SOURCES]
    categories = [{**e, "active": False} if e["code"] == "private_lending" else e for e in DEFAULT_CATEGORIES]
    rule_set(actor=None, org=city["QH-ZFW"], key="sources", value=[*sources, WINDOW], reason="本市来源")
    rule_set(actor=None, org=city["QH-ZFW"], key="categories",
             value=[*categories, {"code": "environment", "label": "环境污染"}], reason="本市类别")


@pytest.fixture
def old_cases(city):  # type: ignore[no-untyped-def]
    """Cases registered before the city retired their source and category."""
    lending = Category.objects.get(code="private_lending")
    return {"instruction": make_case(city["QH-QY-FY"], name="王芳", ledger_no="OLD-1", source="leader_instruction",
                                     category=lending)}


def test_the_form_offers_the_units_active_entries_in_the_rules_order(city, users, client, old_cases):
    city_rules(city)
    client.force_login(users["court_a"])
    page = client.get(reverse("ledger:create")).content.decode()
    assert '<option value="city_window">市涉法涉诉窗口</option>' in page
    assert '<option value="city_committee">市委政法委督办</option>' in page
    assert 'value="leader_instruction"' not in page
    assert '<option value="environment">环境污染</option>' in page and 'value="private_lending"' not in page
    assert [code for code, _label in source_choices(city["QH-QY-FY"])][-1] == "city_window"
    # A unit of another city keeps the defaults.
    assert "city_window" not in dict(source_choices(city["BY-ZY"]))
    assert dict(source_choices(city["BY-ZY"]))["leader_instruction"] == "领导批示"


def test_it_registers_with_a_bodys_own_source_and_refuses_a_retired_one(city, users, client):
    city_rules(city)
    client.force_login(users["court_a"])
    refused = client.post(reverse("ledger:create"), form(city, source="leader_instruction", category="private_lending"))
    assert refused.status_code == 200 and not Case.objects.exists()
    response = client.post(reverse("ledger:create"), form(city, source="city_window", category="environment"))
    case = Case.objects.get()
    assert response.status_code == 302 and (case.source, case.category.code) == ("city_window", "environment")
    detail = client.get(reverse("ledger:detail", args=[case.pk])).content.decode()
    assert "市涉法涉诉窗口" in detail and "环境污染" in detail


def test_the_services_refuse_a_retired_source_but_a_case_keeps_its_own(city, old_cases):
    city_rules(city)
    person = petitioner_create(actor=None, name="李强")
    with pytest.raises(ValidationError) as caught:
        case_register(actor=None, handling_org=city["QH-QY-FY"], summary="不服判决", source="leader_instruction",
                      petitioners=[person], registered_on=dt.date(2026, 1, 5))
    assert "source" in caught.value.message_dict
    old = old_cases["instruction"]
    edited = case_update(actor=None, case=old, expected_version=old.version, summary="不服判决，反复上访")
    assert edited.source == "leader_instruction"  # what it has is kept


def test_a_retired_entry_still_filters_and_shows_its_label(city, users, client, old_cases):
    city_rules(city)
    client.force_login(users["committee"])
    page = client.get(reverse("ledger:list"), {"source": "leader_instruction"}).content.decode()
    assert "OLD-1" in page
    assert '<option value="leader_instruction" selected>领导批示</option>' in page  # still offered to filter by
    assert '<option value="private_lending">民间借贷</option>' in page
    assert "OLD-1" in client.get(reverse("ledger:list"), {"category": "private_lending"}).content.decode()
    detail = client.get(reverse("ledger:detail", args=[old_cases["instruction"].pk])).content.decode()
    assert "领导批示" in detail and "民间借贷" in detail


def test_the_ledger_shows_each_units_labels_without_a_query_per_row(city, users, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    city_rules(city)
    client.force_login(users["committee"])
    client.get(reverse("ledger:list"))  # the session and the preference are made
    environment = Category.objects.get(code="environment")
    counts = []
    for n in range(3):
        make_case(city["QH-QY-FY"], name=f"甲{n}", source="city_window")
        make_case(city["QH-HY-FY"], name=f"乙{n}", source="city_committee", category=environment)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("ledger:list")).content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[2]
    assert page.count("<td>市涉法涉诉窗口</td>") == 3 and page.count("<td>市委政法委督办</td>") == 3


def test_a_default_label_is_shown_in_the_users_language_a_bodys_own_as_written(city):
    from django.utils import translation

    city_rules(city)
    vocabulary = Vocabulary()
    with translation.override("en"):
        assert vocabulary.label(SOURCES, "provincial_committee", city["QH-QY-FY"]) == \
            "Handed down by the provincial committee"
        assert vocabulary.label(SOURCES, "city_committee", city["QH-QY-FY"]) == "市委政法委督办"
        assert vocabulary.label(SOURCES, "city_window", city["QH-QY-FY"]) == "市涉法涉诉窗口"
        # Of another unit's rules: a city elsewhere shows the label all the same.
        assert vocabulary.label(SOURCES, "city_window", city["BY-ZY"]) == "市涉法涉诉窗口"


def test_the_summary_lists_a_bodys_own_sources_and_categories_by_their_labels(city):
    city_rules(city)
    make_case(city["QH-QY-FY"], name="甲", source="city_window", category=Category.objects.get(code="environment"))
    make_case(city["QH-QY-FY"], name="乙", source="provincial_committee")
    report = summary(org=city["QH-ZFW"], as_of=dt.date(2026, 12, 31))
    assert [(r["source"], r["label"]) for r in report["by_source"]] == [
        ("provincial_committee", "省委政法委交办"), ("city_window", "市涉法涉诉窗口")]
    assert [(r["category"], r["label"]) for r in report["by_category"]] == [
        ("environment", "环境污染"), (None, "未分类")]


def test_the_api_gives_the_code_and_the_label(city, users, client):
    city_rules(city)
    make_case(city["QH-QY-FY"], name="甲", source="city_window", category=Category.objects.get(code="environment"))
    client.force_login(users["court_a"])
    case = client.get("/api/v1/cases", {"source": "city_window"}).json()["results"][0]
    assert (case["source"], case["source_label"], case["category_code"], case["category"]) == (
        "city_window", "市涉法涉诉窗口", "environment", "环境污染")
