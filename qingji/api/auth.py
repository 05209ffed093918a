"""API authentication: the browser session (with CSRF) or a bearer token."""

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from qingji.accounts.models import User
from qingji.api.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (ApiToken.objects.select_related("user", "user__org")
                 .filter(token_hash=hash_token(token), revoked=False, user__is_active=True).first())
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


AUTH = [TokenAuth(), django_auth]
