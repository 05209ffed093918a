import datetime as dt

from django.urls import reverse

from qingji.ledger.models import CaseStatus, LedgerPreference
from tests.ledger.factories import make_case


def test_it_lists_only_the_cases_in_the_users_scope(client, users, city):
    make_case(city["QH-QY-FY"], name="王芳", ledger_no="QY-1")
    make_case(city["QH-GAJ"], name="李明", ledger_no="GA-1")
    make_case(city["BY-ZY"], name="赵强", ledger_no="BY-1")
    client.force_login(users["committee"])
    page = client.get(reverse("ledger:list")).content.decode()
    assert "QY-1" in page and "GA-1" in page and "BY-1" not in page
    client.force_login(users["court_a"])
    page = client.get(reverse("ledger:list")).content.decode()
    assert "QY-1" in page and "GA-1" not in page


def test_it_finds_a_case_by_a_two_character_name_and_returns_only_the_table_to_htmx(client, users, city):
    make_case(city["QH-QY-FY"], name="王芳", ledger_no="QY-1")
    make_case(city["QH-QY-FY"], name="李明", ledger_no="QY-2")
    client.force_login(users["court_a"])
    response = client.get(reverse("ledger:list"), {"q": "王芳"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "QY-1" in body and "QY-2" not in body
    assert "<html" not in body  # the partial, not the whole page
    assert "1 件" in body or "1 case" in body


def test_it_shows_overdue_cases_in_red(client, users, city):
    make_case(city["QH-QY-FY"], ledger_no="QY-OLD", status=CaseStatus.IN_PROGRESS,
              registered_on=dt.date(2020, 1, 1))
    client.force_login(users["court_a"])
    body = client.get(reverse("ledger:list"), {"deadline": "overdue"}).content.decode()
    assert "QY-OLD" in body and "text-overdue" in body


def test_it_pages_fifty_cases_at_a_time_with_a_bounded_number_of_queries(client, users, city,
                                                                         django_assert_max_num_queries):
    for index in range(60):
        make_case(city["QH-QY-FY"], name=f"人{index:02d}", ledger_no=f"QY-{index:03d}",
                  status=CaseStatus.IN_PROGRESS)
    client.force_login(users["court_a"])
    with django_assert_max_num_queries(12):
        body = client.get(reverse("ledger:list"), {"sort": "ledger_no"}).content.decode()
    assert "QY-000" in body and "QY-049" in body and "QY-050" not in body
    assert "60" in body
    second = client.get(reverse("ledger:list"), {"sort": "ledger_no", "page": 2}).content.decode()
    assert "QY-050" in second and "QY-059" in second


def test_it_remembers_the_chosen_columns(client, users, city):
    make_case(city["QH-QY-FY"], ledger_no="QY-1", summary="独特的信访事项")
    client.force_login(users["court_a"])
    client.post(reverse("ledger:columns"), {"columns": ["ledger_no", "status", "no_such_column"]})
    assert LedgerPreference.objects.get(user=users["court_a"]).columns == ["ledger_no", "status"]
    body = client.get(reverse("ledger:list")).content.decode()
    assert "QY-1" in body and "独特的信访事项" not in body


def test_above_the_count_cap_it_says_more_than_and_still_pages_to_the_end(client, users, city, monkeypatch):
    from qingji.ledger import paging, views

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for index in range(5):
        make_case(city["QH-QY-FY"], name=f"人{index}", ledger_no=f"QY-{index}")
    client.force_login(users["court_a"])
    first = client.get(reverse("ledger:list"), {"sort": "ledger_no"}).content.decode()
    assert "More than 3 cases" in first or "超过 3 件" in first
    assert "QY-0" in first and "QY-1" in first and "QY-2" not in first and "page=2" in first
    last = client.get(reverse("ledger:list"), {"sort": "ledger_no", "page": "3"}).content.decode()
    assert "QY-4" in last and "page=4" not in last
    beyond = client.get(reverse("ledger:list"), {"sort": "ledger_no", "page": "9"}).content.decode()
    assert "QY-4" in beyond and ("5 cases" in beyond or "共 5 件" in beyond)


def test_flags_read_as_the_units_say_them(client, users, city):
    """赴省 (petitioned at the province), not the province as a level of government (省)."""
    make_case(city["QH-QY-FY"], flags=["provincial_petition", "beijing_petition"])
    client.force_login(users["court_a"])
    page = client.get(reverse("ledger:list")).content.decode()
    assert ">赴省</span>" in page and ">进京</span>" in page


def test_empty_cells_show_a_dash_like_the_dossiers_empty_fields(client, users, city):
    make_case(city["QH-QY-FY"], name="王芳", ledger_no="QY-1", category=None)
    client.force_login(users["court_a"])
    client.post(reverse("ledger:columns"), {"columns": ["ledger_no", "category", "key_supervision", "lead_official"]})
    body = client.get(reverse("ledger:list")).content.decode()
    row = body[body.index("QY-1"):]
    row = row[:row.index("</tr>")]
    assert row.count("<td>—</td>") == 3  # no category, no key supervision, no lead official


def test_labels_end_with_a_full_width_colon_in_chinese_and_a_colon_and_space_in_english(client, users, city):
    from qingji.reviews.services import matter_add

    case = make_case(city["QH-QY-FY"], name="王芳", ledger_no="QY-1")
    matter_add(actor=None, case=case, docket_number="（2023）清民初1号")
    client.force_login(users["court_a"])
    page = client.get(reverse("ledger:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "原案号：<span" in page and "原案号: " not in page
    page = client.get(reverse("ledger:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Docket numbers: <span" in page


def test_every_work_log_entry_shows_who_entered_it(client, users, city):
    import datetime as dt

    from qingji.ledger.models import WorkKind
    from qingji.ledger.services import work_log_add

    case = make_case(city["QH-QY-FY"], name="王芳", ledger_no="QY-1")
    work_log_add(actor=users["court_a"], case=case, kind=WorkKind.HOME_VISIT, date=dt.date(2026, 1, 5),
                 content="上门走访")
    work_log_add(actor=None, case=case, kind=WorkKind.RECEPTION, date=dt.date(2026, 1, 4), content="接访")
    client.force_login(users["court_a"])
    page = client.get(reverse("ledger:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"录入人：{users['court_a'].full_name}" in page and "系统录入" in page
