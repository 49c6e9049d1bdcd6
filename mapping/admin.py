"""Django admin for the action plan (the dashboard's own pages are the usual way to edit it)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mapping.models import Action


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = [
        "municipality",
        "tier",
        "target_group",
        "life_situation",
        "owner",
        "kind",
        "due_date",
        "status",
    ]
    list_filter = ["status", "kind", "tier", "municipality__county"]
    list_select_related = ["municipality", "tier", "target_group", "life_situation", "owner"]
    search_fields = [
        "description",
        "municipality__name_fi",
        "municipality__name_sv",
        "owner__name_fi",
    ]
    autocomplete_fields = ["municipality", "owner"]
    date_hierarchy = "due_date"
    readonly_fields = ["created_at", "updated_at", "created_by"]

    def save_model(self, request: HttpRequest, obj: Action, form: object, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
