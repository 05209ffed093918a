"""案件评查 pages in the access matrix."""

import datetime as dt

from tests.access import CASE_USERS, Route, foreign_case, own_case

TODAY = str(dt.date.today())
REVIEWERS = frozenset({"reviewer", "committee", "province"})
# Adding an underlying matter: reviewers and whoever may edit the case.
MATTER_EDITORS = REVIEWERS | {"court", "court_a", "court_b", "police", "outsider", "court_a_lead"}


def own_matter(world, account):  # type: ignore[no-untyped-def]
    return {"pk": world["matters"][world["users"][account].org.code].pk}


def foreign_matter(world, account):  # type: ignore[no-untyped-def]
    target = foreign_case(world, account)
    return target and {"pk": next(m.pk for m in world["matters"].values() if m.case_id == target["pk"])}


ROUTES = [
    Route("reviews:case", CASE_USERS, own_case, foreign_case),
    Route("reviews:add_matter", MATTER_EDITORS, own_case, foreign_case, method="post",
          data={"docket_number": "(2012)清执字第7号", "stage": "enforcement"}, goes_to=frozenset({"reviews:case"})),
    Route("reviews:record", REVIEWERS, own_matter, foreign_matter, method="post",
          data={"grade": "3", "findings": "执行程序违法", "reviewed_on": TODAY}, goes_to=frozenset({"reviews:case"})),
    Route("reviews:add_action", REVIEWERS, own_matter, foreign_matter, method="post",
          data={"kind": "notice", "person": "原承办法官", "date": TODAY}, goes_to=frozenset({"reviews:case"})),
]
