"""/api/: the read API (v1), its OpenAPI schema and documentation, and the HSDS 3.0 API."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mapping import api as mapping_api
from services.api import router

staff_urls = [
    path("coverage/", mapping_api.AreaCoverageView.as_view(), name="coverage"),
    path(
        "coverage/municipalities/",
        mapping_api.MunicipalityCoverageView.as_view(),
        name="coverage-municipalities",
    ),
    path(
        "coverage/postal-areas/",
        mapping_api.PostalAreaCoverageView.as_view(),
        name="coverage-postal-areas",
    ),
    path("gaps/", mapping_api.GapsView.as_view(), name="gaps"),
]

urlpatterns = [
    path("v1/", include((router.urls + staff_urls, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("hsds/", include("services.hsds.urls")),
]
