"""The system administrator's pages: units and accounts within the administrator's scope.
No case content here; nobody changes their own role."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.accounts.models import User
from qingji.accounts.roles import Role
from qingji.accounts.services import user_create, user_set_active, user_set_password, user_set_role
from qingji.organisations.models import Org, OrgKind, OrgLevel
from qingji.organisations.selectors import get_visible_org, visible_orgs
from qingji.organisations.services import org_create, org_update
from qingji.web.forms import BootstrapMixin, model_choice_field
from qingji.web.views_helpers import require_capability


class OrgForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("unit code"), max_length=32)
    name = forms.CharField(label=gettext_lazy("unit name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=OrgKind.choices)
    level = forms.ChoiceField(label=gettext_lazy("level"), choices=OrgLevel.choices)
    superior = forms.ModelChoiceField(label=gettext_lazy("superior unit"), queryset=Org.objects.none(),
                                      to_field_name="code")
    region_code = forms.RegexField(label=gettext_lazy("region code"), regex=r"^\d{6}$", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "superior").queryset = visible_orgs(user)


def accounts_in_scope(user: User) -> QuerySet[User]:
    return User.objects.filter(org__in=visible_orgs(user)).select_related("org")


@login_required
def units(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "orgs.manage")
    return render(request, "security/units.html", {"units": visible_orgs(request.user).select_related("superior")})


@login_required
def unit_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require_capability(request, "orgs.manage")
    org = get_visible_org(request.user, pk=pk) if pk is not None else None
    initial = ({"code": org.code, "name": org.name, "kind": org.kind, "level": org.level,
                "superior": org.superior.code if org.superior else None, "region_code": org.region_code}
               if org else {"superior": request.user.org.code if request.user.org else None})
    form = OrgForm(request.POST or None, initial=initial, user=request.user)
    if org is not None:
        form.fields["code"].disabled = True
        if org.superior is None or org.pk == request.user.org_id:
            # The administrator's own unit (or a root) keeps its place: moving it would leave the scope.
            form.fields["superior"].required = False
            form.fields["superior"].disabled = True
            # Shown, not chosen: its superior is outside the administrator's scope, so the field's own choices
            # (the scope) would refuse it on every save.
            superiors = [org.superior_id] if org.superior_id else []
            model_choice_field(form, "superior").queryset = Org.objects.filter(pk__in=superiors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if org is None:
                org = org_create(actor=request.user, code=data["code"], name=data["name"], kind=data["kind"],
                                 level=data["level"], superior=data["superior"], region_code=data["region_code"])
            else:
                changes = {"name": data["name"], "kind": data["kind"], "level": data["level"],
                           "region_code": data["region_code"]}
                if not form.fields["superior"].disabled:
                    changes["superior"] = data["superior"]
                org_update(actor=request.user, org=org, **changes)
        except IntegrityError:
            form.add_error("code", _("A unit with this code already exists."))
        except ValueError as error:
            form.add_error("superior", str(error))
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("security:units")
    return render(request, "security/unit_form.html", {"form": form, "org": org})


class AccountForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(label=gettext_lazy("Username"), regex=r"^[\w.@+-]{2,150}$")
    full_name = forms.CharField(label=gettext_lazy("full name"), max_length=50, required=False)
    org = forms.ModelChoiceField(label=gettext_lazy("unit"), queryset=Org.objects.none(), to_field_name="code")
    role = forms.ChoiceField(label=gettext_lazy("role"), choices=Role.choices)
    password = forms.CharField(label=gettext_lazy("Initial password"), widget=forms.PasswordInput,
                               help_text=gettext_lazy("The account must change it at its first sign-in."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "org").queryset = visible_orgs(user)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise ValidationError(_("This username is taken."))
        return username


class RoleForm(BootstrapMixin, forms.Form):
    org = forms.ModelChoiceField(label=gettext_lazy("unit"), queryset=Org.objects.none(), to_field_name="code")
    role = forms.ChoiceField(label=gettext_lazy("role"), choices=Role.choices)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "org").queryset = visible_orgs(user)


class ResetForm(BootstrapMixin, forms.Form):
    password = forms.CharField(label=gettext_lazy("New initial password"), widget=forms.PasswordInput)


@login_required
def accounts(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "accounts.manage")
    rows = accounts_in_scope(request.user).order_by("org__path", "username")
    return render(request, "security/accounts.html", {"accounts": rows})


@login_required
def account_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "accounts.manage")
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_create(actor=request.user, username=data["username"], password=data["password"], org=data["org"],
                        role=data["role"], full_name=data["full_name"], must_change_password=True)
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(request, _("The account was created; it must change its password at first sign-in."))
            return redirect("security:accounts")
    return render(request, "security/account_form.html", {"form": form})


@login_required
def account_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request, "accounts.manage")
    account = get_object_or_404(accounts_in_scope(request.user), pk=pk)
    is_self = account.pk == request.user.pk
    role_form = RoleForm(request.POST if request.POST.get("action") == "role" else None, user=request.user,
                         initial={"org": account.org.code if account.org else None, "role": account.role})
    reset_form = ResetForm(request.POST if request.POST.get("action") == "reset" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "role" and role_form.is_valid():
            try:
                user_set_role(actor=request.user, user=account, role=role_form.cleaned_data["role"],
                              org=role_form.cleaned_data["org"])
            except ValueError as error:
                role_form.add_error("role", str(error))
            else:
                messages.success(request, _("The role was changed."))
                return redirect("security:account_edit", pk=account.pk)
        elif action == "reset" and reset_form.is_valid():
            try:
                user_set_password(actor=request.user, user=account, password=reset_form.cleaned_data["password"],
                                  must_change_password=True)
            except ValidationError as error:
                reset_form.add_error("password", error)
            else:
                messages.success(request, _("The password was reset; the account must change it at next sign-in."))
                return redirect("security:account_edit", pk=account.pk)
    return render(request, "security/account_edit.html",
                  {"account": account, "role_form": role_form, "reset_form": reset_form, "is_self": is_self})


@login_required
@require_POST
def account_active(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request, "accounts.manage")
    account = get_object_or_404(accounts_in_scope(request.user), pk=pk)
    try:
        user_set_active(actor=request.user, user=account, active=request.POST.get("active") == "1")
    except ValueError as error:
        messages.error(request, str(error))
    return redirect("security:account_edit", pk=account.pk)
