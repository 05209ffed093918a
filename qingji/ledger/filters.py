"""The ledger's filters, shared by the ledger page, the export of "what I see", the API and the
report drill-downs, so that one set of GET parameters means the same everywhere.

Parameters: status (open or a CaseStatus, repeatable), method, source (repeatable),
key_supervision (yes / no / a body), org (unit code), category (id), flag (repeatable),
deadline (overdue / due7 / on_time), registered_from, registered_to, q, campaign, as_of, sort.
"""

import datetime as dt

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
    Category,
    SettlementMethod,
    Source,
    StatusPeriod,
    case_field_label,
)

DUE_SOON_DAYS = 7
STATUS_CHOICES = [("open", _("Open (not concluded)")), *CaseStatus.choices]
DEADLINE_CHOICES = [("overdue", _("Overdue")), ("due7", _("Due within 7 days")), ("on_time", _("On time"))]
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


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.MultipleChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    method = forms.ChoiceField(label=_("Settlement method"), choices=[("", _("Any")), *SettlementMethod.choices],
                               required=False)
    source = forms.MultipleChoiceField(label=_("Source"), choices=Source.choices, required=False)
    key_supervision = forms.CharField(label=_("Key supervision"), required=False, max_length=50)
    org = forms.CharField(label=_("Handling unit"), required=False, max_length=32)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    flag = forms.MultipleChoiceField(label=_("Flags"), choices=FLAG_CHOICES, required=False)
    deadline = forms.ChoiceField(label=_("Deadline"), choices=[("", _("Any")), *DEADLINE_CHOICES], required=False)
    registered_from = forms.DateField(label=_("Registered from"), required=False)
    registered_to = forms.DateField(label=_("Registered to"), required=False)
    campaign = forms.CharField(label=_("Campaign"), required=False, max_length=32)
    as_of = forms.DateField(label=_("As of"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=[(k, k) for k in SORTS], required=False)


def ledger_filter_form(params: QueryDict) -> LedgerFilterForm:
    form = LedgerFilterForm(params)
    form.is_valid()
    return form


def apply_ledger_filters(queryset: QuerySet[Case], params: QueryDict) -> QuerySet[Case]:
    """Narrow an already scoped queryset by the ledger's GET parameters. Invalid values are
    ignored (the form shows why), so a bad link still shows the ledger."""
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
        queryset = queryset.filter(category=data["category"])
    for flag in data.get("flag") or []:
        queryset = queryset.filter(**{flag: True})
    queryset = _deadline(queryset, data.get("deadline") or "", as_of or timezone.localdate(), current=not as_of)
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


def _deadline(queryset: QuerySet[Case], state: str, today: dt.date, current: bool = True) -> QuerySet[Case]:
    """Deadline state of open cases; as of a past date, "open" is the as-of status, filtered already."""
    if not state:
        return queryset
    open_cases = queryset.filter(deadline__isnull=False)
    if current:
        open_cases = open_cases.filter(status__in=OPEN_STATUSES)
    if state == "overdue":
        return open_cases.filter(deadline__lt=today)
    if state == "due7":
        return open_cases.filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    return open_cases.filter(deadline__gt=today + dt.timedelta(days=DUE_SOON_DAYS))


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
