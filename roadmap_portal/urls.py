from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core.views import favicon, healthz, security_txt, set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("account/", include("allauth.urls")),
    path("account/", include("apps.accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Our page: drf-spectacular's, with its inline <style> in a file (the CSP).
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("api/v1/", include("apps.roadmap.api.urls")),
    path("api/v1/", include("apps.accounts.api.urls")),
    path("api/v1/", include("apps.organisations.api.urls")),
    path("api/v1/", include("apps.adoption.api.urls")),
    path("api/v1/", include("apps.benchmarking.api.urls")),
    path("api/v1/", include("apps.benchmarking.exports.api.urls")),
    path("api/v1/", include("apps.curation.api.urls")),
    path("api/v1/", include("apps.practices.api.urls")),
    path("api/v1/", include("apps.follows.api.urls")),
    path("data/", include("apps.benchmarking.opendata.urls")),
    path("api/v1/", include("apps.pulse.api.urls")),
    path("", include("apps.roadmap.urls")),
    path("", include("apps.organisations.urls")),
    path("", include("apps.adoption.urls")),
    path("", include("apps.benchmarking.urls")),
    path("", include("apps.curation.urls")),
    path("", include("apps.practices.urls")),
    path("", include("apps.follows.urls")),
    path("", include("apps.pulse.urls")),
    path("o/<slug:slug>/adoptions/transfer/", include("apps.adoption.transfer.urls")),
    path("o/<slug:slug>/benchmark/exports/", include("apps.benchmarking.exports.urls")),
]

handler400 = "apps.core.views.bad_request"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
