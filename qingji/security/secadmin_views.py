"""The security administrator's pages: the policy in force, locked accounts (unlock), active sessions
(end one). No case content here."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.accounts.models import User, UserSession
from qingji.accounts.roles import has_capability
from qingji.accounts.services import end_session
from qingji.audit.services import audit_log, client_ip
from qingji.organisations.selectors import visible_orgs
from qingji.security.policy import policy_rows


def _require(request: AuthedRequest) -> None:
    if not has_capability(request.user, "security.manage"):
        raise PermissionDenied


def _usernames_in_scope(user: User) -> set[str]:
    return set(User.objects.filter(org__in=visible_orgs(user)).values_list("username", flat=True))


@login_required
def policy(request: AuthedRequest) -> HttpResponse:
    _require(request)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    scope = _usernames_in_scope(request.user)
    attempts = [a for a in AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")
                if a.username in scope]
    locked = [a for a in attempts if a.failures_since_start >= settings.AXES_FAILURE_LIMIT]
    return render(request, "security/policy.html", {"rows": policy_rows(), "locked": locked,
                                                    "failing": [a for a in attempts if a not in locked]})


@login_required
@require_POST
def unlock(request: AuthedRequest) -> HttpResponse:
    _require(request)
    username = request.POST.get("username", "")
    if username not in _usernames_in_scope(request.user):
        messages.error(request, _("No such account in your scope."))
        return redirect("security:policy")
    with transaction.atomic():
        count = axes_reset(username=username)
        audit_log(actor=request.user, action="auth.unlock", object_type="account", object_repr=username,
                  ip=client_ip(request), after={"attempts_cleared": count})
    messages.success(request, _("%(name)s is unlocked.") % {"name": username})
    return redirect("security:policy")


def _sessions_in_scope(user: User) -> QuerySet[UserSession]:
    """Sessions that are still alive (not expired by the idle timeout), of accounts in scope."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user__org__in=visible_orgs(user), session_key__in=alive) \
        .select_related("user", "user__org")


@login_required
def sessions(request: AuthedRequest) -> HttpResponse:
    _require(request)
    return render(request, "security/sessions.html",
                  {"sessions": _sessions_in_scope(request.user),
                   "current": request.session.session_key})


@login_required
@require_POST
def session_end(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    row = get_object_or_404(_sessions_in_scope(request.user), pk=pk)
    with transaction.atomic():
        end_session(row.session_key)
        audit_log(actor=request.user, action="auth.session_end", obj=row.user, ip=client_ip(request))
    messages.success(request, _("The session of %(name)s was ended.") % {"name": row.user.username})
    return redirect("security:sessions")
