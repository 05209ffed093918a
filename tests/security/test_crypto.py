import base64

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qingji.ledger.models import Petitioner
from qingji.lib import crypto

KEY1 = base64.b64encode(b"1" * 32).decode()
KEY2 = base64.b64encode(b"2" * 32).decode()


def _raw(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM ledger_petitioner WHERE id = %s", [pk])
        return cursor.fetchone()


def test_it_seals_and_opens_and_passes_clear_values_through(settings) -> None:
    settings.QINGJI_PII_KEY = KEY1
    sealed = crypto.seal_value("620102199001011234")
    assert sealed.startswith("enc1:") and "620102" not in sealed
    assert crypto.open_value(sealed) == "620102199001011234"
    assert crypto.open_value("13812345678") == "13812345678"


@pytest.mark.django_db
def test_it_stores_id_numbers_encrypted_and_rotates_the_key(settings) -> None:
    settings.QINGJI_PII_KEY = KEY1
    person = Petitioner.objects.create(name="张三", id_number="620102199001011234", phone="13812345678")
    stored_id, stored_phone = _raw(person.pk)
    assert stored_id.startswith("enc1:") and stored_phone.startswith("enc1:")
    assert Petitioner.objects.get(pk=person.pk).id_number == "620102199001011234"

    call_command("pii", "rotate-key", "--old-key", KEY1, "--new-key", KEY2)
    settings.QINGJI_PII_KEY = KEY2
    assert _raw(person.pk)[0] != stored_id
    assert Petitioner.objects.get(pk=person.pk).phone == "13812345678"

    with pytest.raises(CommandError):
        call_command("pii", "rotate-key", "--old-key", KEY1, "--new-key", KEY2)
