"""Cases: ledger numbers, registration (建档), editing a case's details, its petitioners and docket numbers,
and what text search looks in."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.ledger.models import (
    Case,
    CasePetitioner,
    CaseStatus,
    Category,
    Petitioner,
    RecordSource,
    StatusPeriod,
    UnderlyingMatter,
)
from qingji.ledger.services.checks import check_not_future, require
from qingji.ledger.vocabulary import CATEGORIES, SOURCES, Vocabulary
from qingji.organisations.models import Org


class StaleCase(Exception):  # noqa: N818 - a user-facing outcome
    """The case changed since the user loaded it; `current` is the stored version."""

    def __init__(self, current: Case, changed: dict[str, tuple[Any, Any]]):
        super().__init__("stale case")
        self.current = current
        self.changed = changed


def ledger_no_prefix(org: Org, year: int) -> str:
    return f"{org.code}-{year}-"


def last_ledger_seq(prefix: str) -> int:
    """The highest sequence number in use after `prefix` (0 when none)."""
    taken = Case.objects.filter(ledger_no__startswith=prefix).values_list("ledger_no", flat=True)
    return max((int(n[len(prefix):]) for n in taken if n[len(prefix):].isdigit()), default=0)


def format_ledger_no(prefix: str, seq: int) -> str:
    return f"{prefix}{seq:04d}"


def next_ledger_no(org: Org, year: int) -> str:
    """`{unit code}-{year}-{seq}`, the next free sequence number for the unit and year."""
    prefix = ledger_no_prefix(org, year)
    return format_ledger_no(prefix, last_ledger_seq(prefix) + 1)


def check_offered(org: Org, *, source: str | None = None, category: Category | None = None,
                  vocabulary: Vocabulary | None = None) -> None:
    """A new source or category of a case of `org` is one its rules offer (active); a case keeps a retired
    one it has (the caller checks only what changes)."""
    if source is None and category is None:
        return
    vocabulary = vocabulary or Vocabulary()
    errors = {}
    if source is not None and not vocabulary.is_offered(SOURCES, source, org):
        errors["source"] = _("The source %(source)s is not offered for cases of %(unit)s (unknown or retired).") \
            % {"source": vocabulary.label(SOURCES, source, org), "unit": org.name}
    if category is not None and not vocabulary.is_offered(CATEGORIES, category.code, org):
        errors["category"] = _("The category %(category)s is not offered for cases of %(unit)s (unknown or "
                               "retired).") % {"category": vocabulary.label(CATEGORIES, category.code, org),
                                               "unit": org.name}
    if errors:
        raise ValidationError(errors)


def search_text_of(names: Sequence[str], summary: str, dockets: Sequence[str]) -> str:
    """What text search looks in: petitioner names, the petition matter, docket numbers."""
    return "\n".join([" ".join(names), summary, " ".join(dockets)])


def _search_text(case: Case) -> str:
    names = CasePetitioner.objects.filter(case=case).order_by("position").values_list("petitioner__name", flat=True)
    return search_text_of(list(names), case.summary, list(case.matters.values_list("docket_number", flat=True)))


def refresh_search_text(case: Case) -> None:
    text = _search_text(case)
    if text != case.search_text:
        Case.objects.filter(pk=case.pk).update(search_text=text)
        case.search_text = text


CASE_FIELDS = (
    "ledger_no", "summary", "category_id", "stage", "first_petitioned_on", "source", "assigned_on",
    "registered_on", "key_supervision", "handling_org_id", "deadline", "note", *Case.FLAGS,
)


def case_snapshot(case: Any) -> dict[str, Any]:
    """A case's details as the audit log records them: a Case's, or a bulk writer's plain stand-in's (as
    `case_registration_values` takes)."""
    return {f: getattr(case, f) for f in CASE_FIELDS}


@transaction.atomic
def case_register(
    *, actor: User | None, handling_org: Org, summary: str, source: str,
    petitioners: Sequence[Petitioner], registered_on: dt.date | None = None, ledger_no: str = "",
    category: Category | None = None, stage: str = "", first_petitioned_on: dt.date | None = None,
    assigned_on: dt.date | None = None, key_supervision: str = "", flags: Iterable[str] = (),
    deadline: dt.date | None = None, note: str = "", docket_numbers: Sequence[str] = (),
    record_source: str = RecordSource.SERVICE,
) -> Case:
    """Enter a case into the ledger (建档), status REGISTERED from `registered_on`."""
    require(actor, "case.register", handling_org)
    registered_on = registered_on or assigned_on or timezone.localdate()
    ledger_no = ledger_no.strip() or next_ledger_no(handling_org, registered_on.year)
    _check_dockets(docket_numbers)
    check_offered(handling_org, source=source, category=category)
    case = Case(**case_values(
        actor=actor, handling_org=handling_org, summary=summary, source=source, petitioners=petitioners,
        registered_on=registered_on, ledger_no=ledger_no, category=category, stage=stage,
        first_petitioned_on=first_petitioned_on, assigned_on=assigned_on, key_supervision=key_supervision,
        flags=flags, deadline=deadline, note=note,
    ))
    if Case.objects.filter(ledger_no=ledger_no).exists():
        raise ValidationError({"ledger_no": _("The ledger number %(no)s is already in use.") % {"no": ledger_no}})
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError({"ledger_no": _("The ledger number %(no)s is already in use.") % {"no": ledger_no}})
    dockets, period = case_registration_values(case, [p.name for p in petitioners], docket_numbers,
                                               record_source, actor)
    CasePetitioner.objects.bulk_create(CasePetitioner(case=case, petitioner=p, position=i)
                                       for i, p in enumerate(petitioners))
    UnderlyingMatter.objects.bulk_create(UnderlyingMatter(case=case, docket_number=d) for d in dockets)
    period.save()
    Case.objects.filter(pk=case.pk).update(search_text=case.search_text)
    audit_log(actor=actor, action="case.register", obj=case, after=case_snapshot(case))
    return case


def case_values(
    *, actor: User | None, handling_org: Org, summary: str, source: str,
    petitioners: Sequence[Any], registered_on: dt.date, ledger_no: str,
    category: Category | None = None, stage: str = "", first_petitioned_on: dt.date | None = None,
    assigned_on: dt.date | None = None, key_supervision: str = "", flags: Iterable[str] = (),
    deadline: dt.date | None = None, note: str = "", today: dt.date | None = None,
) -> dict[str, Any]:
    """A registration's checks and the new case's field values (`case_register`, which makes sure the
    ledger number is free; bulk imports write them as plain rows; `today` saves looking the date up for
    every row)."""
    today = today or timezone.localdate()
    for value, label in ((registered_on, "registered_on"), (assigned_on, "assigned_on"),
                         (first_petitioned_on, "first_petitioned_on")):
        check_not_future(value, label, today)
    if not petitioners:
        raise ValidationError({"petitioners": _("A case has at least one petitioner.")})
    if not summary.strip():
        raise ValidationError({"summary": _("The petition matter is required.")})
    unknown_flags = set(flags) - set(Case.FLAGS)
    if unknown_flags:
        raise ValueError(f"unknown flags {unknown_flags}")
    return {
        "ledger_no": ledger_no, "summary": summary.strip(), "category": category, "stage": stage,
        "first_petitioned_on": first_petitioned_on, "source": source, "assigned_on": assigned_on,
        "registered_on": registered_on, "key_supervision": key_supervision, "handling_org": handling_org,
        "deadline": deadline, "note": note, "status": CaseStatus.REGISTERED, "status_since": registered_on,
        "created_by": actor, **{flag: True for flag in flags},
    }


def case_registration_values(
    case: Any, names: Sequence[str], docket_numbers: Sequence[str], record_source: str,
    actor: User | None, make_period: Callable[..., Any] = StatusPeriod,
) -> tuple[list[str], Any]:
    """What a registration adds beside the case: the docket numbers of its underlying matters (each once,
    in order) and the first status period (made by `make_period`: bulk writers pass plain objects); sets
    the case's search text. The petitioners are linked in their order."""
    dockets = [d for d in dict.fromkeys(docket_numbers) if d]
    period = make_period(case=case, status=CaseStatus.REGISTERED, valid_from=case.registered_on,
                         source=record_source, recorded_by=actor)
    case.search_text = search_text_of(names, case.summary, dockets)
    return dockets, period


