"""django-axes' lockout check as the first authentication backend."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-ins of locked-out usernames. Signing in without a request (the test client's
    `login`, management commands) cannot be attributed to a client, so it is not counted here;
    every sign-in through the web has a request."""

    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[no-untyped-def]
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
