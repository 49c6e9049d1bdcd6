"""Staff accounts and invitations in the Django admin."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_superuser", "is_active"]
    list_filter = ["is_superuser", "is_active", "counties"]
    filter_horizontal = ["organisations", "counties", "groups", "user_permissions"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Roles"), {"fields": ["organisations", "counties", "language"]}),
    ]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["organisation", "invited_by"]
    readonly_fields = ["email", "organisation", "invited_by", "created_at", "accepted_at", "user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
