import pytest
from django.urls import reverse

from qingji.audit.models import AuditEntry
from qingji.ledger.models import Petitioner
from tests.ledger.factories import make_case

pytestmark = pytest.mark.django_db


def _petitioner(case) -> Petitioner:  # type: ignore[no-untyped-def]
    return case.petitioners.first()


def test_it_shows_the_full_id_number_with_a_reason_and_audits_it(client, users, city, login):
    case = make_case(city["QH-QY-FY"], name="张三")
    person = _petitioner(case)
    person.id_number = "620102199001011234"
    person.save()
    login(users["court_a"])
    refused = client.post(reverse("security:reveal", args=[person.pk]), {"field": "id_number"})
    assert refused.status_code == 400 and "620102199001011234" not in refused.content.decode()
    other = client.post(reverse("security:reveal", args=[person.pk]), {"field": "name", "reason": "核对身份"})
    assert other.status_code == 400 and "只能显示" in other.content.decode()
    shown = client.post(reverse("security:reveal", args=[person.pk]), {"field": "id_number", "reason": "核对身份"})
    assert "620102199001011234" in shown.content.decode()
    entry = AuditEntry.objects.get(action="pii.reveal")
    assert entry.after["reason"] == "核对身份" and entry.actor_name == "court_a"


def test_guessed_ids_answer_404_and_roles_without_the_capability_403(client, users, city, login):
    foreign = _petitioner(make_case(city["BY-ZY"], name="李四"))
    login(users["court_a"])
    for pk in (foreign.pk, foreign.pk + 1000, 999999):
        assert client.post(reverse("security:reveal", args=[pk]), {"reason": "猜测"}).status_code == 404
    own = _petitioner(make_case(city["QH-QY-FY"], name="王五"))
    login(users["reviewer"])
    assert client.post(reverse("security:reveal", args=[own.pk]), {"reason": "x y"}).status_code == 403
    assert client.get(reverse("security:reveal", args=[own.pk])).status_code in (403, 405)
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()
