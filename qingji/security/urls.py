from django.urls import path

from qingji.security import audit_views, pii_views, secadmin_views, sysadmin_views, views

app_name = "security"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/", views.otp_setup, name="otp_setup"),
    path("account/two-factor/verify/", views.otp_verify, name="otp_verify"),
    path("account/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/two-factor/disable/", views.otp_disable, name="otp_disable"),
    path("admin/units/", sysadmin_views.units, name="units"),
    path("admin/units/new/", sysadmin_views.unit_edit, name="unit_create"),
    path("admin/units/<int:pk>/", sysadmin_views.unit_edit, name="unit_edit"),
    path("admin/accounts/", sysadmin_views.accounts, name="accounts"),
    path("admin/accounts/new/", sysadmin_views.account_create, name="account_create"),
    path("admin/accounts/<int:pk>/", sysadmin_views.account_edit, name="account_edit"),
    path("admin/accounts/<int:pk>/active/", sysadmin_views.account_active, name="account_active"),
    path("admin/policy/", secadmin_views.policy, name="policy"),
    path("admin/unlock/", secadmin_views.unlock, name="unlock"),
    path("admin/sessions/", secadmin_views.sessions, name="sessions"),
    path("admin/sessions/<int:pk>/end/", secadmin_views.session_end, name="session_end"),
    path("admin/audit/", audit_views.audit_list, name="audit"),
    path("admin/audit/export.<fmt>", audit_views.audit_export, name="audit_export"),
    path("petitioners/<int:pk>/reveal/", pii_views.reveal, name="reveal"),
]
