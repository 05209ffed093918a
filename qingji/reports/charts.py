"""ECharts options for the report figures (drawn by static/qingji/app.js from json_script data)."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from qingji.ledger.models import SettlementMethod

PALETTE = ["#2f5c99", "#198754", "#e5a50a", "#c01c28", "#6f42c1", "#0dcaf0", "#6c757d"]


def _float(value: str | None) -> float | None:
    return float(value) if value is not None else None


def method_pie(report: dict[str, Any], links: dict[str, str]) -> dict[str, Any]:
    data = [{"name": str(SettlementMethod(m).label), "value": report["settled_by_method"][m]["count"]}
            for m in SettlementMethod.values]
    return {"color": PALETTE, "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
            "legend": {"bottom": 0}, "series": [{"type": "pie", "radius": ["35%", "65%"], "data": data}],
            "qingjiLinks": links}


def bar(labels: list[str], values: list[float | None], name: str, links: dict[str, str],
        horizontal: bool = False) -> dict[str, Any]:
    category = {"type": "category", "data": labels, "axisLabel": {"interval": 0, "rotate": 0 if horizontal else 30}}
    value = {"type": "value", "max": 100, "name": "%"}
    return {"color": PALETTE, "tooltip": {"trigger": "axis"}, "grid": {"left": 120 if horizontal else 50,
                                                                       "bottom": 80, "right": 20},
            "xAxis": value if horizontal else category, "yAxis": category if horizontal else value,
            "series": [{"type": "bar", "name": name, "data": values, "label": {"show": True, "position": "right"
                                                                                if horizontal else "top"}}],
            "qingjiLinks": links}


def rate_bar(rows: list[dict[str, Any]], label_key: str, link_for: Callable[[dict[str, Any]], str],
             horizontal: bool = False) -> dict[str, Any]:
    """Settlement rate per row of a breakdown, each bar a link to the cases behind it."""
    labels = [r[label_key] for r in rows]
    return bar(labels, [_float(r["settlement_rate"]) for r in rows], _("Settlement rate"),
               {r[label_key]: link_for(r) for r in rows}, horizontal=horizontal)


def trend_line(points: list[dict[str, Any]], milestones: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    series: list[dict[str, Any]] = [{
        "type": "line", "name": _("Settlement rate"), "smooth": True,
        "data": [[p["date"], _float(p["settlement_rate"])] for p in points],
    }]
    if milestones:
        series.append({"type": "line", "name": _("Target"), "step": "end", "lineStyle": {"type": "dashed"},
                       "data": [[m["date"], float(m["target"])] for m in milestones]})
    return {"color": PALETTE, "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0},
            "xAxis": {"type": "time"}, "yAxis": {"type": "value", "max": 100, "name": "%"}, "series": series}
