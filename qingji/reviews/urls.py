from django.urls import path

from qingji.reviews import views

app_name = "reviews"
urlpatterns = [
    path("cases/<int:pk>/", views.case_reviews, name="case"),
    path("cases/<int:pk>/matters/", views.add_matter, name="add_matter"),
    path("matters/<int:pk>/", views.record, name="record"),
    path("matters/<int:pk>/actions/", views.add_action, name="add_action"),
]
