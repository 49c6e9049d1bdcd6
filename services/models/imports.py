"""Imports run by staff or from the command line, with their reports kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from services.importers.base import Report


class ImportRunQuerySet(models.QuerySet):
    def unfinished(self) -> ImportRunQuerySet:
        return self.filter(status__in=[ImportRun.Status.QUEUED, ImportRun.Status.RUNNING])


class ImportRun(models.Model):
    """One import of a file: what was asked, when it ran and what it did."""

    class Kind(models.TextChoices):
        PTV = "ptv", _("Suomi.fi Service Catalogue (PTV) JSON")
        HSDS = "hsds", _("Open Referral HSDS 3.0 (JSON or CSV data package)")
        SPREADSHEET = "spreadsheet", _("Spreadsheet (CSV or XLSX)")

    class Status(models.TextChoices):
        QUEUED = "QUEUED", _("queued")
        RUNNING = "RUNNING", _("running")
        DONE = "DONE", _("done")
        FAILED = "FAILED", _("failed")

    kind = models.CharField(_("kind of file"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    # The uploaded file itself, so that any worker can read it and a dry run can be followed by
    # the real import of the same file. Empty for imports run from the command line.
    content = models.BinaryField(_("content"), blank=True, default=b"", editable=False)
    file_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    dry_run = models.BooleanField(
        _("dry run"), default=False, help_text=_("Check and report only; write nothing.")
    )
    strict = models.BooleanField(
        _("all or nothing"),
        default=False,
        help_text=_("Import nothing if any record is rejected."),
    )
    language = models.CharField(
        _("language of the report"), max_length=8, default=settings.LANGUAGE_CODE
    )
    # Index: the list of imports shows the newest first.
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The county the import is for: only its services are accepted. Empty: any service,
    # nationwide ones included (administrators and the command line).
    county = models.ForeignKey(
        "services.WellbeingServicesCounty",
        verbose_name=_("wellbeing services county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    services_created = models.PositiveIntegerField(_("services created"), default=0)
    services_updated = models.PositiveIntegerField(_("services updated"), default=0)
    rejected = models.PositiveIntegerField(_("rejected records"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("services:import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def report_data(self) -> Report:
        from services.importers.base import Report

        return Report.from_json(self.report or {"kind": self.kind})
