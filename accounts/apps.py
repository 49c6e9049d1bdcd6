from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our admin site (administrators only, staff login)."""

    default = False  # named in INSTALLED_APPS; "accounts" alone means AccountsConfig

    default_site = "accounts.admin_site.StaffAdminSite"
