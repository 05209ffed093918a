"""django-axes' lockout check as the first authentication backend."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest

from qingji.accounts.models import User


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-ins of locked-out usernames. Signing in without a request (the test client's
    `login`, management commands) cannot be attributed to a client, so it is not counted here;
    every sign-in through the web has a request."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> User | None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
