import datetime as dt
from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from qingji.ledger.models import Case

register = template.Library()

STATUS_CLASSES = {
    "registered": "text-bg-secondary", "in_progress": "text-bg-primary", "closure_requested": "text-bg-warning",
    "closed_settled": "text-bg-success", "closed_unsettled": "text-bg-dark",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")


@register.simple_tag
def sort_query(query: str, key: str, current: str) -> str:
    """The query string that sorts by `key`, flipping direction when it is already the sort."""
    params = QueryDict(query, mutable=True)
    params["sort"] = f"-{key}" if current == key else key
    return params.urlencode()


@register.simple_tag
def page_query(query: str, number: int) -> str:
    params = QueryDict(query, mutable=True)
    params["page"] = str(number)
    return params.urlencode()


def deadline_state(case: Case, today: dt.date, due_soon_days: int) -> str:
    """overdue, due7 (due soon: within the unit's `deadline.due_soon_days`), on_time, or "" (none, or closed)."""
    if not case.deadline or not case.is_open:
        return ""
    days = (case.deadline - today).days
    if days < 0:
        return "overdue"
    return "due7" if days <= due_soon_days else "on_time"


# ---------------------------------------------------------------- the ledger table's cells
# One row of the ledger table in Python: the template's per-cell if/elif chain and the flags
# include cost more than all the page's SQL together (docs/performance.md). A row is the view's: the case,
# its petitioners' names, its source's and category's labels (qingji/ledger/vocabulary.py) and the days its
# unit counts as due soon, all looked up through the page's one RuleBook.

FLAG_BADGES = (
    ("beijing_petition", "text-bg-danger", _lazy("Beijing")),
    ("provincial_petition", "text-bg-warning", pgettext_lazy("petition flag", "Province")),
    ("repeat_petition", "text-bg-secondary", _lazy("Repeat")),
    ("cross_jurisdiction", "text-bg-info", _lazy("Cross-jurisdiction")),
    ("discipline_related", "text-bg-dark", _lazy("Discipline")),
    ("group_petition", "text-bg-primary", _lazy("Group")),
)


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _lead_official(case: Case) -> object:
    try:
        responsibility = case.responsibility
    except ObjectDoesNotExist:
        return ""
    return responsibility.lead_official or ""


def _flags(case: Case) -> str:
    parts = []
    if case.key_supervision:
        parts.append(format_html('<span class="badge text-bg-danger-subtle border border-danger-subtle '
                                 'text-danger-emphasis">{}</span> ', _("Key")))
    for field, css, label in FLAG_BADGES:
        if getattr(case, field):
            parts.append(format_html('<span class="badge {}">{}</span> ', css, label))
    return "".join(parts).rstrip(" ")


def _deadline_cell(case: Case, today: dt.date, due_soon_days: int) -> str:
    state = deadline_state(case, today, due_soon_days)
    css = {"overdue": "text-overdue", "due7": "text-warning-emphasis fw-semibold"}.get(state, "")
    badge = ""
    if state == "overdue":
        badge = format_html(' <span class="badge text-bg-danger">{}</span>', _("Overdue"))
    elif state == "due7":
        badge = format_html(' <span class="badge text-bg-warning">{}</span>', _("Due soon"))
    return format_html('<td class="{}">{}{}</td>', css, _day(case.deadline), badge)


def _status_cell(case: Case) -> str:
    method = format_html(' <small class="text-secondary">{}</small>', case.get_settlement_method_display()) \
        if case.settlement_method else ""
    return format_html('<td><span class="badge {}">{}</span>{}</td>', status_class(case.status),
                       case.get_status_display(), method)


def _text_cell(value: object) -> str:
    """A cell of text; an empty one shows — as the dossier's empty fields do."""
    return format_html("<td>{}</td>", value or "—")


CELLS = {
    "ledger_no": lambda case, row, today: format_html(
        '<td><a href="{}">{}</a></td>', reverse("ledger:detail", args=[case.pk]), case.ledger_no),
    "petitioners": lambda case, row, today: _text_cell("、".join(row["petitioners"])),
    "summary": lambda case, row, today: format_html('<td class="wrap">{}</td>', Truncator(case.summary).chars(60)),
    "category": lambda case, row, today: _text_cell(row["category"]),
    "source": lambda case, row, today: format_html("<td>{}</td>", row["source"]),
    "handling_org": lambda case, row, today: format_html("<td>{}</td>", case.handling_org.name),
    "registered_on": lambda case, row, today: format_html("<td>{}</td>", _day(case.registered_on)),
    "deadline": lambda case, row, today: _deadline_cell(case, today, row["due_soon_days"]),
    "status": lambda case, row, today: _status_cell(case),
    "key_supervision": lambda case, row, today: _text_cell(case.key_supervision),
    "flags": lambda case, row, today: format_html("<td>{}</td>", mark_safe(_flags(case))),  # noqa: S308 - built by format_html
    "lead_official": lambda case, row, today: _text_cell(_lead_official(case)),
}


@register.simple_tag
def ledger_cells(row: dict[str, Any], columns: list[str], today: dt.date) -> str:
    """The <td> cells of one ledger row, in the user's column order."""
    case = row["case"]
    return mark_safe("".join(CELLS[c](case, row, today) for c in columns if c in CELLS))  # noqa: S308
