"""A case's sources and categories: the local rules `sources` and `categories` (qingji/rules/keys.py), as every
form, filter, import, export, page, report and the API offers and shows them.

A rule is a list of `{code, label, active}` resolved for a unit (its own set, its superiors', the committees of
its region, the default). A case keeps the code (`Case.source`; `Case.category`, a row of `Category` per code);
what is offered to a user is the active entries of the unit's rule, in its order; what is shown for a code is its
label: a default source whose label nobody changed in its own language (the `Source` choices' translation),
a body's own label as they wrote it. A retired code, or one of another unit's rules, still shows its label.

Build one `Vocabulary` per page, import, export or report: it reads every rule set once (through one RuleBook)
and resolves units in memory, so showing many cases asks the database nothing more. Shortcuts for one unit:
`source_choices(org)`, `category_choices(org)`, `source_label(code, org)`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

from qingji.ledger.models import Case, Category, Source
from qingji.organisations.models import Org
from qingji.rules.keys import DEFAULT_CATEGORIES, DEFAULT_SOURCES
from qingji.rules.selectors import RuleBook

VocabularyKey = Literal["sources", "categories"]
SOURCES: Final[VocabularyKey] = "sources"
CATEGORIES: Final[VocabularyKey] = "categories"
Choices = list[tuple[str, str]]

_DEFAULT_LABELS: dict[str, dict[str, str]] = {
    SOURCES: {str(e["code"]): str(e["label"]) for e in DEFAULT_SOURCES},
    CATEGORIES: {str(e["code"]): str(e["label"]) for e in DEFAULT_CATEGORIES},
}


@dataclass(frozen=True)
class Entry:
    code: str
    label: str  # as the rule writes it: the word of the ledger workbook
    active: bool
    display: str  # what a page shows: `label`, or its translation for a default source whose label is unchanged


def _entry(key: str, item: dict[str, Any]) -> Entry:
    code, label = str(item["code"]), str(item["label"])
    display = label
    if key == SOURCES and code in Source.values and _DEFAULT_LABELS[SOURCES].get(code) == label:
        display = str(Source(code).label)
    return Entry(code, label, bool(item.get("active", True)), display)


class Vocabulary:
    """The sources and categories of any unit, read through one RuleBook (`book`: share the page's)."""

    def __init__(self, book: RuleBook | None = None) -> None:
        self.book = book if book is not None else RuleBook()
        self._resolved: dict[tuple[str, int | None], list[Entry]] = {}
        self._known: dict[str, dict[str, Entry]] = {}
        self._category_codes: dict[int, str] | None = None
        self._categories: dict[str, Category] | None = None

    # ------------------------------------------------------------ what a unit offers

    def entries(self, key: VocabularyKey, org: Org | None) -> list[Entry]:
        """Every entry of the unit's rule, retired ones too, in the rule's order (no unit: the default)."""
        cache_key = (key, org.pk if org is not None else None)
        if cache_key not in self._resolved:
            self._resolved[cache_key] = [_entry(key, e) for e in self.book.value(key, org)]
        return self._resolved[cache_key]

    def choices(self, key: VocabularyKey, org: Org | None) -> Choices:
        """(code, label) of the active entries: what a form offers for a case of this unit."""
        return [(e.code, e.display) for e in self.entries(key, org) if e.active]

    def is_offered(self, key: VocabularyKey, code: str, org: Org | None) -> bool:
        return any(e.code == code and e.active for e in self.entries(key, org))

    def filter_choices(self, key: VocabularyKey, org: Org | None, scope: Iterable[int] | None = None) -> Choices:
        """(code, label) for a filter: every entry of the unit's rule, retired ones too (old cases are found
        by them), then the entries that the units of `scope` (ids; None: every unit) set for themselves."""
        choices = {e.code: e.display for e in self.entries(key, org)}
        scope_ids = None if scope is None else set(scope)
        for pk, value in sorted(self.book.set_by(key).items()):
            if scope_ids is None or pk in scope_ids:
                for item in value:
                    choices.setdefault(str(item["code"]), _entry(key, item).display)
        return list(choices.items())

    def groups(self, key: VocabularyKey, orgs: Iterable[Org]) -> list[tuple[list[Entry], list[int] | None]]:
        """The units grouped by the entries they have: [(entries, unit ids)]; one group of every unit (None)
        where no unit sets the key."""
        if not self.book.is_set_anywhere(key):
            return [(self.entries(key, None), None)]
        found: dict[tuple[Entry, ...], list[int]] = {}
        for org in orgs:
            found.setdefault(tuple(self.entries(key, org)), []).append(org.pk)
        return [(list(entries), ids) for entries, ids in found.items()]

    # ------------------------------------------------------------ what a code is called

    def entry(self, key: VocabularyKey, code: str, org: Org | None = None) -> Entry | None:
        """The entry of `code` in the unit's rule; else in any unit's rule or the default (a code retired, or
        of another unit's rules); None for a code that no rule knows."""
        for entry in self.entries(key, org):
            if entry.code == code:
                return entry
        return self._any(key).get(code)

    def label(self, key: VocabularyKey, code: str, org: Org | None = None) -> str:
        """What a page shows for `code` (the code itself where no rule knows it)."""
        entry = self.entry(key, code, org)
        if entry is not None:
            return entry.display
        if key == CATEGORIES:
            row = self.category_rows().get(code)
            return row.name if row is not None else code
        return code

    def written_label(self, key: VocabularyKey, code: str, org: Org | None = None) -> str:
        """The rule's own word for `code`, as a workbook writes it."""
        entry = self.entry(key, code, org)
        if entry is not None:
            return entry.label
        return self.label(key, code, org)

    def _any(self, key: str) -> dict[str, Entry]:
        if key not in self._known:
            defaults = DEFAULT_SOURCES if key == SOURCES else DEFAULT_CATEGORIES
            known = {str(e["code"]): _entry(key, e) for e in defaults}
            for _pk, value in sorted(self.book.set_by(key).items()):
                for item in value:
                    known.setdefault(str(item["code"]), _entry(key, item))
            self._known[key] = known
        return self._known[key]

    # ------------------------------------------------------------ cases

    def source_label(self, case: Case) -> str:
        return self.label(SOURCES, case.source, case.handling_org)

    def category_code(self, category_id: int | None) -> str | None:
        if category_id is None:
            return None
        if self._category_codes is None:
            self._category_codes = {c.pk: c.code for c in self.category_rows().values()}
        return self._category_codes.get(category_id)

    def category_label(self, case: Case) -> str:
        """The label of the case's category ("" for none); the category rows are read once, not per case."""
        code = self.category_code(case.category_id)
        return self.label(CATEGORIES, code, case.handling_org) if code is not None else ""

    def category_rows(self) -> dict[str, Category]:
        """Every category row by its code (one query, once)."""
        if self._categories is None:
            self._categories = {c.code: c for c in Category.objects.all()}
        return self._categories

    def category(self, code: str) -> Category:
        """The row a case points to for `code` (made from its label if a rule's code has none yet)."""
        row = self.category_rows().get(code)
        if row is None:
            row, _created = Category.objects.get_or_create(code=code, defaults={"name": self.label(CATEGORIES, code)})
            self.category_rows()[code] = row
            if self._category_codes is not None:
                self._category_codes[row.pk] = code
        return row


# ---------------------------------------------------------------- for one unit

def source_choices(org: Org | None, book: RuleBook | None = None) -> Choices:
    """The sources offered for a case of `org` (or a campaign organised by it): active, in the rule's order."""
    return Vocabulary(book).choices(SOURCES, org)


def category_choices(org: Org | None, book: RuleBook | None = None) -> Choices:
    return Vocabulary(book).choices(CATEGORIES, org)


def source_label(code: str, org: Org | None = None, book: RuleBook | None = None) -> str:
    return Vocabulary(book).label(SOURCES, code, org)


def category_label(code: str, org: Org | None = None, book: RuleBook | None = None) -> str:
    return Vocabulary(book).label(CATEGORIES, code, org)
