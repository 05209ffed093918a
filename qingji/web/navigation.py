"""The left navigation. Each app registers its entries; an entry shows only to users who may use it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qingji.accounts.roles import has_capability

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qingji.accounts.models import User


@dataclass(frozen=True)
class NavEntry:
    section: str
    label: str | Promise
    url_name: str
    icon: str
    allowed: Callable[["User | AnonymousUser"], bool]
    order: int = 100


SECTIONS = [
    ("workbench", _("Workbench"), "speedometer2"),
    ("ledger", _("Case ledger"), "journal-text"),
    ("supervision", _("Supervision"), "alarm"),
    ("campaigns", _("Campaigns"), "flag"),
    ("reports", _("Statistics"), "bar-chart"),
    ("exchange", _("Data exchange"), "arrow-left-right"),
    ("admin", _("System administration"), "gear"),
]

_entries: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    _entries.append(entry)


def capability(name: str) -> Callable[["User | AnonymousUser"], bool]:
    return lambda user: has_capability(user, name)


def menu_for(user: "User | AnonymousUser", current: str) -> list[dict[str, object]]:
    menu = []
    for key, label, icon in SECTIONS:
        items = [
            {"label": e.label, "url": reverse(e.url_name), "icon": e.icon, "active": e.url_name == current}
            for e in sorted(_entries, key=lambda e: e.order)
            if e.section == key and e.allowed(user)
        ]
        if items:
            menu.append({"key": key, "label": label, "icon": icon, "items": items,
                         "active": any(i["active"] for i in items)})
    return menu


register(NavEntry("workbench", _("Dashboard"), "web:dashboard", "speedometer2", lambda u: True, 0))
