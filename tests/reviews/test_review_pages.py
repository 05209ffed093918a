"""案件评查 on the web: matters, grades, accountability, and the summary figures they feed."""

import datetime as dt

from qingji.audit.models import AuditEntry
from qingji.ledger.models import CaseStatus
from qingji.reports.selectors import summary
from qingji.reviews.models import QualityReview
from tests.ledger.factories import make_case

TODAY = dt.date.today()


def test_a_reviewer_grades_a_matter_and_records_accountability(client, login, users, city):
    case = make_case(city["QH-QY-FY"], status=CaseStatus.IN_PROGRESS, docket_numbers=["(2010)清民初字第123号"])
    matter = case.matters.get()
    login(users["court_a"])
    response = client.post(f"/reviews/cases/{case.pk}/matters/", {"docket_number": "(2011)清民终字第45号",
                                                                  "stage": "appeal", "org": city["QH-ZY"].pk})
    assert response.status_code == 302
    dockets = list(case.matters.values_list("docket_number", flat=True))
    assert dockets == ["(2010)清民初字第123号", "(2011)清民终字第45号"]

    login(users["reviewer"])
    refused = client.post(f"/reviews/matters/{matter.pk}/", {"grade": "3", "reviewed_on": TODAY})
    assert "请说明三类卷宗存在的问题" in refused.content.decode()
    assert not QualityReview.objects.exists()
    client.post(f"/reviews/matters/{matter.pk}/", {"grade": "3", "findings": "原审认定事实不清", "reviewed_on": TODAY})
    client.post(f"/reviews/matters/{matter.pk}/actions/", {"kind": "notice", "person": "原承办法官", "date": TODAY})
    page = client.get(f"/reviews/cases/{case.pk}/").content.decode()
    assert "三类" in page and "原审认定事实不清" in page and "原承办法官" in page

    figures = summary(as_of=TODAY)["reviews"]
    assert figures["matters"] == 1 and figures["grades"]["3"]["count"] == 1
    assert figures["accountability"] == {"matters": 1, "share": "100.0"}
    assert AuditEntry.objects.filter(action__in=["review.record", "review.accountability"]).count() == 2
    # The case page shows the grade in its reviews card.
    assert "三类" in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_unit_cannot_grade_its_own_files(client, login, users, city):
    case = make_case(city["QH-QY-FY"], docket_numbers=["(2010)清民初字第1号"])
    login(users["court_a"])
    response = client.post(f"/reviews/matters/{case.matters.get().pk}/", {"grade": "1", "reviewed_on": TODAY})
    assert response.status_code == 403
    assert not QualityReview.objects.exists()
