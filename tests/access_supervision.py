"""督查督办 pages in the access matrix."""

import datetime as dt

from tests.access import CASE_USERS, Route, foreign_case, own_case

SENDERS = frozenset({"committee", "committee_lead", "court_a_lead", "province"})
RESPONDERS = frozenset({"court", "court_a", "court_b", "court_a_lead", "police", "outsider"})
TODAY = str(dt.date.today())


def reminder(world, account):  # type: ignore[no-untyped-def]
    return {"pk": world["reminders"][world["users"][account].org.code].pk}


def foreign_reminder(world, account):  # type: ignore[no-untyped-def]
    if account == "province":
        return None
    return {"pk": world["reminders"]["QH-QY-FY" if account == "outsider" else "BY-ZY"].pk}


def order(world, account):  # type: ignore[no-untyped-def]
    return {"pk": world["rectifications"][world["users"][account].org.code].pk}


def foreign_order(world, account):  # type: ignore[no-untyped-def]
    if account == "province":
        return None
    return {"pk": world["rectifications"]["QH-QY-FY" if account == "outsider" else "BY-ZY"].pk}


def notice(world, account):  # type: ignore[no-untyped-def]
    return {"pk": world["notifications"][account].pk}


def foreign_notice(world, account):  # type: ignore[no-untyped-def]
    return {"pk": world["notifications"]["court" if account == "committee" else "committee"].pk}


def case_kwargs(world, account):  # type: ignore[no-untyped-def]
    return {"case_pk": own_case(world, account)["pk"]}


def foreign_case_kwargs(world, account):  # type: ignore[no-untyped-def]
    found = foreign_case(world, account)
    return found and {"case_pk": found["pk"]}


ROUTES = [
    Route("supervision:deadlines", CASE_USERS),
    Route("supervision:reminders", CASE_USERS),
    Route("supervision:reminder_create", SENDERS, case_kwargs, foreign_case_kwargs),
    Route("supervision:reminder", CASE_USERS, reminder, foreign_reminder),
    Route("supervision:reminder_respond", RESPONDERS, reminder, foreign_reminder, method="post",
          data={"responded_on": TODAY, "response": "已加快办理"}, goes_to=frozenset({"supervision:reminder"})),
    Route("supervision:reminder_letter", CASE_USERS, reminder, foreign_reminder),
    Route("supervision:rectifications", CASE_USERS),
    Route("supervision:rectification_close", SENDERS, order, foreign_order, method="post",
          data={"closed_on": TODAY, "closure_note": "已补全"}, goes_to=frozenset({"supervision:rectifications"})),
    Route("supervision:notifications", CASE_USERS),
    Route("supervision:notification_read", CASE_USERS, notice, foreign_notice, method="post",
          goes_to=frozenset({"supervision:notifications"})),
    Route("supervision:run_scan", frozenset({"committee", "province"}), method="post",
          goes_to=frozenset({"supervision:notifications"})),
]
