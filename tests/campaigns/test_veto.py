"""一票否决 from the assessment page: only a unit the campaign rates, found in the committee's own scope."""

from django.urls import reverse

from qingji.campaigns.models import AssessmentVeto
from tests.campaigns.helpers import apply, make_campaign, screening


def test_a_veto_for_a_unit_without_a_case_in_the_campaign_is_refused_with_the_reason(city, users, client, login):
    screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    login(users["committee"])
    response = client.post(reverse("campaigns:veto", args=[campaign.code]), {"org": "QH-GAJ", "reason": "发生进京非访"},
                           follow=True)
    assert not AssessmentVeto.objects.exists()
    assert "清河市公安局在本专项活动中没有案件" in response.content.decode()


def test_a_veto_for_a_unit_outside_the_committee_s_scope_is_404(city, users, client, login):
    campaign = make_campaign(city)
    login(users["committee"])
    for code in ("BY-ZY", "NO-SUCH"):
        response = client.post(reverse("campaigns:veto", args=[campaign.code]), {"org": code, "reason": "x"})
        assert response.status_code == 404
    assert not AssessmentVeto.objects.exists()
