"""A unit's staff member works a case in the browser: register, assign, record work, find it again."""

import pytest

from tests.browser import page, sign_in  # noqa: F401 - the fixture
from tests.conftest import PASSWORD
from tests.ledger.factories import valid_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_registers_assigns_records_work_and_finds_the_case(page, users):  # noqa: F811
    sign_in(page, "court_a", PASSWORD)
    page.click("text=新建积案")
    page.fill("#id_p-name", "柳青")
    page.fill("#id_p-id_number", valid_id_number(area="990102"))
    page.fill("#id_summary", "对借款纠纷判决不服，认为对方伪造借条，要求再审。")
    page.select_option("#id_source", "city_committee")
    page.fill("#id_docket_numbers", "(2011)清民初字第88号")
    page.click("button:has-text('登记')")
    page.wait_for_selector("h1:has-text('QH-QY-FY-')")
    assert "已登记" in page.inner_text("h1")

    page.click("a:has-text('确定包案')")
    page.select_option("#id_lead_official", label="陈家和（院长）")
    page.fill("#id_plan", "院长亲自接访，调卷复查，释法说理。")
    page.fill("#id_deadline", "2030-06-30")
    page.fill("#id_goal", "息诉罢访")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=包案责任已保存")
    assert "化解中" in page.inner_text("h1")

    page.select_option("#tab-work select[name=kind]", "home_visit")
    page.fill("#tab-work textarea[name=content]", "上门走访信访人，听取诉求并释法说理。")
    page.click("#tab-work button:has-text('保存')")
    page.wait_for_selector(".timeline >> text=上门走访信访人，听取诉求并释法说理。")

    page.click("nav a.nav-link:has-text('积案台账')")
    page.fill("#id_q", "柳青")
    page.press("#id_q", "Enter")
    page.wait_for_selector("#ledger-table >> text=共 1 件")
    assert "柳青" in page.inner_text("#ledger-table")
