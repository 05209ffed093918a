"""督查督办 pages: deadlines, reminders with letters and responses, rectification orders, notifications."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.accounts.roles import has_capability
from qingji.audit.services import audit_log
from qingji.ledger.models import Case
from qingji.ledger.selectors import get_visible_case
from qingji.organisations.selectors import visible_orgs
from qingji.supervision import selectors, services
from qingji.supervision.forms import CloseForm, RectificationForm, ReminderForm, ResponseForm
from qingji.supervision.tasks import remind_task
from qingji.web.views_helpers import apply_errors, require_capability

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def deadlines(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "supervision.view")
    today = timezone.localdate()
    days: int | None = None  # by default, due soon by each unit's rule `deadline.due_soon_days`
    if request.GET.get("days", "").isdigit():
        days = max(1, min(90, int(request.GET["days"])))
    return render(request, "supervision/deadlines.html", {
        "lists": selectors.deadline_lists(request.user, today, days), "days": days, "today": today,
        "can_remind": has_capability(request.user, "reminder.send")})


@login_required
def reminder_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "supervision.view")
    reminders = selectors.visible_reminders(request.user)
    if request.GET.get("state") == "waiting":
        reminders = reminders.filter(responded_on__isnull=True)
    page = Paginator(reminders, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/reminders.html", {"page": page, "today": timezone.localdate(),
                                                          "state": request.GET.get("state", "")})


@login_required
def reminder_create(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = get_visible_case(request.user, case_pk)
    require_capability(request, "reminder.send")
    today = timezone.localdate()
    form = ReminderForm(request.POST or None, initial={"sent_on": today, "response_due": today + dt.timedelta(days=7),
                                                       "channel": "letter"})
    if request.method == "POST" and form.is_valid():
        try:
            reminder = services.reminder_create(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Reminder recorded."))
            return redirect("supervision:reminder", pk=reminder.pk)
    return render(request, "supervision/reminder_form.html", {"form": form, "case": case})


@login_required
def reminder_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    reminder = selectors.get_visible_reminder(request.user, pk)
    require_capability(request, "supervision.view")
    return render(request, "supervision/reminder.html", {
        "reminder": reminder, "today": timezone.localdate(),
        "form": ResponseForm(initial={"responded_on": timezone.localdate()}),
        "can_respond": has_capability(request.user, "reminder.respond") and not reminder.responded_on})


@login_required
@require_POST
def reminder_respond(request: AuthedRequest, pk: int) -> HttpResponse:
    reminder = selectors.get_visible_reminder(request.user, pk)
    require_capability(request, "reminder.respond")
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.reminder_respond(actor=request.user, reminder=reminder, **form.cleaned_data)
            messages.success(request, _("Response recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Write the response and its date."))
    return redirect("supervision:reminder", pk=reminder.pk)


@login_required
def reminder_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    reminder = selectors.get_visible_reminder(request.user, pk)
    require_capability(request, "supervision.view")
    response = HttpResponse(services.reminder_letter(reminder), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename=reminder-{reminder.pk}.docx"
    audit_log(actor=request.user, action="reminder.letter", obj=reminder.case, after={"reminder": reminder.pk})
    return response


@login_required
def rectifications(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "supervision.view")
    can_issue = has_capability(request.user, "rectification.issue")
    today = timezone.localdate()
    form = RectificationForm(request.POST or None, orgs=visible_orgs(request.user),
                             initial={"issued_on": today, "due_on": today + dt.timedelta(days=30)})
    if request.method == "POST":
        require_capability(request, "rectification.issue")
        if form.is_valid():
            try:
                services.rectification_issue(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Rectification order issued."))
                return redirect("supervision:rectifications")
    return render(request, "supervision/rectifications.html", {
        "orders": selectors.visible_rectifications(request.user)[:200], "form": form, "can_issue": can_issue,
        "close_form": CloseForm(initial={"closed_on": today}), "today": today})


@login_required
@require_POST
def rectification_close(request: AuthedRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.visible_rectifications(request.user), pk=pk)
    require_capability(request, "rectification.issue")
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_close(actor=request.user, order=order, closed_on=form.cleaned_data["closed_on"],
                                         note=form.cleaned_data["closure_note"])
            messages.success(request, _("Rectification order closed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Say when and how the problem was fixed."))
    return redirect("supervision:rectifications")


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "supervision.view")
    page = Paginator(selectors.notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "supervision/notifications.html", {
        "page": page, "can_scan": has_capability(request.user, "supervision.scan")})


@login_required
@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    require_capability(request, "supervision.view")
    services.notification_read(user=request.user, notification=notice)
    if notice.url and request.POST.get("open"):
        return redirect(notice.url)
    return redirect("supervision:notifications")


@login_required
@require_POST
def run_scan(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "supervision.scan")
    result = remind_task.enqueue()
    audit_log(actor=request.user, action="supervision.scan_queued", object_type="scan",
              object_repr=str(timezone.localdate()))
    sent = result.return_value if result.is_finished else None
    if sent is not None:
        messages.success(request, _("Scan done: %(n)d notices sent.") % {"n": sum(sent.values())})
    else:
        messages.success(request, _("Scan queued."))
    return redirect("supervision:notifications")


def case_panel(request: AuthedRequest, case: Case) -> dict[str, object] | None:
    """The case page's supervision card: its reminders, the campaigns it is in, and the remind button."""
    if not has_capability(request.user, "supervision.view"):
        return None
    return {"reminders": list(case.reminders.select_related("issuer").order_by("-sent_on", "-id")[:10]),
            "campaigns": list(case.campaign_memberships.select_related("campaign")),
            "can_remind": has_capability(request.user, "reminder.send"), "today": timezone.localdate()}
