"""Committee staff issue a bulletin from the campaign page in the browser; the progress chart is drawn."""

import datetime as dt

import pytest

from tests.browser import page, sign_in  # noqa: F401 - the fixture
from tests.campaigns.helpers import apply, make_campaign, screening, settle
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_draws_the_progress_and_issues_a_bulletin(page, users, city):  # noqa: F811
    cases = screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    settle(cases["QH-ZY"][0], dt.date(2012, 1, 20))
    sign_in(page, "committee", PASSWORD)
    page.goto(f"/campaigns/{campaign.code}/?as_of=2012-02-01")
    page.wait_for_selector("[data-chart=progress-chart] canvas")
    assert "2012-02-29前还需化解13件" in page.inner_text("#needed")
    page.fill("#id_as_of", "2012-01-31")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('发布通报')")
    page.wait_for_selector("h1:has-text('第1期通报')")
    assert "批评" in page.inner_text("table")
