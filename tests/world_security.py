"""Security objects for the access test: a live session of a clerk in the demo city and one in the other city
(accounts that the access test never signs in with, so no sign-in ends their sessions)."""

from importlib import import_module
from typing import Any

from django.conf import settings

from qingji.accounts.models import UserSession
from qingji.accounts.roles import Role
from tests.conftest import make_user


def _live_session(user) -> UserSession:  # type: ignore[no-untyped-def]
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["note"] = "access test"
    store.create()
    return UserSession.objects.create(user=user, session_key=store.session_key)


def build(world: dict[str, Any]) -> None:
    clerk = make_user("clerk", world["units"]["QH-ZY"], Role.UNIT_STAFF)
    foreign_clerk = make_user("foreign_clerk", world["units"]["BY-ZY"], Role.UNIT_STAFF)
    world["security"] = {"clerk": clerk, "foreign_clerk": foreign_clerk,
                         "session": _live_session(clerk), "foreign_session": _live_session(foreign_clerk)}
