"""The campaign endpoints of the JSON API give the page's figures and the frozen bulletins."""

import datetime as dt
import json

from django.urls import reverse

from tests.campaigns.helpers import apply, make_campaign, screening, settle

D = dt.date


def test_it_gives_progress_and_issues_a_bulletin(city, users, client, login):
    cases = screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    settle(cases["QH-ZY"][0], D(2012, 1, 20))
    login(users["committee"])
    progress = client.get(reverse("api:campaign_progress", args=[campaign.code]), {"as_of": "2012-02-01"}).json()
    assert progress["summary"]["total"] == 16 and progress["needed_for_next"] == 13
    assert progress["milestones"][0] == {"month": 3, "date": "2012-01-31", "target": "65", "actual": "6.3",
                                         "met": False}
    response = client.post(reverse("api:issue_bulletin", args=[campaign.code]),
                           json.dumps({"as_of": "2012-01-31", "cadence": "weekly"}), content_type="application/json")
    assert response.status_code == 201 and response.json()["rows"][0]["org"] == "QH-ZY"
    again = client.post(reverse("api:issue_bulletin", args=[campaign.code]), json.dumps({"as_of": "2012-01-31"}),
                        content_type="application/json")
    assert again.status_code == 400
    frozen = client.get(reverse("api:get_bulletin", args=[campaign.code, 1])).json()
    assert frozen["number"] == 1 and frozen["as_of"] == "2012-01-31"
    login(users["outsider"])
    assert client.get(reverse("api:get_bulletin", args=[campaign.code, 1])).status_code == 404
