from django.urls import path

from qingji.exchange import views

app_name = "exchange"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/problems.xlsx", views.import_marked, name="import_marked"),
    path("template.xlsx", views.template, name="template"),
    path("export/", views.export_ledger, name="export_ledger"),
    path("export/<int:pk>/", views.export_job, name="export_job"),
    path("export/<int:pk>/download/", views.export_download, name="export_download"),
]
