from django.db import transaction

from qingji.accounts.models import User
from qingji.api.models import ApiToken, hash_token
from qingji.audit.services import audit_log


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is kept."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(user=user, name=name, token_hash=hash_token(secret))
    audit_log(actor=actor, action="api.token_create", obj=token, after={"user": user.username, "name": name})
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    audit_log(actor=actor, action="api.token_revoke", obj=token)
