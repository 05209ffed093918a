"""The request of a signed-in user, for type checking: views behind `login_required` (and the API's
token or session authentication) annotate `request: AuthedRequest`, so `request.user` is a `User`
rather than Django's `User | AnonymousUser`, and `request.htmx` is django-htmx's (its middleware runs
for every request)."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from qingji.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
