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


def test_it_refuses_a_docket_number_too_long_for_its_column(client, users, city):
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:create"), form(city, docket_numbers="号" * 101))
    assert response.status_code == 200
    assert "100" in response.context["form"].errors["docket_numbers"][0]
    assert not Case.objects.exists()
