"""Showing a petitioner's full ID number or phone: for roles with pii.reveal, for petitioners in scope,
with a reason, each time written to the audit log."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.accounts.roles import has_capability
from qingji.audit.services import audit_log, client_ip
from qingji.ledger.selectors import visible_petitioners

FIELDS = {"id_number", "phone"}


@login_required
@require_POST
def reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    if not has_capability(request.user, "pii.reveal"):
        raise PermissionDenied
    petitioner = get_object_or_404(visible_petitioners(request.user), pk=pk)
    field = request.POST.get("field", "id_number")
    if field not in FIELDS:
        raise Http404
    reason = request.POST.get("reason", "").strip()
    if len(reason) < 2:
        return render(request, "security/_reveal.html",
                      {"error": _("Please give a reason for showing the full number."), "petitioner": petitioner,
                       "field": field}, status=400)
    with transaction.atomic():
        audit_log(actor=request.user, action="pii.reveal", obj=petitioner, ip=client_ip(request),
                  after={"field": field, "reason": reason[:500]})
    return render(request, "security/_reveal.html",
                  {"value": getattr(petitioner, field), "petitioner": petitioner, "field": field})
