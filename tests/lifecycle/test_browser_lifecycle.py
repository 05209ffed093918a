"""The lifecycle in the browser: closure from registration to acceptance, a termination through its
steps with one rejection, and a reopening — each approver signing in and pressing their own button."""

import pytest

from qingji.ledger.models import Case, CaseStatus
from tests.browser import page, sign_in  # noqa: F401 - the fixture
from tests.conftest import PASSWORD
from tests.ledger.factories import make_case, valid_id_number
from tests.lifecycle.helpers import START, days_ago, with_hearing
from tests.world_ledger import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EVIDENCE = {"name": "息诉罢访保证书.pdf", "mimeType": "application/pdf", "buffer": PDF}


def as_user(tab, username: str) -> None:  # type: ignore[no-untyped-def]
    tab.context.clear_cookies()
    sign_in(tab, username, PASSWORD)


def decide(tab, username: str, *, approve: bool = True, opinion: str = "", case: Case) -> None:  # type: ignore[no-untyped-def]
    """Sign in as the approver, find the request in the pending approvals, decide it."""
    as_user(tab, username)
    tab.goto("/lifecycle/approvals/")
    tab.click(f"tr:has-text('{case.ledger_no}') >> a:has-text('审批')")
    tab.check(f"input[name=decision][value={'approve' if approve else 'return'}]")
    if opinion:
        tab.fill("#id_opinion", opinion)
    tab.click("button:has-text('提交意见')")
    tab.wait_for_selector("text=您的意见已记录")


def test_a_case_goes_from_registration_to_the_committee_accepting_its_closure(page, users):  # noqa: F811
    as_user(page, "court_a")
    page.click("text=新建积案")
    page.fill("#id_p-name", "苗春生")
    page.fill("#id_p-id_number", valid_id_number(area="990102"))
    page.fill("#id_summary", "对宅基地纠纷判决不服，多次到市里上访。")
    page.select_option("#id_source", "city_committee")
    page.click("button:has-text('登记')")
    page.wait_for_selector("h1:has-text('QH-QY-FY-')")
    page.click("a:has-text('确定包案')")
    page.select_option("#id_lead_official", label="陈家和（院长）")
    page.fill("#id_plan", "院长接访，释法说理。")
    page.fill("#id_goal", "息诉罢访")
    page.fill("#id_deadline", "2030-06-30")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=包案责任已保存")
    case = Case.objects.get(summary__startswith="对宅基地纠纷")

    # The request without evidence is refused on the page, then made with the signed pledge.
    page.click("a:has-text('申请报结')")
    page.select_option("#id_method", "written_pledge")
    page.fill("#id_note", "经院长接访、释法说理，信访人签署息诉罢访保证书。")
    page.click("button:has-text('提交')")
    page.wait_for_selector("text=请附上证明材料")
    page.set_input_files("#id_evidence_files", files=[EVIDENCE])
    page.click("button:has-text('提交')")
    page.wait_for_selector("text=报结申请已提交审批")
    assert "已报结" in page.inner_text("h1")
    assert "待我审批" not in page.inner_text("#lifecycle")  # the requester has no 审批 button
    assert page.locator("#lifecycle a:has-text('审批')").count() == 0

    # The unit leader sees it on the dashboard and approves it.
    as_user(page, "court_a_lead")
    page.click(f"a:has-text('{case.ledger_no}')")
    page.check("input[name=decision][value=approve]")
    page.click("button:has-text('提交意见')")
    page.wait_for_selector("text=您的意见已记录")

    decide(page, "committee", case=case, opinion="材料齐全，予以验收。")
    assert "已结已息" in page.inner_text("h1")
    assert "书面保证息诉罢访" in page.inner_text("h1")
    assert "应回访" in page.inner_text("#lifecycle")  # follow-up visits scheduled


def test_a_termination_is_returned_once_then_approved_through_all_its_steps(page, users, city):  # noqa: F811
    case = with_hearing(make_case(city["QH-QY-FY"], registered_on=START, status=CaseStatus.IN_PROGRESS,
                                  name="柏永年"))

    def propose() -> None:
        as_user(page, "court_a")
        page.goto(f"/cases/{case.pk}/")
        page.click("a:has-text('申请终结')")
        page.fill("#id_note", "经再审维持原判并公开听证，信访人诉求无理，申请依法终结。")
        page.set_input_files("#id_evidence_files", files=[{**EVIDENCE, "name": "终结报告.pdf"}])
        page.click("button:has-text('提交')")
        page.wait_for_selector("text=终结申请已提交")

    propose()
    decide(page, "reviewer", case=case, opinion="合议庭同意终结。")
    decide(page, "court_lead", case=case, opinion="审委会决定同意终结。")
    decide(page, "court_lead", case=case, approve=False, opinion="司法救助尚未落实，暂不签批。")
    assert "化解中" in page.inner_text("h1")
    assert "司法救助尚未落实" in page.inner_text("#lifecycle")

    propose()
    decide(page, "reviewer", case=case)
    decide(page, "court_lead", case=case)
    decide(page, "court_lead", case=case, opinion="同意，报省高院审批。")
    decide(page, "high_court", case=case, opinion="批准终结。")
    heading = page.inner_text("h1")
    assert "已结已息" in heading and "批准终结" in heading
    assert "不再交办" in page.inner_text("#lifecycle")
    assert page.locator("#lifecycle a:has-text('重新上访')").count() == 0


def test_a_new_petition_reopens_a_closed_case_against_the_unit_that_closed_it(page, users, city):  # noqa: F811
    case = make_case(city["QH-QY-FY"], registered_on=START, status=CaseStatus.CLOSED_SETTLED,
                     method="written_pledge", closed_on=days_ago(40), name="廉秀兰")
    as_user(page, "court_a")
    page.goto(f"/cases/{case.pk}/")
    page.click("#lifecycle a:has-text('重新上访')")
    page.fill("#id_channel", "赴省上访")
    page.fill("#id_description", "信访人以执行款未到位为由到省信访局上访。")
    page.click("button:has-text('提交')")
    page.wait_for_selector("text=案件已重新转为化解中")
    assert "化解中" in page.inner_text("h1")
    assert "计入清源区人民法院的反弹数" in page.inner_text("#lifecycle")
