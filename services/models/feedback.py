"""Error reports: a visitor tells the coordinators that a listing is wrong.

A report is new, then in progress (someone took it), then resolved or rejected. The reporter
may leave an e-mail address to hear the outcome; it is erased when the report is closed
(``services.reports``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.models.catalogue import SupportService

MAX_REPORT_LENGTH = 2000
MAX_REPLY_TO_LENGTH = 200
MAX_NOTE_LENGTH = 2000


class ErrorReportQuerySet(models.QuerySet):
    def new(self) -> ErrorReportQuerySet:
        return self.filter(status=ErrorReport.Status.NEW)

    def open(self) -> ErrorReportQuerySet:
        return self.filter(status__in=ErrorReport.OPEN)


class ErrorReport(models.Model):
    """What is wrong in a listing, in the visitor's words; nothing personal is required."""

    class Status(models.TextChoices):
        NEW = "NEW", _("new")
        IN_PROGRESS = "IN_PROGRESS", _("in progress")
        RESOLVED = "RESOLVED", _("resolved")
        REJECTED = "REJECTED", _("rejected")

    OPEN = (Status.NEW, Status.IN_PROGRESS)
    CLOSED = (Status.RESOLVED, Status.REJECTED)

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
        help_text=_("Optional. Erased once the report is closed."),
    )
    # The language of the page the report was sent from: the reporter hears of it in that one.
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Index: the coordinators' queue lists open reports, oldest first.
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.TextField(
        _("message to the reporter"),
        blank=True,
        max_length=MAX_NOTE_LENGTH,
        help_text=_("Sent to the reporter's address, if they left one, when the report closes."),
    )

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["NEW", "IN_PROGRESS"], closed_at__isnull=True)
                | models.Q(status__in=["RESOLVED", "REJECTED"], closed_at__isnull=False),
                name="error_report_closed_has_a_time",
                violation_error_message=_("A closed report has a time of closing."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["NEW", "IN_PROGRESS"]) | models.Q(reply_to=""),
                name="error_report_closed_keeps_no_address",
                violation_error_message=_("A closed report keeps no reply address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} – {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ErrorReportNote(models.Model):
    """An internal note on a report: what was checked, who was asked. Never shown publicly."""

    report = models.ForeignKey(
        ErrorReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=MAX_NOTE_LENGTH)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.text[:40]}"
