"""Exporting the ledger in the same workbook format it is imported in, streamed row by row
(lib/xlsxstream.py), with ID numbers and phones masked and formula-like text neutralised. A source or category
is written as the label of the handling unit's rules (qingji/ledger/vocabulary.py), which the import reads back."""

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from qingji.exchange.columns import COLUMNS, FLAG_COLUMNS, GENDERS, METHODS, STAGES, label_of
from qingji.exchange.reviews import COLUMNS as REVIEW_COLUMNS
from qingji.exchange.reviews import review_export_rows
from qingji.ledger.models import (
    OPEN_STATUSES,
    Case,
    CasePetitioner,
    CaseStatus,
    JudicialAid,
    Responsibility,
    UnderlyingMatter,
)
from qingji.ledger.vocabulary import CATEGORIES, SOURCES, Vocabulary
from qingji.lib.pii import mask_id_number, mask_phone
from qingji.lib.xlsxstream import TITLE, StreamingWorkbook
from qingji.organisations.models import Org

EXPORTED = [c for c in COLUMNS if c.field != "seq"]
STATUS_LABELS = {CaseStatus.CLOSED_SETTLED: "已结已息", CaseStatus.CLOSED_UNSETTLED: "已结未息"}


PERSON_FIELDS = ("lead_official", "supervising_official", "watch_officer")
CASE_VALUES = (
    "pk", "ledger_no", "summary", "category__code", "stage", "first_petitioned_on", "source", "assigned_on",
    "registered_on", "key_supervision", "handling_org_id", "handling_org__code", "deadline", *FLAG_COLUMNS, "status",
    "settlement_method", "closed_on", "note", "responsibility__plan",
    *[f"responsibility__{p}__{f}" for p in PERSON_FIELDS for f in ("name", "title")],
)
CHUNK = 2000


def _person(name: str | None, title: str | None) -> str:
    if not name:
        return ""
    return f"{name}({title})" if title else name


def case_row(case: dict[str, Any], petitioners: list[tuple[Any, ...]], dockets: list[str], handlers: list[str],
             aid_total: Any, full_pii: bool) -> list[Any]:
    """One case as a row of the workbook (columns.COLUMNS without 序号). `case` holds CASE_VALUES and the labels
    of its source and category (`source_label`, `category_label`)."""
    first = petitioners[0] if petitioners else None
    if first:
        _name, gender, id_number, phone, address, group_size = first
    values = {
        "ledger_no": case["ledger_no"], "petitioner": "、".join(p[0] for p in petitioners),
        "gender": label_of(GENDERS, gender) if first else "",
        "id_number": (id_number if full_pii else mask_id_number(id_number)) if first else "",
        "phone": (phone if full_pii else mask_phone(phone)) if first else "",
        "address": address if first else "", "group_size": group_size if first else 1,
        "summary": case["summary"], "category": case["category_label"],
        "stage": label_of(STAGES, case["stage"]), "dockets": "、".join(dockets),
        "first_petitioned_on": case["first_petitioned_on"], "source": case["source_label"],
        "assigned_on": case["assigned_on"], "registered_on": case["registered_on"],
        "key_supervision": case["key_supervision"], "handling_org": case["handling_org__code"],
        **{p: _person(case[f"responsibility__{p}__name"], case[f"responsibility__{p}__title"])
           for p in PERSON_FIELDS},
        "handlers": "、".join(handlers), "plan": case["responsibility__plan"] or "",
        "deadline": case["deadline"],
        **{flag: "是" if case[flag] else "" for flag in FLAG_COLUMNS},
        "status": "未结未息" if case["status"] in OPEN_STATUSES else STATUS_LABELS[case["status"]],
        "method": label_of(METHODS, case["settlement_method"]), "closed_on": case["closed_on"],
        "aid": aid_total or "", "note": case["note"],
    }
    return [values[c.field] for c in EXPORTED]