@transaction.atomic
def case_update(
    *, actor: User | None, case: Case, expected_version: int, docket_numbers: Sequence[str] = (),
    petitioners: Sequence[Petitioner] | None = None, **changes: Any,
) -> Case:
    """Edit a case: its details (`changes`), new docket numbers (existing ones keep their reviews) and, when
    given, its petitioners in their order. One change: one transaction, so a part refused by the checks or
    by the database leaves nothing written, and the version moves on once. Optimistic locking: a stale
    version is refused with what changed."""
    require(actor, "case.edit", case.handling_org)
    if "handling_org" in changes:
        require(actor, "case.edit", changes["handling_org"])
    for label in ("registered_on", "assigned_on", "first_petitioned_on"):
        check_not_future(changes.get(label), label)
    if petitioners is not None and not petitioners:
        raise ValidationError({"petitioners": _("A case has at least one petitioner.")})
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != expected_version:
        changed = {f: (getattr(case, f), getattr(current, f)) for f in CASE_FIELDS
                   if getattr(case, f) != getattr(current, f)}
        raise StaleCase(current, changed)
    _check_new_codes(current, changes)
    before = case_snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    after = case_snapshot(current)
    dockets = _new_dockets(current, docket_numbers)
    links = None if petitioners is None else _changed_links(current, petitioners)
    if after == before and not dockets and links is None:
        return current
    # Written part by part, each part's audit entry with it; the transaction makes them one change.
    current.version = expected_version + 1  # the row is locked, at the expected version
    current.save(update_fields=[*changes, "version", "updated_at"])
    if diff_before := {k: v for k, v in before.items() if after[k] != v}:
        audit_log(actor=actor, action="case.update", obj=current, before=diff_before,
                  after={k: after[k] for k in diff_before})
    if dockets:
        _add_dockets(actor, current, dockets)
    if links is not None:
        _set_petitioners(actor, current, links)
    if "summary" in changes or dockets or links is not None:  # what text search looks in
        refresh_search_text(current)
    return current


