"""统计分析 in the access matrix."""

import re

from tests.access import CAMPAIGNS_IN_SCOPE, CASE_USERS, Listing, Route

ROUTES = [
    Route("reports:summary", CASE_USERS),
    Route("reports:download", CASE_USERS, in_scope=lambda w, a: {"fmt": "xlsx"}),
]


def campaign_choices(client, url):  # type: ignore[no-untyped-def]
    """The campaigns the report form offers (the options of its campaign field, less the empty one)."""
    body = client.get(url).content.decode()
    select = re.search(r'<select name="campaign".*?</select>', body, re.S)
    assert select, "the report form has no campaign field"
    return set(re.findall(r'<option value="([^"]+)"', select.group(0)))


# A campaign the user can see is one they can report on.
LISTINGS = [Listing("reports:summary", CASE_USERS, campaign_choices,
                    lambda world, account: set(CAMPAIGNS_IN_SCOPE[account]))]
