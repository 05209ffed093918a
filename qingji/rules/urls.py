from django.urls import path

from qingji.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.rules_page, name="page"),
    path("change/", views.rules_change, name="change"),
]
