"""Error reports: a visitor tells the coordinators that a listing is wrong."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.models.catalogue import SupportService

if TYPE_CHECKING:
    from accounts.models import User

MAX_REPORT_LENGTH = 2000
MAX_REPLY_TO_LENGTH = 200


class ErrorReportQuerySet(models.QuerySet):
    def new(self) -> ErrorReportQuerySet:
        return self.filter(status=ErrorReport.Status.NEW)


class ErrorReport(models.Model):
    """What is wrong in a listing, in the visitor's words; nothing personal is required."""

    class Status(models.TextChoices):
        NEW = "NEW", _("new")
        HANDLED = "HANDLED", _("handled")

    service = models.ForeignKey(
        SupportService,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="error_reports",
    )
    text = models.TextField(_("what is wrong"), max_length=MAX_REPORT_LENGTH)
    reply_to = models.CharField(
        _("reply address"),
        max_length=MAX_REPLY_TO_LENGTH,
        blank=True,
        help_text=_("Optional. Erased once the report is handled."),
    )
    # Index: the coordinators' queue lists new reports, newest first.
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="NEW", handled_at__isnull=True)
                | models.Q(status="HANDLED", handled_at__isnull=False),
                name="error_report_handled_has_a_time",
                violation_error_message=_("A handled report has a time of handling."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} – {self.created_at:%Y-%m-%d %H:%M}"

    def mark_handled(self, *, by: User, when: dt.datetime | None = None) -> None:
        """Handled: the reply address is no longer needed and is erased."""
        self.status = self.Status.HANDLED
        self.handled_by = by
        self.handled_at = when or timezone.now()
        self.reply_to = ""
        self.save(update_fields=["status", "handled_by", "handled_at", "reply_to"])
