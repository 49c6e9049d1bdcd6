"""The Django admin site: administrators only, logged in (with two factors) on the staff side."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import may_use_admin, signed_in_fully


class StaffAdminSite(admin.AdminSite):
    site_header = _("Electronic family centre – administration")
    site_title = _("Electronic family centre")

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user) and signed_in_fully(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """One login page for all staff: the staff side's, with its throttling and two factors."""
        if request.user.is_authenticated and signed_in_fully(request.user):
            # Fully logged in but no administrator: the staff login would send them straight
            # back here, round and round.
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index"), reverse("accounts:login")
        )

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        from accounts.views import logout

        return logout(request)
