"""专项活动 pages in the access matrix."""

import datetime as dt

from tests.access import CAMPAIGNS_IN_SCOPE, CASE_USERS, Listing, Route, linked

# campaign.manage is also a unit leader's, for a campaign its own unit runs: court_a_lead's basic court has no
# units under it and runs none, and QH-C is not its to run.
MANAGERS = frozenset({"committee", "province"})
ISSUERS = MANAGERS | {"committee_lead"}
UNIT_STAFF = frozenset({"court", "court_a", "court_b", "court_a_lead", "police", "outsider"})
TODAY = str(dt.date.today())


def campaign(world, account):  # type: ignore[no-untyped-def]
    return {"code": "BY-C" if account == "outsider" else "QH-C"}


def foreign_campaign(world, account):  # type: ignore[no-untyped-def]
    if account == "province":
        return None
    return {"code": "QH-C" if account == "outsider" else "BY-C"}


def bulletin(world, account):  # type: ignore[no-untyped-def]
    return {**campaign(world, account), "number": 1}


def foreign_bulletin(world, account):  # type: ignore[no-untyped-def]
    found = foreign_campaign(world, account)
    return found and {**found, "number": 1}


def explanation(world, account):  # type: ignore[no-untyped-def]
    code = world["users"][account].org.code
    task = world["explanations"].get(code) or world["explanations"]["QH-ZY"]
    return {"pk": task.pk}


def foreign_explanation(world, account):  # type: ignore[no-untyped-def]
    if account == "province":
        return None
    return {"pk": world["explanations"]["QH-QY-FY" if account == "outsider" else "BY-ZY"].pk}


ROUTES = [
    Route("campaigns:list", CASE_USERS),
    Route("campaigns:create", MANAGERS),
    Route("campaigns:explanations", CASE_USERS),
    Route("campaigns:explanation_submit", UNIT_STAFF, explanation, foreign_explanation, method="post",
          data={"text": "书面说明"}, goes_to=frozenset({"campaigns:explanations"})),
    Route("campaigns:detail", CASE_USERS, campaign, foreign_campaign),
    Route("campaigns:edit", MANAGERS, campaign, foreign_campaign),
    Route("campaigns:leading_group", MANAGERS, campaign, foreign_campaign),
    Route("campaigns:apply_scope", MANAGERS, campaign, foreign_campaign, method="post",
          goes_to=frozenset({"campaigns:detail"})),
    Route("campaigns:add_case", MANAGERS, campaign, foreign_campaign, method="post", data={"ledger_no": "无"},
          goes_to=frozenset({"campaigns:detail"})),
    Route("campaigns:remove_case", MANAGERS, campaign, foreign_campaign, method="post", data={"ledger_no": "无"},
          goes_to=frozenset({"campaigns:detail"})),
    Route("campaigns:issue", ISSUERS, campaign, foreign_campaign, method="post",
          data={"as_of": TODAY, "cadence": "monthly"}, goes_to=frozenset({"campaigns:detail", "campaigns:bulletin"})),
    Route("campaigns:bulletin", CASE_USERS, bulletin, foreign_bulletin),
    Route("campaigns:bulletin_docx", CASE_USERS, bulletin, foreign_bulletin),
    Route("campaigns:assessment", CASE_USERS, campaign, foreign_campaign),
    Route("campaigns:veto", ISSUERS, campaign, foreign_campaign, method="post", data={"org": "QH-ZY", "reason": "x"},
          goes_to=frozenset({"campaigns:assessment"})),
]

ROUTES += [
    Route("api:list_campaigns", CASE_USERS),
    Route("api:campaign_progress", CASE_USERS, campaign, foreign_campaign),
    Route("api:get_bulletin", CASE_USERS, bulletin, foreign_bulletin),
    Route("api:issue_bulletin", ISSUERS, campaign, foreign_campaign, method="post", json=True,
          data={"as_of": TODAY}),
    Route("api:list_notifications", CASE_USERS),
]


LISTINGS = [
    Listing("campaigns:list", CASE_USERS, lambda client, url: linked(client.get(url).content.decode(),
                                                                     "campaigns:detail", "code"),
            lambda world, account: set(CAMPAIGNS_IN_SCOPE[account])),
    Listing("api:list_campaigns", CASE_USERS, lambda client, url: {c["code"] for c in client.get(url).json()},
            lambda world, account: set(CAMPAIGNS_IN_SCOPE[account])),
]
