from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("cases/", include("qingji.ledger.urls")),
    path("lifecycle/", include("qingji.lifecycle.urls")),
    path("reviews/", include("qingji.reviews.urls")),
    path("reports/", include("qingji.reports.urls")),
    path("campaigns/", include("qingji.campaigns.urls")),
    path("supervision/", include("qingji.supervision.urls")),
    path("exchange/", include("qingji.exchange.urls")),
    path("rules/", include("qingji.rules.urls")),
    path("api/", include("qingji.api.urls")),
    path("security/", include("qingji.security.urls")),
    path("", include("qingji.web.urls")),
]
