from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from qingji.accounts.http import AuthedRequest
from qingji.web.dashboard import dashboard_context


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", dashboard_context(request.user))
