from django.urls import reverse

from qingji.audit.models import AuditEntry
from tests.conftest import PASSWORD


def test_it_signs_in_and_audits_it(client, users):
    response = client.post(reverse("web:login"), {"username": "court_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("web:dashboard")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor_name) == ("auth.login", "court_a")


def test_it_audits_a_failed_sign_in_and_says_why_in_chinese(client, users):
    response = client.post(reverse("web:login"), {"username": "court_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "正确" in response.content.decode()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_repr) == ("auth.login_failed", "court_a")


def test_it_signs_out_with_a_post_and_audits_it(client, users):
    client.force_login(users["court_a"])
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert AuditEntry.objects.order_by("-seq").first().action == "auth.logout"
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_it_sends_anonymous_visitors_to_the_sign_in_page(client, db):
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
