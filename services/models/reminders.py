"""What the freshness reminders sent, so that each person gets one message per round.

``StaleReminder``: per service and staleness (the time since which it is stale: its last
confirmation, or its creation when never confirmed), the day of the first and of the second
reminder. A confirmation starts a new staleness, and the reminders start again.

``ReminderMessage``: one e-mail to one person on one day (a round), claimed before it is sent
and marked once sent; a second run of the same round skips it (``services.reminders``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.models.catalogue import SupportService


class StaleReminder(models.Model):
    service = models.ForeignKey(
        SupportService,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="stale_reminders",
    )
    since = models.DateTimeField(_("stale since"))
    first_sent_on = models.DateField(_("first reminder"))
    second_sent_on = models.DateField(_("second reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("stale listing reminder")
        verbose_name_plural = _("stale listing reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "since"], name="stale_reminder_one_per_staleness"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.since:%Y-%m-%d}"


class ReminderMessage(models.Model):
    class Kind(models.TextChoices):
        STALE = "STALE", _("stale listings")
        DIGEST = "DIGEST", _("weekly digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminder_messages",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    day = models.DateField(_("round"))
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # What the message listed: service ids (reminders) or the digest's figures and gaps.
    content = models.JSONField(_("content"), default=dict, blank=True)

    class Meta:
        verbose_name = _("reminder e-mail")
        verbose_name_plural = _("reminder e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "day"], name="reminder_message_one_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.day}"
