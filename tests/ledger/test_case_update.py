"""Editing a case (`case_update` and the edit page): its details, docket numbers and petitioners are one
change in one transaction, so a part refused by the checks or by the database leaves nothing written."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from qingji.audit.models import AuditEntry
from qingji.ledger.models import Case
from qingji.ledger.services import StaleCase, case_update, petitioner_create
from tests.ledger.factories import make_case, valid_id_number


def stored(case):
    """What an edit may change, as stored."""
    case = Case.objects.get(pk=case.pk)
    return {"summary": case.summary, "version": case.version, "search_text": case.search_text,
            "dockets": list(case.matters.values_list("docket_number", flat=True)),
            "petitioners": list(case.petitioners.order_by("casepetitioner__position").values_list("name", flat=True)),
            "audit": AuditEntry.objects.filter(object_type="case", object_id=str(case.pk)).count()}


def edit_form(case, **changes):
    return {"handling_org": case.handling_org_id, "summary": case.summary, "source": case.source,
            "registered_on": str(case.registered_on), "version": case.version, **changes}


def test_it_edits_the_details_the_dockets_and_the_petitioners_at_once(city):
    case = make_case(city["QH-QY-FY"], name="张三", summary="原始事项", docket_numbers=["(2011)清民初字第1号"])
    other = petitioner_create(actor=None, name="李四", id_number=valid_id_number())
    edited = case_update(actor=None, case=case, expected_version=case.version, summary="诉求已变更",
                         docket_numbers=["(2011)清民初字第1号", "(2012)清民终字第2号"],
                         petitioners=[*case.petitioners.all(), other])
    after = stored(case)
    assert edited.version == after["version"] == case.version + 1  # one edit, one version
    assert (after["summary"], after["dockets"], after["petitioners"]) == (
        "诉求已变更", ["(2011)清民初字第1号", "(2012)清民终字第2号"], ["张三", "李四"])
    assert after["search_text"] == "张三 李四\n诉求已变更\n(2011)清民初字第1号 (2012)清民终字第2号"
    actions = AuditEntry.objects.filter(object_type="case", object_id=str(case.pk)).order_by("seq")
    assert [e.action for e in actions][-3:] == ["case.update", "case.dockets", "case.petitioners"]


def test_a_docket_refused_after_the_summary_change_leaves_nothing_written(client, users, city):
    """The docket number is too long for its column: refused with a message on the field, and the
    summary changed in the same save is not written either (nor anything else)."""
    case = make_case(city["QH-QY-FY"], summary="原始事项", docket_numbers=["(2011)清民初字第1号"])
    before = stored(case)
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:edit", args=[case.pk]), edit_form(
        case, summary="我的修改", docket_numbers="(2011)清民初字第1号\n" + "号" * 101))
    assert response.status_code == 200
    assert "100" in response.context["form"].errors["docket_numbers"][0]
    assert stored(case) == before


def test_a_database_error_in_the_last_part_undoes_the_parts_before(city):
    """The petitioners are written last; the database refuses the same petitioner twice (one link a
    petitioner), after the summary and the new docket number were written: neither stays."""
    case = make_case(city["QH-QY-FY"], summary="原始事项")
    before = stored(case)
    twice = [case.petitioners.get()] * 2
    with pytest.raises(IntegrityError):
        case_update(actor=None, case=case, expected_version=case.version, summary="诉求已变更",
                    docket_numbers=["(2012)清民终字第2号"], petitioners=twice)
    assert stored(case) == before


def test_a_stale_save_is_refused_with_its_dockets(client, users, city):
    case = make_case(city["QH-QY-FY"], summary="原始事项")
    form = edit_form(case, summary="我的修改", docket_numbers="(2012)清民终字第2号")
    case_update(actor=None, case=case, expected_version=case.version, summary="别人的修改")
    before = stored(case)
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:edit", args=[case.pk]), form)
    assert response.status_code == 200 and "别人的修改" in response.content.decode()
    assert stored(case) == before
    with pytest.raises(StaleCase):
        case_update(actor=None, case=case, expected_version=case.version, docket_numbers=["(2013)清民再字第3号"])
    assert stored(case) == before


def test_an_edit_that_changes_nothing_keeps_the_version(city):
    case = make_case(city["QH-QY-FY"], summary="原始事项", docket_numbers=["(2011)清民初字第1号"])
    before = stored(case)
    case_update(actor=None, case=case, expected_version=case.version, summary="原始事项",
                docket_numbers=["(2011)清民初字第1号"], petitioners=list(case.petitioners.all()))
    assert stored(case) == before


def test_a_save_refused_for_docket_numbers_someone_else_added_shows_them(client, users, city):
    """Adding a docket number is an edit of the case (it moves the version): a form opened before it is
    refused, and the page says what changed."""
    case = make_case(city["QH-QY-FY"], summary="原始事项")
    form = edit_form(case, summary="我的修改")
    case_update(actor=None, case=case, expected_version=case.version, docket_numbers=["(2012)清民终字第2号"])
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:edit", args=[case.pk]), form)
    assert response.status_code == 200
    rows = {str(r["field"]): (r["mine"], r["current"]) for r in response.context["stale"]}
    assert rows["原案号"] == ("", "(2012)清民终字第2号")
    assert stored(case)["summary"] == "原始事项"
