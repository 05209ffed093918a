"""Lifecycle pages and actions in the access matrix."""

import datetime as dt

from tests.access import CASE_USERS, Route, foreign_case, own_case

TODAY = str(dt.date.today())
# Who may ask for closure, record a new petition or a follow-up visit (unit staff, unit leaders,
# committee staff); who may propose a termination (the units only); who runs sample checks.
REQUESTERS = frozenset({"committee", "court", "court_a", "court_b", "police", "outsider", "province", "court_a_lead"})
PROPOSERS = frozenset({"court", "court_a", "court_b", "police", "outsider", "court_a_lead"})
CHECKERS = frozenset({"committee", "committee_lead", "province"})
# Who decides the unit leader's step of a closure of their own unit's case (the world has one in every unit).
DECIDERS = frozenset({"court_a_lead", "committee_lead"})


def _own_code(world, account):  # type: ignore[no-untyped-def]
    return world["users"][account].org.code


def _foreign_code(world, account):  # type: ignore[no-untyped-def]
    if account == "province":
        return None
    return "QH-QY-FY" if account == "outsider" else "BY-ZY"


def own_proceeding(world, account):  # type: ignore[no-untyped-def]
    return {"pk": world["proceedings"][_own_code(world, account)].pk}


def foreign_proceeding(world, account):  # type: ignore[no-untyped-def]
    code = _foreign_code(world, account)
    return code and {"pk": world["proceedings"][code].pk}


def own_closed_case(world, account):  # type: ignore[no-untyped-def]
    return {"pk": world["closed_cases"][_own_code(world, account)].pk}


def foreign_closed_case(world, account):  # type: ignore[no-untyped-def]
    code = _foreign_code(world, account)
    return code and {"pk": world["closed_cases"][code].pk}


def own_visit(world, account):  # type: ignore[no-untyped-def]
    return {"pk": world["visits"][_own_code(world, account)].pk}


def foreign_visit(world, account):  # type: ignore[no-untyped-def]
    code = _foreign_code(world, account)
    return code and {"pk": world["visits"][code].pk}


def own_sample_check(world, account):  # type: ignore[no-untyped-def]
    return {"pk": world["sample_checks"]["BY-ZY" if account == "outsider" else "QH-QY-FY"].pk}


def foreign_sample_check(world, account):  # type: ignore[no-untyped-def]
    if account == "province":
        return None
    return {"pk": world["sample_checks"]["QH-QY-FY" if account == "outsider" else "BY-ZY"].pk}


ROUTES = [
    Route("lifecycle:approvals", CASE_USERS),
    Route("lifecycle:closure", REQUESTERS, own_case, foreign_case),
    Route("lifecycle:closure", REQUESTERS, own_case, foreign_case, method="post",
          data={"method": "written_pledge", "concluded_on": TODAY, "note": "已签署保证书"},
          goes_to=frozenset({"ledger:detail"})),
    Route("lifecycle:termination", PROPOSERS, own_case, foreign_case),
    Route("lifecycle:termination", PROPOSERS, own_case, foreign_case, method="post", data={"note": "依法终结"},
          goes_to=frozenset({"ledger:detail"})),
    # Only the leader of the handling unit decides a closure waiting for the unit's approval: a court's leader,
    # and for the city committee's own case the committee's leader (lifecycle/policy.py, check_decider).
    Route("lifecycle:decide", DECIDERS, own_proceeding, foreign_proceeding),
    Route("lifecycle:decide", DECIDERS, own_proceeding, foreign_proceeding, method="post",
          data={"step": "unit_leader", "decision": "return", "opinion": "证据不足", "decided_on": TODAY},
          goes_to=frozenset({"ledger:detail"})),
    # The handling unit's own staff withdraw its pending request (committee staff only for the committee's own).
    Route("lifecycle:withdraw", REQUESTERS, own_proceeding, foreign_proceeding),
    Route("lifecycle:withdraw", REQUESTERS, own_proceeding, foreign_proceeding, method="post",
          data={"reason": "证据有误，重新报结"}, goes_to=frozenset({"ledger:detail"})),
    Route("lifecycle:reopen", REQUESTERS, own_closed_case, foreign_closed_case),
    Route("lifecycle:reopen", REQUESTERS, own_closed_case, foreign_closed_case, method="post",
          data={"petitioned_on": TODAY, "description": "赴省上访"}, goes_to=frozenset({"ledger:detail"})),
    Route("lifecycle:follow_ups", REQUESTERS),
    Route("lifecycle:follow_up", REQUESTERS, own_visit, foreign_visit),
    Route("lifecycle:sample_checks", CHECKERS),
    Route("lifecycle:sample_checks", CHECKERS, method="post", data={"percent": "50", "closed_by": TODAY},
          goes_to=frozenset({"lifecycle:sample_check"})),
    Route("lifecycle:sample_check", CHECKERS, own_sample_check, foreign_sample_check),
]


def _api(kwargs_for, key):  # type: ignore[no-untyped-def]
    return lambda w, a: (lambda k: k and {key: k["pk"]})(kwargs_for(w, a))


def own_attachment_ids(world, account):  # type: ignore[no-untyped-def]
    return [world["attachments"][own_case(world, account)["pk"]].pk]


ROUTES += [
    Route("api:case_proceedings", CASE_USERS, _api(own_case, "case_id"), _api(foreign_case, "case_id")),
    Route("api:pending_approvals", CASE_USERS),
    Route("api:request_closure", REQUESTERS, _api(own_case, "case_id"), _api(foreign_case, "case_id"),
          method="post", json=True, data={"method": "other", "concluded_on": TODAY, "evidence": []}),
    Route("api:propose_termination", PROPOSERS, _api(own_case, "case_id"), _api(foreign_case, "case_id"),
          method="post", json=True, data={"note": "依法终结"}),
    Route("api:decide", DECIDERS, _api(own_proceeding, "proceeding_id"),
          _api(foreign_proceeding, "proceeding_id"), method="post", json=True,
          data={"step": "unit_leader", "approve": True}),
    Route("api:reopen", REQUESTERS, _api(own_closed_case, "case_id"), _api(foreign_closed_case, "case_id"),
          method="post", json=True, data={"petitioned_on": TODAY, "description": "赴省上访"}),
    Route("api:record_follow_up", REQUESTERS, _api(own_visit, "follow_up_id"), _api(foreign_visit, "follow_up_id"),
          method="post", json=True, data={"done_on": TODAY, "result": "stable", "satisfaction": "satisfied"}),
]
