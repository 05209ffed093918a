"""The ledger's filters, shared by the ledger page, the export of "what I see", the API and the
report drill-downs, so that one set of GET parameters means the same everywhere.

Parameters: status (open or a CaseStatus, repeatable), method, source (repeatable),
key_supervision (yes / no / a body), org (unit code), category (code), flag (repeatable),
deadline (overdue / due7 / on_time), registered_from, registered_to, q, campaign, as_of, sort.

A source or a category is any code, so that a retired one still finds its old cases; the choices a page offers
come from the vocabulary (qingji/ledger/vocabulary.py). "Due soon" (due7) is within the days of the local rule
`deadline.due_soon_days` of each case's handling unit.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingji.ledger.models import (
    CASE_FLAGS,
    OPEN_STATUSES,
    Case,
    CaseStatus,
    SettlementMethod,
    StatusPeriod,
    case_field_label,
)
from qingji.ledger.vocabulary import CATEGORIES, SOURCES, Vocabulary
from qingji.organisations.models import Org
from qingji.rules.keys import CODE_RE
from qingji.rules.selectors import RuleBook, rule_for_cases_q

DUE_SOON = "deadline.due_soon_days"
STATUS_CHOICES = [("open", _("Open (not concluded)")), *CaseStatus.choices]
DEADLINE_CHOICES = [("overdue", _("Overdue")), ("due7", _("Due soon")), ("on_time", _("On time"))]
KEY_SUPERVISION_CHOICES = [("", _("Any")), ("yes", _("Under key supervision")), ("no", _("Not under key supervision"))]
FLAG_CHOICES = [(flag, case_field_label(flag)) for flag in CASE_FLAGS]

# Sort keys the page offers: parameter value → ORDER BY (the id makes the order total).
SORTS: dict[str, tuple[str, ...]] = {
    "registered_on": ("registered_on", "id"), "-registered_on": ("-registered_on", "-id"),
    "deadline": ("deadline", "id"), "-deadline": ("-deadline", "-id"),
    "ledger_no": ("ledger_no",), "-ledger_no": ("-ledger_no",),
    "status": ("status", "id"), "-status": ("-status", "-id"),
    "org": ("handling_org__code", "id"), "-org": ("-handling_org__code", "-id"),
}
DEFAULT_SORT = "-registered_on"
# Below this many characters, trigram indexes cannot help; a plain LIKE scan is used.
TRIGRAM_MIN = 3


class CodeChoiceField(forms.ChoiceField):
    """Any well-formed code, whatever the choices shown (they are one user's; a link may carry another's)."""

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and bool(CODE_RE.match(value))


class CodeMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and bool(CODE_RE.match(value))


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.MultipleChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    method = forms.ChoiceField(label=_("Settlement method"), choices=[("", _("Any")), *SettlementMethod.choices],
                               required=False)
    source = CodeMultipleChoiceField(label=_("Source"), required=False)
    key_supervision = forms.CharField(label=_("Key supervision"), required=False, max_length=50)
    org = forms.CharField(label=_("Handling unit"), required=False, max_length=32)
    category = CodeChoiceField(label=_("Category"), required=False)
    flag = forms.MultipleChoiceField(label=_("Flags"), choices=FLAG_CHOICES, required=False)
    deadline = forms.ChoiceField(label=_("Deadline"), choices=[("", _("Any")), *DEADLINE_CHOICES], required=False)
    registered_from = forms.DateField(label=_("Registered from"), required=False)
    registered_to = forms.DateField(label=_("Registered to"), required=False)
    campaign = forms.CharField(label=_("Campaign"), required=False, max_length=32)
    as_of = forms.DateField(label=_("As of"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=[(k, k) for k in SORTS], required=False)


def ledger_filter_form(params: QueryDict, *, org: Org | None = None, vocabulary: Vocabulary | None = None,
                       scope: Iterable[int] | None = None) -> LedgerFilterForm:
    """The filters of `params`; with a `vocabulary`, the sources and categories it offers `org`'s user: every
    entry of the unit's rules, retired ones too, and those of the units in `scope` (ids)."""
    form = LedgerFilterForm(params)
    if vocabulary is not None:
        scope_ids = list(scope) if scope is not None else None
        for name, key in (("source", SOURCES), ("category", CATEGORIES)):
            field = form.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = vocabulary.filter_choices(key, org, scope_ids)
    form.is_valid()
    return form


