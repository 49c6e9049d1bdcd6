from __future__ import annotations

from django.urls import path

from mapping import views

app_name = "mapping"

urlpatterns = [
    path("", views.nation, name="nation"),
    path("counties/<str:code>/", views.county, name="county"),
    path("counties/<str:code>/report/", views.county_report, name="county_report"),
    path("municipalities/<str:code>/", views.municipality, name="municipality"),
    path("gaps/", views.gap_list, name="gaps"),
    path("gaps/export.<str:file_format>", views.gap_export, name="gap_export"),
    path("what-if/", views.what_if, name="what_if"),
    path("plan/", views.plan, name="plan"),
    path("plan/print/", views.plan_print, name="plan_print"),
    path("plan/export.<str:file_format>", views.plan_export, name="plan_export"),
    path("plan/add/", views.action_add, name="action_add"),
    path("plan/<id:pk>/", views.action_edit, name="action_edit"),
    path("plan/<id:pk>/delete/", views.action_delete, name="action_delete"),
]
