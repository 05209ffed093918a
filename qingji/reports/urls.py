from django.urls import path, re_path

from qingji.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.summary_page, name="summary"),
    re_path(r"^download/(?P<fmt>xlsx|docx)/$", views.download, name="download"),
]
