"""Review: what an editor asks a coordinator to publish.

Two kinds of request share one table:

- ``PUBLICATION``: a draft service is submitted (its status becomes pending review); the rows
  are the draft itself.
- ``CHANGE``: a change to a published service. The public keeps seeing the published rows;
  the proposed state is kept here as a service document (``services.catalogue.documents``)
  until a coordinator approves it (then it is written through the catalogue's write path) or
  returns it with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.models.catalogue import SupportService


class ServiceRevisionQuerySet(models.QuerySet):
    def pending(self) -> ServiceRevisionQuerySet:
        return self.filter(status=ServiceRevision.Status.PENDING)

    def open(self) -> ServiceRevisionQuerySet:
        """Not yet sent, pending, or returned to the editor and not yet sent again: the
        statuses of ``is_open`` and of the one-open-request-per-service constraint."""
        return self.filter(
            status__in=[
                ServiceRevision.Status.DRAFT,
                ServiceRevision.Status.PENDING,
                ServiceRevision.Status.RETURNED,
            ]
        )


class ServiceRevision(models.Model):
    class Kind(models.TextChoices):
        PUBLICATION = "PUBLICATION", _("publication of a new service")
        CHANGE = "CHANGE", _("change to a published service")

    class Status(models.TextChoices):
        # Kept but not yet sent for review: an editor's unfinished change to a published service.
        DRAFT = "DRAFT", _("not yet submitted")
        PENDING = "PENDING", _("waiting for review")
        RETURNED = "RETURNED", _("returned to the editor")
        APPROVED = "APPROVED", _("approved")
        WITHDRAWN = "WITHDRAWN", _("withdrawn")

    service = models.ForeignKey(
        SupportService,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # The proposed service (CHANGE only); see services.catalogue.documents.
    document = models.JSONField(_("proposed service"), null=True, blank=True)
    # The service's version the proposal started from: approving it over a newer version
    # would undo someone else's change, so the coordinator is told.
    base_version = models.PositiveIntegerField(_("based on version"))
    # Raised by every save of the proposal, for the editor's conflict check.
    edits = models.PositiveIntegerField(_("number of saves"), default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note to the reviewer"), blank=True, max_length=2000)
    # Index: the coordinators' review list is ordered by the time of sending.
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("sent for review"), null=True, blank=True, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reason = models.TextField(_("reason for returning"), blank=True, max_length=2000)

    objects = ServiceRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["submitted_at", "pk"]
        constraints = [
            # One open request per service: a second editor continues the first one's.
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status__in=["DRAFT", "PENDING", "RETURNED"]),
                name="service_revision_one_open_per_service",
                violation_error_message=_("This service already has an open review request."),
            ),
            models.CheckConstraint(
                condition=Q(kind="PUBLICATION") | Q(document__isnull=False),
                name="service_revision_change_has_a_document",
                violation_error_message=_("A change needs the proposed service."),
            ),
            models.CheckConstraint(
                condition=~Q(status="RETURNED") | ~Q(reason=""),
                name="service_revision_returned_has_a_reason",
                violation_error_message=_("Say why the request is returned."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} – {self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PENDING, self.Status.RETURNED)
