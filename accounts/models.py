"""Staff accounts and their roles.

Roles (PRODUCT.md "Staff side"):

- a **provider editor** is bound to organisations (``User.organisations``) and keeps their
  services right;
- a **coordinator** is bound to wellbeing services counties (``User.counties``): reviews and
  publishes the services of those counties, runs imports and keeps the action plan there;
- an **administrator** (``is_superuser``) does all of that everywhere and uses the Django admin.

One person may be editor and coordinator at once. What each role may do is answered in
``accounts.permissions``, nowhere else. Parents and professionals use the public site without
an account.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member: provider editor, coordinator or administrator."""

    email = models.EmailField(_("e-mail address"), blank=True)
    organisations = models.ManyToManyField(
        "services.Organisation",
        verbose_name=_("organisations edited"),
        blank=True,
        related_name="editors",
        help_text=_("A provider editor keeps the listings of these organisations up to date."),
    )
    counties = models.ManyToManyField(
        "services.WellbeingServicesCounty",
        verbose_name=_("wellbeing services counties coordinated"),
        blank=True,
        related_name="coordinators",
        help_text=_("A coordinator reviews and publishes the services of these counties."),
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=2,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    weekly_digest = models.BooleanField(
        _("weekly digest"),
        default=True,
        help_text=_(
            "Coordinators: a Monday e-mail of new error reports, reviews waiting, listings that "
            "went stale and coverage gaps that opened or closed."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class InvitationQuerySet(models.QuerySet):
    def open(self, now: dt.datetime | None = None) -> InvitationQuerySet:
        """Not yet accepted and not expired."""
        limit = (now or timezone.now()) - dt.timedelta(days=settings.INVITATION_DAYS)
        return self.filter(accepted_at__isnull=True, created_at__gte=limit)


class Invitation(models.Model):
    """A coordinator asks someone, by e-mail, to become an editor of an organisation.

    The e-mail holds a signed link (``accounts.invitations``) that expires after
    ``INVITATION_DAYS``; whoever opens it sets a password and becomes the editor.
    """

    email = models.EmailField(_("e-mail address"))
    organisation = models.ForeignKey(
        "services.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + dt.timedelta(days=settings.INVITATION_DAYS)

    @property
    def is_expired(self) -> bool:
        return timezone.now() > self.expires_at
