"""Every URL × every account × in scope and out of scope."""

import json
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from tests.access import CAMPAIGNS_IN_SCOPE, LISTINGS, PUBLIC, ROUTES
from tests.conftest import sign_in
from tests.world import build_world


def _names(patterns, namespace: str = "") -> set[str]:  # type: ignore[no-untyped-def]
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{namespace}{p.name}")
    return names


def test_it_lists_every_url_of_the_project():
    declared = {r.name for r in ROUTES} | PUBLIC
    undeclared = _names(get_resolver().url_patterns) - declared
    assert not undeclared, f"add these URLs to tests/access.py: {sorted(undeclared)}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The world is built once per module (per test process) inside an outer transaction; each test
    runs in a savepoint inside it (pytest-django's `db`), so what one test changes is undone before
    the next, and the world is rolled back at the end."""
    files = tmp_path_factory.mktemp("world-files")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=files):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            built["media_root"] = files
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def media_root(settings, world):  # type: ignore[no-untyped-def]
    """The world's uploaded files stay where the world put them."""
    settings.MEDIA_ROOT = world["media_root"]


def request(client, route, url):  # type: ignore[no-untyped-def]
    if route.json:
        return getattr(client, route.method)(url, json.dumps(route.data), content_type="application/json")
    return getattr(client, route.method)(url, route.data)


def destination(response) -> str:  # type: ignore[no-untyped-def]
    """The URL name a redirect leads to ("?" when it leads nowhere in the project)."""
    try:
        return resolve(urlsplit(response["Location"]).path).view_name
    except Resolver404:
        return "?"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_it_turns_away_anonymous_visitors(world, client, db, route):
    kwargs = route.in_scope(world, "committee") if route.in_scope else {}
    response = request(client, route, world["reverse"](route.name, kwargs))
    assert response.status_code in (302, 401, 403)
    if response.status_code == 302:
        assert destination(response) == "web:login", f"{route.name} → {response['Location']}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_it_lets_in_only_the_accounts_the_matrix_names(world, client, db, route):
    for account, user in world["users"].items():
        kwargs = route.in_scope(world, account) if route.in_scope else {}
        if kwargs is None:
            continue
        sign_in(client, user)
        response = request(client, route, world["reverse"](route.name, kwargs))
        if account in route.allowed:
            # Let in: the page, a redirect after success, or (API) 400 for data the world's state makes
            # invalid by then (e.g. a case another account already reopened): 403/404 are the refusals.
            ok = (200, 201, 302, 400) if route.json else (200, 201, 302)
            assert response.status_code in ok, f"{account} → {route.name}: {response.status_code}"
            # A redirect counts only when it leads where the route says its success leads.
            if response.status_code == 302:
                assert destination(response) in route.goes_to, \
                    f"{account} → {route.name}: redirected to {response['Location']}"
        else:
            assert response.status_code in (403, 404), f"{account} → {route.name}: {response.status_code}"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.out_of_scope], ids=lambda r: r.name)
def test_it_answers_404_for_objects_outside_the_scope(world, client, db, route):
    for account, user in world["users"].items():
        kwargs = route.out_of_scope(world, account)
        if kwargs is None:
            continue
        sign_in(client, user)
        response = request(client, route, world["reverse"](route.name, kwargs))
        assert response.status_code == 404, f"{account} → {route.name} {kwargs}: {response.status_code}"


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.name)
def test_every_list_holds_exactly_the_objects_in_scope(world, client, db, listing):
    for account in sorted(listing.accounts):
        sign_in(client, world["users"][account])
        shown = listing.shown(client, world["reverse"](listing.name, {}))
        expected = listing.expected(world, account)
        assert shown == expected, (f"{account} → {listing.name}: missing {sorted(expected - shown)}, "
                                   f"not in scope {sorted(shown - expected)}")


def test_the_api_lists_exactly_the_campaigns_whose_pages_open(world, client, db):
    for account, user in sorted(world["users"].items()):
        sign_in(client, user)
        listed = client.get(world["reverse"]("api:list_campaigns", {}))
        if listed.status_code == 403:
            continue
        opening = {code for code in world["campaigns"]
                   if client.get(world["reverse"]("campaigns:detail", {"code": code})).status_code == 200}
        assert {c["code"] for c in listed.json()} == opening == CAMPAIGNS_IN_SCOPE[account], account
