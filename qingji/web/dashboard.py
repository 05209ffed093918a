"""The dashboard (工作台) is made of panels that the parts register.

Each panel is a template and a function giving its context for the user; a panel whose
function returns None is not shown. Parts register panels in their AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qingji.organisations.selectors import visible_orgs

if TYPE_CHECKING:
    from qingji.accounts.models import User


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[["User"], dict[str, Any] | None]
    order: int = 100
    width: str = "col-12"


_panels: list[Panel] = []


def register_panel(panel: Panel) -> None:
    _panels.append(panel)


def dashboard_context(user: "User") -> dict[str, object]:
    shown = []
    for panel in sorted(_panels, key=lambda p: p.order):
        context = panel.context(user)
        if context is not None:
            shown.append({"template": panel.template, "context": context, "width": panel.width})
    return {"panels": shown, "unit_count": visible_orgs(user).count()}
