"""统计分析 in the access matrix."""

from tests.access import CASE_USERS, Route

ROUTES = [
    Route("reports:summary", CASE_USERS),
    Route("reports:download", CASE_USERS, in_scope=lambda w, a: {"fmt": "xlsx"}),
]
