"""Showing a petitioner's full ID number or phone: for roles with pii.reveal, for petitioners in scope,
with a reason, each time written to the audit log."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.audit.services import client_ip
from qingji.ledger.selectors import visible_petitioners
from qingji.security.services import pii_reveal
from qingji.web.views_helpers import require_capability


@login_required
@require_POST
def reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request, "pii.reveal")
    petitioner = get_object_or_404(visible_petitioners(request.user), pk=pk)
    field = request.POST.get("field", "id_number")
    try:
        value = pii_reveal(actor=request.user, petitioner=petitioner, field=field,
                           reason=request.POST.get("reason", ""), ip=client_ip(request))
    except ValueError as error:
        return render(request, "security/_reveal.html",
                      {"error": str(error), "petitioner": petitioner, "field": field}, status=400)
    return render(request, "security/_reveal.html", {"value": value, "petitioner": petitioner, "field": field})
