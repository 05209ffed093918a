"""Demo file reviews: the underlying matters of the closed demo cases, graded as a review team would."""

import datetime as dt

from django.utils import timezone

from qingji.ledger.models import CLOSED_STATUSES, UnderlyingMatter
from qingji.reviews.models import AccountabilityAction, QualityReview

FINDINGS = {1: "", 2: "卷宗装订不规范，个别送达回证缺失。", 3: "原审认定事实不清，执行程序违法，引发当事人长期信访。"}


def load() -> None:
    today = timezone.localdate()
    matters = UnderlyingMatter.objects.filter(case__status__in=CLOSED_STATUSES).order_by("id")
    for index, matter in enumerate(matters):
        grade = 3 if index % 13 == 0 else 2 if index % 4 == 0 else 1
        review = QualityReview.objects.create(matter=matter, grade=grade, findings=FINDINGS[grade],
                                              reviewed_on=today - dt.timedelta(days=10 + index))
        if grade == 3:
            AccountabilityAction.objects.create(review=review, kind="notice", person="原承办法官",
                                                date=review.reviewed_on)