def apply_ledger_filters(queryset: QuerySet[Case], params: QueryDict, *,
                         book: RuleBook | None = None) -> QuerySet[Case]:
    """Narrow an already scoped queryset by the ledger's GET parameters. Invalid values are
    ignored (the form shows why), so a bad link still shows the ledger. `book`: the page's rules."""
    data = ledger_filter_form(params).cleaned_data
    as_of: dt.date | None = data.get("as_of")
    if as_of:
        queryset = _as_of(queryset, as_of, data.get("status") or [], data.get("method") or "")
    else:
        queryset = _status(queryset, data.get("status") or [], data.get("method") or "")
    if data.get("source"):
        queryset = queryset.filter(source__in=data["source"])
    queryset = _key_supervision(queryset, data.get("key_supervision") or "")
    if data.get("org"):
        queryset = queryset.filter(handling_org__code=data["org"])
    if data.get("category"):
        queryset = queryset.filter(category__code=data["category"])
    for flag in data.get("flag") or []:
        queryset = queryset.filter(**{flag: True})
    queryset = _deadline(queryset, data.get("deadline") or "", as_of or timezone.localdate(), current=not as_of,
                         book=book)
    if data.get("registered_from"):
        queryset = queryset.filter(registered_on__gte=data["registered_from"])
    if data.get("registered_to"):
        queryset = queryset.filter(registered_on__lte=data["registered_to"])
    if data.get("campaign"):
        from qingji.campaigns.models import CampaignCase

        queryset = queryset.filter(Exists(CampaignCase.objects.filter(case=OuterRef("pk"),
                                                                       campaign__code=data["campaign"])))
    if data.get("q"):
        queryset = search_cases(queryset, data["q"])
    return queryset.order_by(*SORTS.get(data.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT]))


def _status(queryset: QuerySet[Case], statuses: list[str], method: str) -> QuerySet[Case]:
    if statuses:
        wanted = {s for s in statuses if s != "open"} | (set(OPEN_STATUSES) if "open" in statuses else set())
        queryset = queryset.filter(status__in=sorted(wanted))
    if method:
        queryset = queryset.filter(settlement_method=method)
    return queryset


def _as_of(queryset: QuerySet[Case], as_of: dt.date, statuses: list[str], method: str) -> QuerySet[Case]:
    """Cases registered by `as_of`, by the status they had at the end of that day."""
    periods = StatusPeriod.objects.filter(case=OuterRef("pk"), valid_from__lte=as_of).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
    if statuses:
        wanted = {s for s in statuses if s != "open"} | (set(OPEN_STATUSES) if "open" in statuses else set())
        periods = periods.filter(status__in=sorted(wanted))
    if method:
        periods = periods.filter(method=method)
    return queryset.filter(registered_on__lte=as_of).filter(Exists(periods))


def _key_supervision(queryset: QuerySet[Case], value: str) -> QuerySet[Case]:
    if value == "yes":
        return queryset.exclude(key_supervision="")
    if value == "no":
        return queryset.filter(key_supervision="")
    if value:
        return queryset.filter(key_supervision=value)
    return queryset


def due_soon_q(today: dt.date, *, book: RuleBook | None = None, field: str = "handling_org_id",
               prefix: str = "") -> Q:
    """Cases due from `today` to the last day their unit's `deadline.due_soon_days` counts as due soon."""
    return Q(**{f"{prefix}deadline__gte": today}) & rule_for_cases_q(
        DUE_SOON, lambda days: Q(**{f"{prefix}deadline__lte": today + dt.timedelta(days=days)}), field=field,
        book=book)


def _deadline(queryset: QuerySet[Case], state: str, today: dt.date, current: bool = True,
              book: RuleBook | None = None) -> QuerySet[Case]:
    """Deadline state of open cases; as of a past date, "open" is the as-of status, filtered already."""
    if not state:
        return queryset
    open_cases = queryset.filter(deadline__isnull=False)
    if current:
        open_cases = open_cases.filter(status__in=OPEN_STATUSES)
    if state == "overdue":
        return open_cases.filter(deadline__lt=today)
    if state == "due7":
        return open_cases.filter(due_soon_q(today, book=book))
    return open_cases.filter(deadline__gte=today).exclude(due_soon_q(today, book=book))


def search_cases(queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Text search over petitioner names, summary and docket numbers (Case.search_text).

    Each word must occur. PostgreSQL answers LIKE '%…%' from the pg_trgm GIN index for words of
    three characters or more; SQLite uses the FTS5 trigram table for those. Shorter words (most
    Chinese names have two characters) are a plain substring match, which both find correctly.
    """
    from django.db import connection

    for word in text.split():
        if connection.vendor == "sqlite" and len(word) >= TRIGRAM_MIN:
            queryset = queryset.filter(pk__in=_fts_ids(word))
        else:
            queryset = queryset.filter(search_text__contains=word)
    return queryset


def _fts_ids(word: str) -> RawSQL:
    quoted = '"' + word.replace('"', '""') + '"'
    return RawSQL("SELECT rowid FROM ledger_case_fts WHERE ledger_case_fts MATCH %s", [quoted])
