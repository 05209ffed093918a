"""Standard actors for the whole suite: the demo city's units and one account per role."""

import pytest

from qingji.accounts.roles import Role
from qingji.accounts.services import user_create
from qingji.organisations import demo as organisations_demo
from qingji.organisations.models import Org, OrgKind, OrgLevel
from qingji.organisations.services import org_create
from qingji.reports import checkpoints

PASSWORD = "Test-pass-2026"  # noqa: S105


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):  # type: ignore[no-untyped-def]
    """SQLite's test database is a file, in WAL mode with IMMEDIATE transactions and a busy timeout as in
    production (qingji/settings.py), so that two connections really wait for each other: an in-memory
    database is one shared cache, where a second writer fails at once. pytest-django names only a file
    per xdist worker; this one is in the worker's own temporary directory (QINGJI_TEST_DB names another).
    Django deletes the file at the end; its WAL files are left if another thread's connection (a browser
    test's) was still open then, and are deleted here."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3" or database["TEST"].get("NAME"):
        yield
        return
    path = tmp_path_factory.mktemp("database") / "test.sqlite3"
    database["TEST"]["NAME"] = str(path)
    yield
    for journal in (path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        journal.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files (and the data directory's imports and exports) of each test go to its own temporary
    directory."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture(autouse=True)
def _fresh_checkpoint_cache():  # type: ignore[no-untyped-def]
    """Each test's rolled-back transaction may give a new checkpoint the id of an earlier test's (SQLite
    restores AUTOINCREMENT's counter on rollback), so the decoded checkpoints are forgotten between tests."""
    checkpoints.forget_cache()


@pytest.fixture
def city(db) -> dict[str, Org]:  # type: ignore[no-untyped-def]
    """The demo city's units, plus a sibling city (outside every demo account's scope)."""
    organisations_demo.load()
    units = {o.code: o for o in Org.objects.all()}
    province = units["JC-ZFW"]
    units["BY-ZFW"] = org_create(actor=None, code="BY-ZFW", name="白云市委政法委", kind=OrgKind.COMMITTEE,
                                 level=OrgLevel.CITY, superior=province, region_code="990200")
    units["BY-ZY"] = org_create(actor=None, code="BY-ZY", name="白云市中级人民法院", kind=OrgKind.COURT,
                                level=OrgLevel.CITY, superior=units["JC-GY"], region_code="990200")
    return units


def make_user(username: str, org: Org, role: str, full_name: str = ""):  # type: ignore[no-untyped-def]
    return user_create(actor=None, username=username, password=PASSWORD, org=org, role=role,
                       full_name=full_name, validate=False)


@pytest.fixture
def users(city) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """One account per demo name (same units and roles as `qingji demo`), plus an outsider."""
    from qingji.accounts.demo import ACCOUNTS

    accounts = {name: make_user(name, city[code], role, full) for name, code, role, full, *_ in ACCOUNTS}
    accounts["outsider"] = make_user("outsider", city["BY-ZY"], Role.UNIT_STAFF)
    accounts["province"] = make_user("province", city["JC-ZFW"], Role.COMMITTEE_STAFF)
    return accounts


def sign_in(client, user):  # type: ignore[no-untyped-def]
    """force_login; the administrator roles also get a confirmed TOTP device and a two-factor-verified
    session (qingji.security requires it of them before any page)."""
    client.force_login(user)
    if user.is_admin_role:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    def _login(user):  # type: ignore[no-untyped-def]
        return sign_in(client, user)

    return _login


@pytest.fixture(scope="session")
def _end_browser_sessions(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """While Playwright's event loop runs, Django gives the test body its own database connections
    (asgiref's context-local storage), and the live server's threads have theirs; on PostgreSQL any of
    them still open at the end would stop the test database from being dropped. End them once, after
    the last test and before the database is dropped (ending them after each test would pull a live
    connection from under the next one)."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")
