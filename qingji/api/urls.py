from django.urls import path

from qingji.api.api import api

urlpatterns = [path("v1/", api.urls)]
