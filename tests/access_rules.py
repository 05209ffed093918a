"""地方规则设置 in the access matrix: every case role reads the rules in force for its unit (the three administrator
roles are refused, as on the other case pages); only the owners of a rule set change it: committee staff and
leaders their committee's, a unit's leader the unit's own (the basic court's leader here)."""

from tests.access import CASE_USERS, Route

EDITORS = frozenset({"committee", "committee_lead", "province", "court_a_lead"})

ROUTES = [
    Route("rules:page", CASE_USERS),
    # Each editor sets a rule of its own unit; the second one of the same committee finds it set already and
    # gets the form back with that reason (200), which is not a refusal.
    Route("rules:change", EDITORS, method="post",
          data={"key": "deadline.due_soon_days", "value": "9", "reason": "访问矩阵", "action": "set"},
          goes_to=frozenset({"rules:page"})),
    Route("api:rules_in_force", CASE_USERS),
]
