from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Service catalogue")

    def ready(self) -> None:
        # Registers the catalogue's models with django-reversion (the history of changes).
        from services.catalogue import history  # noqa: F401
