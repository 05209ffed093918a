import datetime as dt

from django.urls import reverse

from qingji.ledger.models import Case, Petitioner
from tests.ledger.factories import make_case, valid_id_number


def form(city, **extra):
    return {"handling_org": city["QH-QY-FY"].pk, "summary": "不服二审判决，要求再审", "source": "city_committee",
            "registered_on": "2026-01-05", "docket_numbers": "(2010)清民初字第123号、(2011)清中民终字第45号",
            "p-name": "孙丽", "p-id_number": valid_id_number(), "p-group_size": 1, **extra}


def test_it_registers_a_case_with_a_new_petitioner_and_numbers_it(client, users, city):
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:create"), form(city))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledger:detail", args=[case.pk])
    assert case.ledger_no == "QH-QY-FY-2026-0001"
    assert sorted(case.matters.values_list("docket_number", flat=True)) == ["(2010)清民初字第123号",
                                                                           "(2011)清中民终字第45号"]


def test_it_warns_about_a_petitioner_already_in_the_ledger(client, users, city):
    existing = make_case(city["QH-QY-FY"], name="孙丽").petitioners.get()
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:create"), form(city, **{"p-id_number": existing.id_number}))
    assert response.status_code == 200
    assert "多头信访" in response.content.decode()
    assert Case.objects.count() == 1
    response = client.post(reverse("ledger:create"), form(city, petitioner=[existing.pk]))
    assert response.status_code == 302
    assert Petitioner.objects.count() == 1 and Case.objects.count() == 2


def test_it_reports_a_wrong_check_digit(client, users, city):
    client.force_login(users["court_a"])
    good = valid_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(reverse("ledger:create"), form(city, **{"p-id_number": bad}))
    assert "校验码" in response.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_a_unit_outside_the_scope(client, users, city):
    client.force_login(users["court_a"])
    client.post(reverse("ledger:create"), form(city, handling_org=city["QH-HY-FY"].pk))
    assert not Case.objects.exists()


def test_it_finds_existing_petitioners_by_name_in_scope_only(client, users, city):
    make_case(city["QH-QY-FY"], name="孙丽")
    make_case(city["BY-ZY"], name="孙丽丽")
    client.force_login(users["court_a"])
    body = client.get(reverse("ledger:petitioner_search"), {"pq": "孙丽"}).content.decode()
    assert body.count('name="petitioner"') == 1


# 多头信访: what a unit learns of the same petitioner's case at another unit (docs/security.md).

def _other_units_case(city, id_number, **kwargs):  # type: ignore[no-untyped-def]
    """A case of the same person (the same ID number: the same petitioner) at 河阳区法院, outside 清源区法院's
    scope."""
    from qingji.ledger.services import case_register, petitioner_create, petitioner_with_id_number

    other = petitioner_with_id_number(id_number) or petitioner_create(actor=None, name="孙丽", id_number=id_number)
    return case_register(actor=None, handling_org=city["QH-HY-FY"], summary="要求撤销执行裁定，秘密内容",
                         source="city_committee", petitioners=[other], registered_on=dt.date(2025, 11, 3), **kwargs)


def _assert_tells_only_unit_status_and_date(body, case):  # type: ignore[no-untyped-def]
    assert "河阳区人民法院" in body and "已登记" in body and "2025-11-03" in body
    assert case.ledger_no not in body and "秘密内容" not in body and f"/cases/{case.pk}/" not in body


def test_it_holds_a_registration_whose_petitioner_has_a_case_at_another_unit(client, users, city):
    id_number = valid_id_number()
    elsewhere = _other_units_case(city, id_number)
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:create"), form(city, **{"p-id_number": id_number}))
    assert response.status_code == 200 and Case.objects.count() == 1
    body = response.content.decode()
    assert "多头信访" in body
    _assert_tells_only_unit_status_and_date(body, elsewhere)
    assert 'name="petitioner"' not in body  # another unit's petitioner record cannot be picked
    response = client.post(reverse("ledger:create"), form(city, **{"p-id_number": id_number, "confirm": "1"}))
    assert response.status_code == 302 and Case.objects.count() == 2


def test_picking_a_petitioner_who_also_has_a_case_at_another_unit_is_held_too(client, users, city):
    from qingji.ledger.services import case_register

    mine = make_case(city["QH-QY-FY"], name="孙丽")
    petitioner = mine.petitioners.get()
    theirs = case_register(actor=None, handling_org=city["QH-HY-FY"], summary="秘密内容", source="city_committee",
                           petitioners=[petitioner], registered_on=dt.date(2025, 11, 3))
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:create"), form(city, petitioner=[petitioner.pk]))
    assert response.status_code == 200 and Case.objects.count() == 2
    body = response.content.decode()
    _assert_tells_only_unit_status_and_date(body, theirs)
    assert mine.ledger_no not in body  # the user's own case was known when picking: not listed again
    assert client.post(reverse("ledger:create"), form(city, petitioner=[petitioner.pk], confirm="1")).status_code == 302


