"""The figures of the city court system's year-end summary (seeds/000, 2012), rebuilt through the services."""

import datetime as dt
import itertools

from qingji.ledger.models import CaseStatus, SettlementMethod, Source, UnderlyingMatter
from qingji.reviews.models import AccountabilityAction, QualityReview
from tests.ledger.factories import make_case

PLEDGE, TERMINATED, OTHER = SettlementMethod.WRITTEN_PLEDGE, SettlementMethod.TERMINATED, SettlementMethod.OTHER
# source, key supervision, (written pledge, terminated, other)
SEED_40 = [
    (Source.PROVINCIAL_COMMITTEE, "省委政法委", (3, 5, 1)),
    (Source.CITY_COMMITTEE, "市委政法委", (4, 2, 0)),
    (Source.SELF_IDENTIFIED, "", (8, 16, 1)),  # 「自排的25件」
]


def build_seed_40(units) -> list:  # type: ignore[no-untyped-def]
    """40 cases of the basic and intermediate courts, all settled by the end of April 2012."""
    courts = itertools.cycle([units["QH-ZY"], units["QH-QY-FY"], units["QH-HY-FY"], units["QH-AP-FY"]])
    cases, day = [], itertools.count()
    for source, key, counts in SEED_40:
        for method, count in zip((PLEDGE, TERMINATED, OTHER), counts, strict=True):
            for _ in range(count):
                offset = next(day)
                cases.append(make_case(
                    next(courts), name=f"信访人{offset:02d}", source=source, key_supervision=key,
                    registered_on=dt.date(2012, 1, 5) + dt.timedelta(days=offset % 20),
                    status=CaseStatus.CLOSED_SETTLED, method=method,
                    closed_on=dt.date(2012, 2, 10) + dt.timedelta(days=offset),
                ))
    return cases


def build_seed_reviews(cases) -> None:  # type: ignore[no-untyped-def]
    """69 underlying matters of the 40 cases reviewed: 52 grade 1, 15 grade 2, 2 grade 3; 2 accountable."""
    grades = [1] * 52 + [2] * 15 + [3] * 2
    for index, grade in enumerate(grades):
        case = cases[index % len(cases)]
        matter = UnderlyingMatter.objects.create(case=case, docket_number=f"(2010)凉民初字第{index + 1}号")
        review = QualityReview.objects.create(matter=matter, grade=grade, reviewed_on=dt.date(2012, 4, 20))
        if grade == 3:
            AccountabilityAction.objects.create(review=review, kind="warning", person="办案人员")
