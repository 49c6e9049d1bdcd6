from __future__ import annotations

from django.urls import path

from services.views import pages, search

app_name = "services"

urlpatterns = [
    path("", search.home, name="home"),
    path("services/<int:pk>/", pages.service_detail, name="service_detail"),
    path("providers/<int:pk>/", pages.organisation_detail, name="organisation_detail"),
]
