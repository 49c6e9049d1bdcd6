from __future__ import annotations

from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("", views.home, name="home"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("providers/<int:pk>/", views.organisation_detail, name="organisation_detail"),
]
