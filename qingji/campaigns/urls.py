from django.urls import path

from qingji.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("explanations/", views.explanations, name="explanations"),
    path("explanations/<int:pk>/", views.explanation_submit, name="explanation_submit"),
    path("<str:code>/", views.campaign_detail, name="detail"),
    path("<str:code>/edit/", views.campaign_edit, name="edit"),
    path("<str:code>/leading-group/", views.leading_group, name="leading_group"),
    path("<str:code>/scope/", views.apply_scope, name="apply_scope"),
    path("<str:code>/cases/add/", views.add_case, name="add_case"),
    path("<str:code>/cases/remove/", views.remove_case, name="remove_case"),
    path("<str:code>/bulletins/", views.issue, name="issue"),
    path("<str:code>/bulletins/<int:number>/", views.bulletin_detail, name="bulletin"),
    path("<str:code>/bulletins/<int:number>/docx/", views.bulletin_download, name="bulletin_docx"),
    path("<str:code>/assessment/", views.assessment, name="assessment"),
    path("<str:code>/assessment/veto/", views.veto, name="veto"),
]
