"""The security administrator's pages: the policy in force, locked accounts (unlock), active sessions
(end one). No case content here."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.accounts.models import User, UserSession
from qingji.accounts.services import user_session_end
from qingji.audit.services import client_ip
from qingji.organisations.selectors import visible_orgs
from qingji.security.policy import policy_rows
from qingji.security.services import account_unlock
from qingji.web.views_helpers import require_capability


def _usernames_in_scope(user: User) -> set[str]:
    return set(User.objects.filter(org__in=visible_orgs(user)).values_list("username", flat=True))


def sign_in_attempts(user: User) -> tuple[list[AccessAttempt], list[AccessAttempt]]:
    """The failed sign-ins still counting (within the cool-off) of accounts in scope: (locked, failing)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    scope = _usernames_in_scope(user)
    attempts = [a for a in AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")
                if a.username in scope]
    locked = [a for a in attempts if a.failures_since_start >= settings.AXES_FAILURE_LIMIT]
    return locked, [a for a in attempts if a not in locked]


@login_required
def policy(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "security.manage")
    locked, failing = sign_in_attempts(request.user)
    return render(request, "security/policy.html", {"rows": policy_rows(), "locked": locked, "failing": failing})


@login_required
@require_POST
def unlock(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "security.manage")
    username = request.POST.get("username", "")
    if username not in _usernames_in_scope(request.user):
        messages.error(request, _("No such account in your scope."))
        return redirect("security:policy")
    account_unlock(actor=request.user, username=username, ip=client_ip(request))
    messages.success(request, _("%(name)s is unlocked.") % {"name": username})
    return redirect("security:policy")


def sessions_in_scope(user: User) -> QuerySet[UserSession]:
    """Sessions that are still alive (not expired by the idle timeout), of accounts in scope."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user__org__in=visible_orgs(user), session_key__in=alive) \
        .select_related("user", "user__org")


@login_required
def sessions(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "security.manage")
    return render(request, "security/sessions.html",
                  {"sessions": sessions_in_scope(request.user),
                   "current": request.session.session_key})


@login_required
@require_POST
def session_end(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request, "security.manage")
    row = get_object_or_404(sessions_in_scope(request.user), pk=pk)
    user_session_end(actor=request.user, session=row, ip=client_ip(request))
    messages.success(request, _("The session of %(name)s was ended.") % {"name": row.user.username})
    return redirect("security:sessions")
