"""The JSON API in the access matrix: same scope and roles as the pages (anonymous: 401)."""

import datetime as dt

from tests.access import (
    ALL_ACCOUNTS,
    CASE_USERS,
    STAFF,
    UNITS_IN_SCOPE,
    Listing,
    Route,
    cases_of,
    foreign_case,
    own_case,
)

WORK = {"kind": "reception", "date": str(dt.date.today()), "content": "接待信访人"}

ROUTES = [
    Route("api:list_orgs", ALL_ACCOUNTS),
    Route("api:list_cases", CASE_USERS),
    Route("api:get_case", CASE_USERS, in_scope=lambda w, a: {"case_id": own_case(w, a)["pk"]},
          out_of_scope=lambda w, a: (lambda k: k and {"case_id": k["pk"]})(foreign_case(w, a))),
    Route("api:add_work_log", STAFF | {"court_a_lead"}, in_scope=lambda w, a: {"case_id": own_case(w, a)["pk"]},
          out_of_scope=lambda w, a: (lambda k: k and {"case_id": k["pk"]})(foreign_case(w, a)),
          method="post", data=WORK, json=True),
    Route("api:report_summary", CASE_USERS),
    Route("api:openapi-json", ALL_ACCOUNTS),
    Route("api:openapi-view", ALL_ACCOUNTS),
]



def api_cases(client, url):  # type: ignore[no-untyped-def]
    shown: set[str] = set()
    page = 1
    while True:
        answer = client.get(url, {"page": page, "page_size": 200}).json()
        shown |= {str(c["id"]) for c in answer["results"]}
        if page * 200 >= answer["count"]:
            return shown
        page += 1


LISTINGS = [
    Listing("api:list_cases", CASE_USERS, api_cases, cases_of),
    Listing("api:list_orgs", ALL_ACCOUNTS, lambda client, url: {o["code"] for o in client.get(url).json()},
            lambda world, account: set(UNITS_IN_SCOPE[account])),
]
