"""Cards that other parts add to the case page (一案一档): lifecycle, reviews…

Each is a template and a function (request, case) → context, or None to show nothing.
Parts register their cards in their AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qingji.accounts.http import AuthedRequest
    from qingji.ledger.models import Case


@dataclass(frozen=True)
class CasePanel:
    template: str
    context: Callable[["AuthedRequest", "Case"], dict[str, Any] | None]
    order: int = 100


_panels: list[CasePanel] = []


def register_case_panel(panel: CasePanel) -> None:
    _panels.append(panel)


def case_panels(request: "AuthedRequest", case: "Case") -> list[dict[str, Any]]:
    shown = []
    for panel in sorted(_panels, key=lambda p: p.order):
        context = panel.context(request, case)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown
