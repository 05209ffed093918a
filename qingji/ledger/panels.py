"""Cards that other parts add to the case page (一案一档): lifecycle, reviews…

Each is a template and a function (request, case) → context, or None to show nothing.
Parts register their cards in their AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CasePanel:
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100


_panels: list[CasePanel] = []


def register_case_panel(panel: CasePanel) -> None:
    _panels.append(panel)


def case_panels(request, case) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    shown = []
    for panel in sorted(_panels, key=lambda p: p.order):
        context = panel.context(request, case)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown
