"""Celery wiring: configuration comes from Django settings under the CELERY_ prefix."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")

app = Celery("perhekeskus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
