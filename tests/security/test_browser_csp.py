"""In a real browser, qingji's pages run under the Content-Security-Policy without a single violation:
the charts draw, the ledger's scripts run, and the API documentation loads."""

import datetime as dt

import pytest

from qingji.ledger.models import CaseStatus
from tests.browser import page, sign_in  # noqa: F401 - the fixture
from tests.conftest import PASSWORD
from tests.ledger.factories import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts are not subject to the page's policy: record every violation the page reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def visit(page, path: str, violations: list[str]) -> None:  # noqa: F811
    page.goto(path)
    page.wait_for_load_state("networkidle")
    violations.extend(page.evaluate("window.__cspViolations"))


def test_the_dashboard_ledger_and_reports_run_without_policy_violations(page, users, city):  # noqa: F811
    make_case(city["QH-QY-FY"], name="甲", status=CaseStatus.CLOSED_SETTLED, method="written_pledge",
              registered_on=dt.date(2026, 1, 5), closed_on=dt.date(2026, 2, 1))
    case = make_case(city["QH-QY-FY"], name="乙", registered_on=dt.date(2026, 1, 6))
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    violations: list[str] = []
    sign_in(page, "committee", PASSWORD)
    visit(page, "/", violations)
    # The charts are drawn (ECharts creates its canvas from the static script, not inline code).
    page.wait_for_selector(".chart canvas")
    for path in ("/cases/", f"/cases/{case.pk}/", "/reports/", "/api/v1/docs"):
        visit(page, path, violations)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")
    assert not violations, violations
    assert not [e for e in errors if "Content Security Policy" in e or "Content-Security-Policy" in e], errors