def export_cases(cases: QuerySet[Case], out: Path | str | IO[bytes], *, title: str, full_pii: bool = False,
                 progress: Callable[[int], None] | None = None, progress_every: int = 1000) -> int:
    """Write the cases to `out`, streamed (lib/xlsxstream.py: flat memory at any size); returns the number of
    rows. `progress` is called with the rows written so far every `progress_every` rows."""
    count = 0
    with StreamingWorkbook(out) as workbook:
        sheet = workbook.add_sheet("台账")
        sheet.append([title], style=TITLE)
        sheet.append([c.label for c in EXPORTED])
        for values in _rows(cases, full_pii):
            sheet.append(values)
            count += 1
            if progress is not None and count % progress_every == 0:
                progress(count)
        reviews = review_export_rows(cases)
        if reviews:
            review_sheet = workbook.add_sheet("案件评查")
            review_sheet.append([c.label for c in REVIEW_COLUMNS])
            for values in reviews:
                review_sheet.append(values)
    return count


class _Labels:
    """The labels of the cases' sources and categories by their units' rules, read once per export; the units
    are read (a query per chunk at most) only where some unit has rules of its own."""

    def __init__(self) -> None:
        self.vocabulary = Vocabulary()
        book = self.vocabulary.book
        self.by_unit = book.is_set_anywhere(SOURCES) or book.is_set_anywhere(CATEGORIES)
        self.orgs: dict[int, Org] = {}

    def add(self, chunk: list[dict[str, Any]]) -> None:
        if self.by_unit:
            missing = {c["handling_org_id"] for c in chunk} - set(self.orgs)
            self.orgs.update(Org.objects.in_bulk(list(missing)) if missing else {})
        for case in chunk:
            org = self.orgs.get(case["handling_org_id"])
            case["source_label"] = self.vocabulary.written_label(SOURCES, case["source"], org)
            code = case["category__code"]
            case["category_label"] = self.vocabulary.written_label(CATEGORIES, code, org) if code else ""


def _rows(cases: QuerySet[Case], full_pii: bool) -> Iterator[list[Any]]:
    """The rows, a chunk of cases at a time: one query for the cases and one per related table per chunk."""
    chunk: list[dict[str, Any]] = []
    labels = _Labels()
    for case in cases.order_by("handling_org__code", "ledger_no").values(*CASE_VALUES).iterator(chunk_size=CHUNK):
        chunk.append(case)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk, full_pii, labels)
            chunk = []
    yield from _chunk_rows(chunk, full_pii, labels)


def _chunk_rows(chunk: list[dict[str, Any]], full_pii: bool, labels: _Labels) -> Iterator[list[Any]]:
    if not chunk:
        return
    labels.add(chunk)
    ids = [c["pk"] for c in chunk]
    petitioners: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for case_id, *person in (CasePetitioner.objects.filter(case_id__in=ids).order_by("case_id", "position", "pk")
                             .values_list("case_id", "petitioner__name", "petitioner__gender",
                                          "petitioner__id_number", "petitioner__phone", "petitioner__address",
                                          "petitioner__group_size")):
        petitioners[case_id].append(tuple(person))
    dockets: dict[int, list[str]] = defaultdict(list)
    for case_id, docket in (UnderlyingMatter.objects.filter(case_id__in=ids).order_by("id")
                            .values_list("case_id", "docket_number")):
        dockets[case_id].append(docket)
    handlers: dict[int, list[str]] = defaultdict(list)
    for case_id, name, title in (Responsibility.handlers.through.objects
                                 .filter(responsibility__case_id__in=ids)
                                 .order_by("official__org__path", "official__name", "official_id")
                                 .values_list("responsibility__case_id", "official__name", "official__title")):
        handlers[case_id].append(_person(name, title))
    aid = dict(JudicialAid.objects.filter(case_id__in=ids).values("case_id").annotate(total=Sum("amount"))
               .order_by().values_list("case_id", "total"))
    for case in chunk:
        pk = case["pk"]
        yield case_row(case, petitioners[pk], dockets[pk], handlers[pk], aid.get(pk), full_pii)


def export_title(org_name: str) -> str:
    return _("%(org)s backlog law- and litigation-related petition case ledger") % {"org": org_name}