def test_an_own_case_is_shown_with_its_ledger_number_another_unit_s_without(client, users, city):
    mine = make_case(city["QH-QY-FY"], name="孙丽")
    theirs = _other_units_case(city, mine.petitioners.get().id_number)
    client.force_login(users["court_a"])
    body = client.post(reverse("ledger:create"), form(city, **{"p-id_number": mine.petitioners.get().id_number})
                       ).content.decode()
    assert f'<a href="/cases/{mine.pk}/">{mine.ledger_no}</a>' in body
    _assert_tells_only_unit_status_and_date(body, theirs)


def test_a_case_terminated_at_another_unit_is_named_by_its_unit_not_its_number(client, users, city):
    from qingji.ledger.models import CaseStatus
    from qingji.ledger.services import case_record_status, responsibility_assign

    id_number = valid_id_number()
    theirs = _other_units_case(city, id_number)
    responsibility_assign(actor=None, case=theirs, lead_official=city["QH-HY-FY"].officials.first(), plan="方案",
                          deadline=dt.date(2026, 1, 31), effective_on=dt.date(2025, 11, 3))
    case_record_status(actor=None, case=Case.objects.get(pk=theirs.pk), status=CaseStatus.CLOSED_SETTLED,
                       method="terminated", effective_on=dt.date(2025, 12, 20))
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:create"), form(city, **{"p-id_number": id_number, "confirm": "1"}),
                           follow=True)
    body = response.content.decode()
    assert Case.objects.count() == 2
    assert "河阳区人民法院" in body and "2025-11-03" in body and "不再交办" in body
    assert theirs.ledger_no not in body and "秘密内容" not in body


def test_it_refuses_a_docket_number_too_long_for_its_column(client, users, city):
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:create"), form(city, docket_numbers="号" * 101))
    assert response.status_code == 200
    assert "100" in response.context["form"].errors["docket_numbers"][0]
    assert not Case.objects.exists()


# An ID number is one person.

def test_an_id_number_already_in_the_ledger_registers_the_case_for_that_petitioner(client, users, city):
    elsewhere = _other_units_case(city, valid_id_number())
    person = elsewhere.petitioners.get()
    client.force_login(users["court_a"])
    # the same person held as a possible multi-channel petition, then confirmed: still one petitioner
    response = client.post(reverse("ledger:create"), form(city, **{"p-id_number": person.id_number, "confirm": "1"}),
                           follow=True)
    assert "已在台账中" in response.content.decode()
    new = Case.objects.exclude(pk=elsewhere.pk).get()
    assert list(new.petitioners.all()) == [person] and Petitioner.objects.count() == 1


def test_an_id_number_under_another_name_is_refused_without_naming_the_other(client, users, city):
    elsewhere = _other_units_case(city, valid_id_number())
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:create"), form(city, **{
        "p-id_number": elsewhere.petitioners.get().id_number, "p-name": "王五", "confirm": "1"}))
    assert response.status_code == 200
    assert "另一姓名" in response.content.decode() and "孙丽" not in response.content.decode().split("p-name")[0]
    assert Case.objects.count() == 1 and Petitioner.objects.count() == 1


def test_the_service_and_the_database_refuse_a_second_petitioner_with_one_id_number(city):
    import pytest
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from qingji.ledger.services import petitioner_create, petitioner_update

    number = valid_id_number()
    first = petitioner_create(actor=None, name="孙丽", id_number=number)
    with pytest.raises(ValidationError) as refused:
        petitioner_create(actor=None, name="孙丽", id_number=number)
    assert "id_number" in refused.value.message_dict
    other = petitioner_create(actor=None, name="赵强", id_number=valid_id_number())
    with pytest.raises(ValidationError):
        petitioner_update(actor=None, petitioner=other, id_number=number)
    with pytest.raises(IntegrityError), transaction.atomic():
        Petitioner.objects.create(name="孙丽", id_number=number, id_number_digest=first.id_number_digest)
    # no ID number: as many petitioners as there are
    petitioner_create(actor=None, name="无证件")
    petitioner_create(actor=None, name="无证件")


def test_a_phone_number_is_a_mobile_or_a_landline_with_its_area_code(client, users, city):
    from qingji.lib.idnumbers import check_phone

    for good in ("13912345678", "+86 139 1234 5678", "010-62345678", "0371 6543 2100", "400-810-8888"):
        assert check_phone(good) == [], good
    for bad in ("12345", "12912345678", "62345678", "95588", "139123"):
        assert check_phone(bad), bad
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:create"), form(city, **{"p-phone": "12345"}))
    assert response.status_code == 200 and "区号" in response.content.decode()
    assert not Case.objects.exists()


def test_the_source_is_chosen_not_defaulted_to_the_first(client, users, city):
    client.force_login(users["court_a"])
    page = client.get(reverse("ledger:create")).content.decode()
    select = page[page.index('name="source"'):]
    assert select[:select.index("</select>")].split("<option")[1].startswith(' value=""')
    response = client.post(reverse("ledger:create"), form(city, source=""))
    assert response.status_code == 200 and "source" in response.context["form"].errors
    assert not Case.objects.exists()
