"""案件评查 pages: a case's underlying matters, their grades and the accountability that followed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.ledger.models import Case
from qingji.ledger.selectors import get_visible_case
from qingji.reviews import forms, selectors, services
from qingji.web.views_helpers import apply_errors


def _can_review(user: User) -> bool:
    return has_capability(user, "review.record")


def _can_add_matter(user: User) -> bool:
    return has_capability(user, "review.record") or has_capability(user, "case.edit")


def _page(request: AuthedRequest, case: Case, *, matter_form: forms.MatterForm | None = None,
          failed: int | None = None, review_form: forms.ReviewForm | None = None,
          action_form: forms.ActionForm | None = None) -> HttpResponse:
    today = timezone.localdate()
    matters = list(case.matters.select_related("org", "review__reviewer").prefetch_related("review__actions"))
    rows = []
    for matter in matters:
        review = getattr(matter, "review", None)
        initial = {"grade": review.grade, "findings": review.findings, "reviewed_on": review.reviewed_on} \
            if review else {"reviewed_on": today}
        rows.append({
            "matter": matter, "review": review,
            "actions": list(review.actions.all()) if review else [],
            "review_form": review_form if failed == matter.pk and review_form else forms.ReviewForm(
                initial=initial, auto_id=f"id_r{matter.pk}_%s"),
            "action_form": action_form if failed == matter.pk and action_form else forms.ActionForm(
                initial={"date": today}, auto_id=f"id_a{matter.pk}_%s"),
        })
    return render(request, "reviews/case.html", {
        "case": case, "rows": rows, "can_review": _can_review(request.user),
        "can_add_matter": _can_add_matter(request.user),
        "matter_form": matter_form or forms.MatterForm(units=selectors.matter_units()),
    })


@login_required
def case_reviews(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, get_visible_case(request.user, pk))


@login_required
@require_POST
def add_matter(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    if not _can_add_matter(request.user):
        raise PermissionDenied
    form = forms.MatterForm(request.POST, units=selectors.matter_units())
    if form.is_valid():
        try:
            services.matter_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The underlying matter has been added."))
            return redirect("reviews:case", case.pk)
    return _page(request, case, matter_form=form)


@login_required
@require_POST
def record(request: AuthedRequest, pk: int) -> HttpResponse:
    matter = selectors.get_visible_matter(request.user, pk)
    if not _can_review(request.user):
        raise PermissionDenied
    form = forms.ReviewForm(request.POST, auto_id=f"id_r{matter.pk}_%s")
    if form.is_valid():
        try:
            services.review_record(actor=request.user, matter=matter, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The review of %(docket)s has been recorded.")
                             % {"docket": matter.docket_number})
            return redirect("reviews:case", matter.case_id)
    return _page(request, matter.case, failed=matter.pk, review_form=form)


@login_required
@require_POST
def add_action(request: AuthedRequest, pk: int) -> HttpResponse:
    matter = selectors.get_visible_matter(request.user, pk)
    if not _can_review(request.user):
        raise PermissionDenied
    review = selectors.review_of(matter)
    form = forms.ActionForm(request.POST, auto_id=f"id_a{matter.pk}_%s")
    if review is None:
        form.add_error(None, _("Record the review's grade before any accountability."))
    elif form.is_valid():
        try:
            services.accountability_add(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The accountability action has been recorded."))
            return redirect("reviews:case", matter.case_id)
    return _page(request, matter.case, failed=matter.pk, action_form=form)


def case_panel(request: AuthedRequest, case: Case) -> dict[str, object] | None:
    """The reviews card on the case page: each matter's grade, and a link to the review page."""
    matters = list(case.matters.select_related("review").prefetch_related("review__actions"))
    if not matters and not _can_add_matter(request.user):
        return None
    return {"matters": [{"matter": m, "review": getattr(m, "review", None)} for m in matters],
            "can_review": _can_review(request.user) or _can_add_matter(request.user)}