def _check_new_codes(current: Case, changes: dict[str, Any]) -> None:
    """A source or category changed to one the (new) handling unit's rules offer."""
    org = changes.get("handling_org", current.handling_org)
    source = changes.get("source")
    category = changes.get("category")
    check_offered(org, source=source if source is not None and source != current.source else None,
                  category=category if category is not None and category.pk != current.category_id else None)


def _new_dockets(case: Case, docket_numbers: Sequence[str]) -> list[str]:
    """The docket numbers not yet among the case's underlying matters, each once, in order."""
    wanted = [d for d in dict.fromkeys(docket_numbers) if d]
    if not wanted:
        return []
    existing = set(case.matters.values_list("docket_number", flat=True))
    return [d for d in wanted if d not in existing]


_DOCKET_LENGTH = cast(int, UnderlyingMatter._meta.get_field("docket_number").max_length)  # a CharField's


def _check_dockets(dockets: Sequence[str]) -> None:
    """A docket number too long for its column is refused (SQLite would store it, PostgreSQL refuse it with
    an error)."""
    too_long = [d for d in dockets if len(d) > _DOCKET_LENGTH]
    if too_long:
        raise ValidationError({"docket_numbers": [
            _("A docket number has at most %(count)s characters: “%(number)s…” is longer.")
            % {"count": _DOCKET_LENGTH, "number": d[:20]} for d in too_long]})


def _add_dockets(actor: User | None, case: Case, dockets: Sequence[str]) -> None:
    """Underlying matters for new docket numbers, checked."""
    _check_dockets(dockets)
    UnderlyingMatter.objects.bulk_create(UnderlyingMatter(case=case, docket_number=d) for d in dockets)
    audit_log(actor=actor, action="case.dockets", obj=case, after=list(dockets))


def _changed_links(case: Case, petitioners: Sequence[Petitioner]) -> tuple[list[int], list[int]] | None:
    """The case's petitioners' keys in their order, before and after, or None when they stay the same."""
    before = list(CasePetitioner.objects.filter(case=case).order_by("position").values_list("petitioner_id",
                                                                                           flat=True))
    after = [p.pk for p in petitioners]
    return None if after == before else (before, after)


def _set_petitioners(actor: User | None, case: Case, links: tuple[list[int], list[int]]) -> None:
    before, after = links
    CasePetitioner.objects.filter(case=case).delete()
    CasePetitioner.objects.bulk_create(CasePetitioner(case=case, petitioner_id=pk, position=i)
                                       for i, pk in enumerate(after))
    audit_log(actor=actor, action="case.petitioners", obj=case, before=before, after=after)
