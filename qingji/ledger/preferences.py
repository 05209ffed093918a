"""A user's own display choices on the ledger page (read by `selectors.ledger_columns`)."""

from collections.abc import Iterable

from django.db import transaction

from qingji.accounts.models import User
from qingji.ledger.models import LEDGER_COLUMNS, LedgerPreference


@transaction.atomic
def ledger_preference_set(*, user: User, columns: Iterable[str]) -> LedgerPreference:
    """Remember the ledger columns the user chose, in their order; unknown names are dropped. Not audited:
    it changes what one account's page shows, no record."""
    chosen = [c for c in columns if c in LEDGER_COLUMNS]
    preference, _created = LedgerPreference.objects.update_or_create(user=user, defaults={"columns": chosen})
    return preference
