from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache

from perhekeskus import converters  # noqa: F401 - registers "id" and "token" for the apps


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the load balancer and docker-compose."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("perhekeskus.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("services.urls")),
    path("staff/", include("accounts.urls")),
    path("mapping/", include("mapping.urls")),
    prefix_default_language=True,
)
