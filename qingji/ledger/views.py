"""The ledger pages: the list (积案台账), the dossier (一案一档), registration and the
responsibility breakdown table. Thin views: scope through selectors, writes through services."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.accounts.roles import has_capability
from qingji.ledger import forms, services
from qingji.ledger.filters import DEFAULT_SORT, DUE_SOON, apply_ledger_filters, ledger_filter_form
from qingji.ledger.models import LEDGER_COLUMNS, Case, Petitioner, case_field_label
from qingji.ledger.paging import capped_page
from qingji.ledger.panels import case_panels
from qingji.ledger.preferences import ledger_preference_set
from qingji.ledger.selectors import (
    SamePersonCase,
    case_timeline,
    get_visible_case,
    ledger_columns,
    petitioner_names,
    same_person_cases,
    visible_cases,
    visible_petitioners,
    visible_similar_petitioners,
)
from qingji.ledger.vocabulary import Vocabulary
from qingji.lib.idnumbers import normalise_id_number
from qingji.lib.pii import digest
from qingji.organisations.selectors import visible_orgs
from qingji.rules.selectors import RuleBook
from qingji.web.views_helpers import require_capability

PAGE_SIZE = 50


def _export_url(request: AuthedRequest) -> str | None:
    """The exchange part's "export what I see" link, with the page's own filters."""
    try:
        return f"{reverse('exchange:export_ledger')}?{request.GET.urlencode()}"
    except NoReverseMatch:
        return None


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "case.view")
    orgs = list(visible_orgs(request.user))
    book = RuleBook()  # the page's rules: the filters, the labels and "due soon" of every row
    vocabulary = Vocabulary(book)
    cases = apply_ledger_filters(visible_cases(request.user, orgs=orgs), request.GET, book=book)
    cases = cases.select_related("handling_org", "responsibility__lead_official")
    page = capped_page(cases, request.GET.get("page"), PAGE_SIZE)
    case_ids = [c.pk for c in page.object_list]
    petitioners = petitioner_names(case_ids)
    rows = [{"case": c, "petitioners": petitioners.get(c.pk, []), "source": vocabulary.source_label(c),
             "category": vocabulary.category_label(c), "due_soon_days": book.value(DUE_SOON, c.handling_org)}
            for c in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    form = ledger_filter_form(request.GET, org=request.user.org, vocabulary=vocabulary, scope=[o.pk for o in orgs])
    context = {
        "form": form, "page": page, "rows": rows, "columns": ledger_columns(request.user),
        "all_columns": LEDGER_COLUMNS, "query": params.urlencode(), "sort": request.GET.get("sort") or DEFAULT_SORT,
        "today": timezone.localdate(), "export_url": _export_url(request), "orgs": orgs,
    }
    template = "ledger/_table.html" if request.htmx else "ledger/list.html"
    return render(request, template, context)


@login_required
@require_POST
def save_columns(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "case.view")
    ledger_preference_set(user=request.user, columns=request.POST.getlist("columns"))
    return redirect(f"{reverse('ledger:list')}?{request.POST.get('query', '')}")


@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    return render(request, "ledger/detail.html", _detail_context(request, case))


def _detail_context(request: AuthedRequest, case: Case, **forms_: object) -> dict[str, object]:
    responsibility = getattr(case, "responsibility", None)
    today = timezone.localdate()
    book = RuleBook()
    vocabulary = Vocabulary(book)
    return {
        "case": case, "responsibility": responsibility, "source_label": vocabulary.source_label(case),
        "category_label": vocabulary.category_label(case), "due_soon_days": book.value(DUE_SOON, case.handling_org),
        "handlers": list(responsibility.handlers.all()) if responsibility else [],
        "petitioners": list(case.petitioners.order_by("casepetitioner__position")),
        "matters": list(case.matters.select_related("org")),
        "timeline": case_timeline(case), "today": today,
        "days_left": (case.deadline - today).days if case.deadline else None,
        "overdue_days": (today - case.deadline).days if case.deadline else None,
        "flags": [case_field_label(f) for f in Case.FLAGS if getattr(case, f)],
        "can_edit": has_capability(request.user, "case.edit"),
        "can_assign": has_capability(request.user, "case.assign"),
        "can_work": has_capability(request.user, "case.record_work"),
        "work_form": forms_.get("work_form") or forms.WorkLogForm(initial={"date": today}),
        "aid_form": forms_.get("aid_form") or forms.AidForm(initial={"date": today}),
        "attachment_form": forms_.get("attachment_form") or forms.AttachmentForm(),
        "case_panels": case_panels(request, case),
    }


@login_required
def case_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "case.register")
    orgs = visible_orgs(request.user)
    form = forms.CaseForm(request.POST or None, orgs=orgs, initial={"registered_on": timezone.localdate(),
                                                                     "handling_org": request.user.org_id})
    petitioner_form = forms.PetitionerForm(request.POST or None, prefix="p")
    chosen = _chosen_petitioners(request)
    similar, same_person, warnings = [], [], []
    linked: list[Petitioner] = []
    if request.method == "POST":
        if not chosen and petitioner_form.is_valid():
            linked = _same_id_number(petitioner_form)
        identity = ({k: petitioner_form.cleaned_data[k] for k in ("id_number", "name", "phone")}
                    if not chosen and petitioner_form.is_valid() else {})
        if identity:
            similar = list(visible_similar_petitioners(request.user, **identity))
        found = same_person_cases(request.user, petitioners=chosen, **identity)
        # What holds the registration until confirmed: for a new petitioner, every case of the same person; for
        # one picked from the ledger, the cases the user could not see when picking (other units').
        same_person = found if identity else [c for c in found if c.case is None]
        if form.is_valid() and (chosen or petitioner_form.is_valid()):
            if same_person and not request.POST.get("confirm"):
                warnings.append(_("The petitioner with this ID number is already in the ledger (possible "
                                  "multi-channel petition): see their cases below. Confirm to register this case "
                                  "for them.") if linked else
                                _("A petitioner with the same ID number, or the same name and phone, is already "
                                  "in the ledger (possible multi-channel petition). Pick them below, or confirm "
                                  "that this is a different person.") if similar else
                                _("The same petitioner (same ID number, or same name and phone) has a case at "
                                  "another unit (possible multi-channel petition): see below. Check with that "
                                  "unit, or confirm to register this case all the same."))
            else:
                case = _register(request, form, petitioner_form, chosen or linked)
                if case is not None:
                    messages.success(request, _("Case %(no)s registered.") % {"no": case.ledger_no})
                    if linked:
                        messages.info(request, _("The petitioner with this ID number is already in the ledger: the "
                                                 "case is registered for them."))
                    _warn_terminated(request, found)
                    return redirect("ledger:detail", pk=case.pk)
    return render(request, "ledger/create.html", {
        "form": form, "petitioner_form": petitioner_form, "chosen": chosen, "similar": similar,
        "same_person": same_person, "warnings": warnings,
    })


def _warn_terminated(request: AuthedRequest, found: list[SamePersonCase]) -> None:
    """A terminated case is not handed down again: say so when its petitioner comes back (another unit's case
    by its unit and registration date only)."""
    for old in (c for c in found if c.terminated):
        if old.case is not None:
            messages.warning(request, _("%(no)s of the same petitioner was terminated on %(date)s: a terminated case "
                                        "is not handed down again. Keep this one only if it is a different matter.")
                             % {"no": old.case.ledger_no, "date": old.case.closed_on})
        else:
            messages.warning(request, _("A case of the same petitioner at %(unit)s, registered on %(date)s, was "
                                        "terminated: a terminated case is not handed down again. Keep this one only "
                                        "if it is a different matter.")
                             % {"unit": old.unit, "date": old.registered_on})


def _same_id_number(petitioner_form: forms.PetitionerForm) -> list[Petitioner]:
    """An ID number is one person: a new petitioner whose ID number is in the ledger is that petitioner (in this
    unit's scope or another's), so the case is registered for them; under another name, the ID number or the
    name is wrong, and the form says so (without the other name, which may be another unit's)."""
    existing = services.petitioner_with_id_number(petitioner_form.cleaned_data.get("id_number", ""))
    if existing is None:
        return []
    if existing.name != petitioner_form.cleaned_data["name"].strip():
        petitioner_form.add_error("id_number", _("This ID number is already in the ledger under another name: "
                                                 "check the ID number and the name."))
        return []
    return [existing]


def _chosen_petitioners(request: AuthedRequest) -> list[Petitioner]:
    ids = [int(i) for i in request.POST.getlist("petitioner") if i.isdigit()]
    return list(visible_petitioners(request.user).filter(pk__in=ids)) if ids else []


def _register(request: AuthedRequest, form: forms.CaseForm, petitioner_form: forms.PetitionerForm,
              chosen: list[Petitioner]) -> Case | None:
    data = form.cleaned_data
    try:
        petitioners = chosen or [services.petitioner_create(actor=request.user, **petitioner_form.cleaned_data)]
        return services.case_register(
            actor=request.user, handling_org=data["handling_org"], summary=data["summary"], source=data["source"],
            petitioners=petitioners, registered_on=data["registered_on"], ledger_no=data["ledger_no"],
            category=data["category"], stage=data["stage"], first_petitioned_on=data["first_petitioned_on"],
            assigned_on=data["assigned_on"], key_supervision=data["key_supervision"], flags=data["flags"],
            deadline=data["deadline"], note=data["note"], docket_numbers=data["docket_numbers"],
        )
    except ValidationError as exc:
        _attach_errors(form, petitioner_form, exc)
        return None


def _attach_errors(form: BaseForm, other: BaseForm, exc: ValidationError) -> None:
    for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
        target = form if field in form.fields or field is None else other
        target.add_error(field if field in target.fields else None, errors)


@login_required
def petitioner_search(request: AuthedRequest) -> HttpResponse:
    """Existing petitioners in scope by name or exact ID number, for the registration form."""
    require_capability(request, "case.register")
    text = request.GET.get("pq", "").strip()
    found = []
    if text:
        people = visible_petitioners(request.user)
        by_id = people.filter(id_number_digest=digest(normalise_id_number(text)))
        found = list(by_id[:10]) or list(people.filter(name__contains=text)[:10])
    return render(request, "ledger/_petitioner_results.html", {"found": found, "text": text})


@login_required
def case_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    require_capability(request, "case.edit")
    initial = {f: getattr(case, f) for f in ("summary", "category", "stage", "source", "first_petitioned_on",
                                            "assigned_on", "registered_on", "key_supervision", "deadline", "note")}
    initial.update(handling_org=case.handling_org, version=case.version,
                   flags=[f for f in Case.FLAGS if getattr(case, f)],
                   docket_numbers="\n".join(case.matters.values_list("docket_number", flat=True)))
    category_code = case.category.code if case.category else ""
    form = forms.CaseEditForm(request.POST or None, orgs=visible_orgs(request.user),
                              initial={**initial, "category": category_code},
                              keep={"source": case.source, "category": category_code})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in initial if k not in ("version", "flags", "docket_numbers")}
        changes.update({f: f in data["flags"] for f in Case.FLAGS})
        try:
            services.case_update(actor=request.user, case=case, expected_version=data["version"],
                                 docket_numbers=data["docket_numbers"], **changes)
            messages.success(request, _("Case saved."))
            return redirect("ledger:detail", pk=case.pk)
        except services.StaleCase as exc:
            stale = _stale_rows(form, exc.current, changes, data["docket_numbers"])
            form.data = posted = request.POST.copy()
            posted["version"] = str(exc.current.version)
        except ValidationError as exc:
            _attach_errors(form, form, exc)
    return render(request, "ledger/edit.html", {"form": form, "case": case, "stale": stale})


