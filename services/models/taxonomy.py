"""Taxonomies of DOMAIN.md and the official code lists the catalogue uses.

Each term is keyed by its stable code, so a service's links hold the codes themselves and
filters by code need no join. Labels are loaded from ``services/data/taxonomies.csv`` by
``load_reference_data``; a native speaker corrects them there.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Term(models.Model):
    code = models.CharField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Tier(Term):
    """Digital, universal individual, universal group or specialist."""

    class Meta(Term.Meta):
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    @property
    def is_specialist(self) -> bool:
        return self.code == "SPECIALIST"


class Channel(Term):
    """How a service is delivered: in person, home visit, phone, chat, online group, ..."""

    is_remote = models.BooleanField(
        _("remote"),
        default=False,
        help_text=_("Reaches a family wherever it lives (phone, chat, online ...)."),
    )

    class Meta(Term.Meta):
        verbose_name = _("channel")
        verbose_name_plural = _("channels")


class TargetGroup(Term):
    class Meta(Term.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class LifeSituation(Term):
    class Meta(Term.Meta):
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")


class Attribute(Term):
    """Low-threshold attributes: free, no referral, anonymous, open 24/7, evenings/weekends."""

    class Meta(Term.Meta):
        verbose_name = _("low-threshold attribute")
        verbose_name_plural = _("low-threshold attributes")


class Language(Term):
    """A language of service, keyed by its ISO 639 code (639-1 where one exists)."""

    class Meta(Term.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class ServiceClass(Term):
    """Suomi.fi service class (koodisto ``ptvserclass2``), e.g. P3.1 Parisuhde."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta(Term.Meta):
        verbose_name = _("Suomi.fi service class")
        verbose_name_plural = _("Suomi.fi service classes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
