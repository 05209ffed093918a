"""Paging the ledger without counting a province's million cases on every page.

The page says how many cases match exactly up to COUNT_CAP; beyond that it says "more than
10,000 cases" and pages on with Previous / Next (a capped count reads at most COUNT_CAP + 1 index
entries instead of every case in scope). Only what ledger/_table.html uses of Django's paginator.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

COUNT_CAP = 10_000


@dataclass
class CappedPaginator:
    count: int
    capped: bool
    per_page: int

    @property
    def num_pages(self) -> int | None:
        """None when the count is capped: the number of pages is not known."""
        return None if self.capped else max(1, math.ceil(self.count / self.per_page))


@dataclass
class CappedPage:
    object_list: list[Any]
    number: int
    paginator: CappedPaginator
    _has_next: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(text: object) -> int:
    try:
        return max(1, int(str(text)))
    except (TypeError, ValueError):
        return 1


def capped_page(queryset: QuerySet[Any], number_text: object, per_page: int,
                cap: int | None = None) -> CappedPage:
    """Page `number_text` of `queryset` (ordered). A page past the end shows the last page, as
    Django's Paginator.get_page does."""
    cap = COUNT_CAP if cap is None else cap
    number = page_number(number_text)
    found = queryset.order_by().values("pk")[: cap + 1].count()
    if found <= cap:
        return _exact(queryset, number, per_page, found)
    start = (number - 1) * per_page
    rows = list(queryset[start:start + per_page + 1])
    if not rows and number > 1:
        return _exact(queryset, number, per_page, queryset.count())
    return CappedPage(rows[:per_page], number, CappedPaginator(cap, True, per_page), len(rows) > per_page)


def _exact(queryset: QuerySet[Any], number: int, per_page: int, count: int) -> CappedPage:
    paginator = CappedPaginator(count, False, per_page)
    pages = paginator.num_pages or 1
    number = min(number, pages)
    start = (number - 1) * per_page
    return CappedPage(list(queryset[start:start + per_page]), number, paginator, number < pages)
