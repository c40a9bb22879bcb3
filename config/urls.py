from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from essor.api.main import api

urlpatterns = [
    path("", include("essor.core.urls")),
    path("accounts/", include("essor.accounts.urls")),
    path("", include("essor.territories.urls")),
    path("", include("essor.dashboard.urls")),
    path("", include("essor.companies.urls")),
    path("", include("essor.funding.urls")),
    path("", include("essor.followup.urls")),
    path("", include("essor.referentiel.urls")),
    path("", include("essor.diagnostics.urls")),
    path("", include("essor.actionplans.urls")),
    path("", include("essor.experts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api_docs"),
    path("admin/", admin.site.urls),
]
