"""A support list shared as a link: service ids and a note, nothing personal, for 90 days."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SHARED_LIST_DAYS = 90


def new_token() -> str:
    # 128 random bits: the link is the only key to the list, so it must not be guessable.
    return secrets.token_urlsafe(16)


def default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=SHARED_LIST_DAYS)


class SharedListQuerySet(models.QuerySet):
    def expired(self, now: dt.datetime | None = None) -> SharedListQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())


class SharedList(models.Model):
    token = models.CharField(_("token"), max_length=32, unique=True, default=new_token)
    service_ids = models.JSONField(_("service ids"), default=list)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Index: the daily clean-up deletes lists whose time is up.
    expires_at = models.DateTimeField(_("expires"), default=default_expiry, db_index=True)

    objects = SharedListQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared support list")
        verbose_name_plural = _("shared support lists")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.token[:6]}… ({len(self.service_ids)})"

    def get_absolute_url(self) -> str:
        return reverse("services:shared_list", args=[self.token])

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


def share_list(*, service_ids: list[int], note: str) -> SharedList:
    return SharedList.objects.create(service_ids=list(service_ids), note=note)


def delete_expired_lists(*, now: dt.datetime | None = None) -> int:
    deleted, _by_model = SharedList.objects.expired(now).delete()
    return deleted
