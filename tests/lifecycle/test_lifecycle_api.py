"""The lifecycle through the JSON API: same services, scope and messages as the pages."""

import json

from qingji.ledger.services import attachment_add
from tests.lifecycle.helpers import case_in_progress, days_ago, pledge


def post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


def test_closure_request_and_decisions_over_the_api(client, login, users, city):
    case = case_in_progress(city["QH-QY-FY"])
    evidence = attachment_add(actor=users["court_a"], case=case, uploaded=pledge(), kind="pledge")
    login(users["court_a"])
    refused = post(client, f"/api/v1/cases/{case.pk}/closure",
                   {"method": "written_pledge", "concluded_on": days_ago(2).isoformat(), "evidence": []})
    assert refused.status_code == 400 and "evidence" in refused.json()["errors"]
    created = post(client, f"/api/v1/cases/{case.pk}/closure",
                   {"method": "written_pledge", "concluded_on": days_ago(2).isoformat(), "evidence": [evidence.pk]})
    assert created.status_code == 201
    proceeding = created.json()
    assert proceeding["current_step"] == "unit_leader" and proceeding["evidence"] == [evidence.pk]

    login(users["court_a_lead"])
    assert [p["id"] for p in client.get("/api/v1/approvals").json()] == [proceeding["id"]]
    decided = post(client, f"/api/v1/proceedings/{proceeding['id']}/decision", {"step": "unit_leader",
                                                                                "approve": True})
    assert decided.status_code == 200 and decided.json()["current_step"] == "committee"
    again = post(client, f"/api/v1/proceedings/{proceeding['id']}/decision", {"step": "unit_leader",
                                                                              "approve": True})
    assert again.status_code == 400  # already decided: refused, not applied twice

    login(users["outsider"])
    assert client.get(f"/api/v1/cases/{case.pk}/proceedings").status_code == 404
