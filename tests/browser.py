"""Headless Chromium (Debian's) driven by Playwright, for tests marked `browser`.

Without /usr/bin/chromium the browser tests are skipped with a reason, unless
QINGJI_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
# Playwright's sync API runs an event loop; Django's ORM guard must not mistake the test for async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(live_server, _end_browser_sessions):  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        if os.environ.get("QINGJI_REQUIRE_BROWSER") == "1":
            pytest.fail("QINGJI_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("the browser tests need Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        tab = context.new_page()
        tab.set_default_timeout(15000)
        yield tab
        context.close()
        browser.close()


def sign_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
