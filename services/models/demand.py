"""The demand signal: what the public searched for, counted per ISO week.

Only filter codes and the municipality are kept — never the free text of a search, never an
IP address or a cookie. The coverage mapping ranks gaps by searches that found nothing local.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.models.geography import Municipality


class SearchDemand(models.Model):
    week = models.DateField(_("week"), help_text=_("The Monday of the ISO week."))
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    tier = models.CharField(_("tier"), max_length=40, blank=True)
    target_group = models.CharField(_("target group"), max_length=40, blank=True)
    life_situation = models.CharField(_("life situation"), max_length=40, blank=True)
    other_filters = models.CharField(
        _("other filters"),
        max_length=1000,
        blank=True,
        help_text=_("The remaining filter codes in a canonical order, e.g. channel=CHAT&free=1."),
    )
    found_local = models.BooleanField(
        _("found a local service"),
        help_text=_("At least one result was available in the municipality."),
    )
    count = models.PositiveIntegerField(_("searches"), default=0)

    class Meta:
        verbose_name = _("search demand")
        verbose_name_plural = _("search demand")
        # The constraints double as the indexes of the weekly gap ranking, which reads one
        # week's rows per municipality.
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "week",
                    "municipality",
                    "tier",
                    "target_group",
                    "life_situation",
                    "other_filters",
                    "found_local",
                ],
                condition=Q(municipality__isnull=False),
                name="search_demand_unique_per_week_and_filters",
            ),
            models.UniqueConstraint(
                fields=[
                    "week",
                    "tier",
                    "target_group",
                    "life_situation",
                    "other_filters",
                    "found_local",
                ],
                condition=Q(municipality__isnull=True),
                name="search_demand_unique_per_week_and_filters_without_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.municipality_id or '-'} {self.count}"
