from django.urls import path

from qingji.lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("cases/<int:pk>/closure/", views.closure, name="closure"),
    path("cases/<int:pk>/termination/", views.termination, name="termination"),
    path("cases/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("proceedings/<int:pk>/", views.decide, name="decide"),
    path("proceedings/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up, name="follow_up"),
    path("sample-checks/", views.sample_checks, name="sample_checks"),
    path("sample-checks/<int:pk>/", views.sample_check, name="sample_check"),
]
