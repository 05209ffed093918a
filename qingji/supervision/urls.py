from django.urls import path

from qingji.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.deadlines, name="deadlines"),
    path("reminders/", views.reminder_list, name="reminders"),
    path("reminders/new/<int:case_pk>/", views.reminder_create, name="reminder_create"),
    path("reminders/<int:pk>/", views.reminder_detail, name="reminder"),
    path("reminders/<int:pk>/response/", views.reminder_respond, name="reminder_respond"),
    path("reminders/<int:pk>/letter/", views.reminder_letter, name="reminder_letter"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/close/", views.rectification_close, name="rectification_close"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("scan/", views.run_scan, name="run_scan"),
]
