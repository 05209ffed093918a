from django.urls import path

from qingji.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("columns/", views.save_columns, name="columns"),
    path("new/", views.case_create, name="create"),
    path("petitioners/", views.petitioner_search, name="petitioner_search"),
    path("responsibility/", views.responsibility_table, name="responsibility"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/responsibility/", views.assign, name="assign"),
    path("<int:pk>/work-log/", views.add_work_log, name="add_work_log"),
    path("<int:pk>/aid/", views.add_aid, name="add_aid"),
    path("<int:pk>/attachments/", views.add_attachment, name="add_attachment"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
