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
def page(live_server):  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        if os.environ.get("QINGJI_REQUIRE_BROWSER") == "1":
            pytest.fail("QINGJI_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("the browser tests need Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    server_backends = _watch_server_connections()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        tab = context.new_page()
        tab.set_default_timeout(15000)
        yield tab
        context.close()
        browser.close()
        # Inside Playwright's block the test's own connection is the current one (outside it, another
        # context's): close it here, or it outlives the run and the test database cannot be dropped.
        from django.db import connections

        connections.close_all()
    _close_server_connections(server_backends)


def _watch_server_connections() -> set[int]:
    """Record the PostgreSQL backend of every connection the live server's threads open."""
    import threading

    from django.db.backends.signals import connection_created

    backends: set[int] = set()

    def remember(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if connection.vendor == "postgresql" and threading.current_thread() is not threading.main_thread():
            backends.add(connection.connection.info.backend_pid)

    connection_created.connect(remember, weak=False, dispatch_uid="tests.browser.server_backends")
    return backends


def _close_server_connections(backends: set[int]) -> None:
    """The live server's thread can leave its PostgreSQL session open after the test; end it, or the test
    database cannot be dropped at the end of the run. Only the server's own sessions are ended: the test's
    connection may be held in another context (Playwright's greenlets) and must survive for the next test."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    connection_created.disconnect(dispatch_uid="tests.browser.server_backends")
    if connection.vendor == "postgresql" and backends:
        opened = connection.connection is None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid = ANY(%s) AND pid <> pg_backend_pid()",
                           [sorted(backends)])
        if opened:
            connection.close()


def sign_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
