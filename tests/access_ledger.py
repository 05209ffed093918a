"""Ledger pages in the access matrix."""

import datetime as dt

from tests.access import CASE_USERS, STAFF, Listing, Route, cases_of, foreign_case, linked, own_case

EDITORS = STAFF | {"court_a_lead"}
ASSIGNERS = EDITORS | {"committee_lead"}
WORK = {"kind": "reception", "date": str(dt.date.today()), "content": "接待信访人"}


def attachment(world, account):  # type: ignore[no-untyped-def]
    case = world["cases"][world["users"][account].org.code]
    return {"pk": case.pk, "attachment_id": world["attachments"][case.pk].pk}


def foreign_attachment(world, account):  # type: ignore[no-untyped-def]
    target = foreign_case(world, account)
    return target and {"pk": target["pk"], "attachment_id": world["attachments"][target["pk"]].pk}


ROUTES = [
    Route("ledger:list", CASE_USERS),
    Route("ledger:columns", CASE_USERS, method="post", data={"columns": ["ledger_no"]},
          goes_to=frozenset({"ledger:list"})),
    Route("ledger:create", EDITORS),
    Route("ledger:petitioner_search", EDITORS),
    Route("ledger:responsibility", CASE_USERS),
    Route("ledger:detail", CASE_USERS, own_case, foreign_case),
    Route("ledger:edit", EDITORS, own_case, foreign_case),
    Route("ledger:assign", ASSIGNERS, own_case, foreign_case),
    Route("ledger:add_work_log", EDITORS, own_case, foreign_case, method="post", data=WORK,
          goes_to=frozenset({"ledger:detail"})),
    Route("ledger:add_aid", EDITORS, own_case, foreign_case, method="post",
          data={"amount": "1000", "date": str(dt.date.today()), "payer": "aid_fund"},
          goes_to=frozenset({"ledger:detail"})),
    Route("ledger:add_attachment", EDITORS, own_case, foreign_case, method="post", data={"kind": "other"},
          goes_to=frozenset({"ledger:detail"})),
    Route("ledger:attachment", CASE_USERS, attachment, foreign_attachment),
]


def ledger_rows(client, url):  # type: ignore[no-untyped-def]
    """The cases the ledger links to, page after page."""
    shown: set[str] = set()
    page = 1
    while True:
        body = client.get(url, {"page": page}).content.decode()
        shown |= linked(body, "ledger:detail", "pk")
        if f"page={page + 1}" not in body:
            return shown
        page += 1


LISTINGS = [Listing("ledger:list", CASE_USERS, ledger_rows, cases_of)]