def _stale_rows(form: forms.CaseEditForm, current: Case, changes: dict[str, Any],
                dockets: list[str]) -> list[dict[str, Any]]:
    """What the user saved against what is stored now, where they differ, for a refused stale save."""
    rows = [{"field": case_field_label(f), "mine": value, "current": getattr(current, f)}
            for f, value in changes.items() if getattr(current, f) != value]
    stored = list(current.matters.values_list("docket_number", flat=True))
    if set(stored) - set(dockets):  # added meanwhile (a save only adds docket numbers)
        rows.append({"field": form.fields["docket_numbers"].label, "mine": "、".join(dockets),
                     "current": "、".join(stored)})
    return rows


@login_required
def assign(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    require_capability(request, "case.assign")
    current = getattr(case, "responsibility", None)
    initial = {}
    if current is not None:
        initial = {f: getattr(current, f) for f in ("lead_official", "supervising_official", "watch_officer",
                                                   "head_of_unit", "plan", "deadline", "goal")}
        initial["handlers"] = list(current.handlers.all())
    form = forms.ResponsibilityForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.responsibility_assign(actor=request.user, case=case, **form.cleaned_data)
            messages.success(request, _("Responsibility saved."))
            return redirect("ledger:detail", pk=case.pk)
        except ValidationError as exc:
            _attach_errors(form, form, exc)
    return render(request, "ledger/assign.html", {"form": form, "case": case})


def _detail_fragment(request: AuthedRequest, case: Case, **forms_: object) -> HttpResponse:
    case = get_visible_case(request.user, case.pk)
    return render(request, "ledger/_work.html", _detail_context(request, case, **forms_))


@login_required
@require_POST
def add_work_log(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    require_capability(request, "case.record_work")
    form = forms.WorkLogForm(request.POST)
    if form.is_valid():
        try:
            services.work_log_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            _attach_errors(form, form, exc)
        else:
            return _after_post(request, case, work_form=None)
    return _after_post(request, case, work_form=form)


@login_required
@require_POST
def add_aid(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    require_capability(request, "case.record_work")
    form = forms.AidForm(request.POST)
    if form.is_valid():
        try:
            services.aid_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            _attach_errors(form, form, exc)
        else:
            return _after_post(request, case, aid_form=None)
    return _after_post(request, case, aid_form=form)


@login_required
@require_POST
def add_attachment(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    require_capability(request, "case.record_work")
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(actor=request.user, case=case, uploaded=form.cleaned_data["file"],
                                    kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return _after_post(request, case, attachment_form=None)
    return _after_post(request, case, attachment_form=form)


def _after_post(request: AuthedRequest, case: Case, **forms_: object) -> HttpResponse:
    """htmx gets the work panel back (with errors, or fresh forms); a plain POST is redirected."""
    if request.htmx:
        return _detail_fragment(request, case, **{k: v for k, v in forms_.items() if v is not None})
    if any(v is not None for v in forms_.values()):
        messages.error(request, _("The entry was not saved: please correct the form."))
    return redirect("ledger:detail", pk=case.pk)


@login_required
def attachment_download(request: AuthedRequest, pk: int, attachment_id: int) -> FileResponse:
    case = get_visible_case(request.user, pk)
    attachment = get_object_or_404(case.attachments, pk=attachment_id)
    from qingji.audit.services import audit_log

    audit_log(actor=request.user, action="case.attachment_download", obj=case,
              after={"file": attachment.original_name})
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


@login_required
def responsibility_table(request: AuthedRequest) -> HttpResponse:
    """工作包案责任分解表: one row per case with the five fixed items, grouped by unit."""
    require_capability(request, "case.view")
    book = RuleBook()
    cases = (apply_ledger_filters(visible_cases(request.user), request.GET, book=book)
             .select_related("handling_org", "responsibility__lead_official", "responsibility__supervising_official",
                             "responsibility__watch_officer", "responsibility__head_of_unit")
             .prefetch_related("responsibility__handlers", "petitioners")
             .order_by("handling_org__path", "ledger_no"))
    if request.GET.get("format") == "xlsx":
        from qingji.ledger.breakdown import breakdown_workbook

        return breakdown_workbook(request.user, cases)
    groups: dict[object, list[Case]] = {}
    for case in cases[:2000]:
        groups.setdefault(case.handling_org, []).append(case)
    params = request.GET.copy()
    params.pop("format", None)
    orgs = list(visible_orgs(request.user))
    form = ledger_filter_form(request.GET, org=request.user.org, vocabulary=Vocabulary(book),
                              scope=[o.pk for o in orgs])
    return render(request, "ledger/responsibility.html", {
        "groups": groups, "form": form, "query": params.urlencode(),
        "today": dt.date.today(), "orgs": orgs,
    })
