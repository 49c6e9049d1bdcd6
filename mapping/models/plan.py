"""The action plan: what the coordinators and providers will do to close each gap."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from services.models import LifeSituation, Municipality, Organisation, TargetGroup, Tier


class ActionQuerySet(models.QuerySet):
    def in_county(self, county: str) -> ActionQuerySet:
        return self.filter(municipality__county_id=county)

    def for_gap(
        self,
        *,
        municipality: str,
        tier: str,
        target_group: str,
        life_situation: str | None = None,
    ) -> ActionQuerySet:
        return self.filter(
            municipality_id=municipality,
            tier_id=tier,
            target_group_id=target_group,
            life_situation_id=life_situation,
        )

    def open(self) -> ActionQuerySet:
        return self.filter(status__in=[Action.Status.PLANNED, Action.Status.IN_PROGRESS])

    def with_names(self) -> ActionQuerySet:
        """Everything a plan row shows, in one query."""
        return self.select_related(
            "municipality__county", "tier", "target_group", "life_situation", "owner"
        )


class Action(models.Model):
    """One step towards closing a gap: a (municipality, tier, target group) left uncovered,
    optionally narrowed to one life situation."""

    class Kind(models.TextChoices):
        EXTEND = "EXTEND", _("extend an existing service")
        NEW = "NEW", _("start a new service")
        PROMOTE = "PROMOTE", _("promote a digital service")
        PROCURE = "PROCURE", _("procure a service")

    class Status(models.TextChoices):
        PLANNED = "PLANNED", _("planned")
        IN_PROGRESS = "IN_PROGRESS", _("in progress")
        DONE = "DONE", _("done")
        CANCELLED = "CANCELLED", _("cancelled")

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT)
    target_group = models.ForeignKey(
        TargetGroup, verbose_name=_("target group"), on_delete=models.PROTECT
    )
    life_situation = models.ForeignKey(
        LifeSituation,
        verbose_name=_("life situation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leave empty when the gap concerns every life situation."),
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=2000)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]
        indexes = [
            # The plan of one gap (the gap rows' action counts) and of one municipality.
            models.Index(fields=["municipality", "tier", "target_group"], name="action_gap_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(description=""),
                name="action_has_a_description",
                violation_error_message=_("Describe the action."),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.municipality_id} {self.tier_id} {self.target_group_id}: {self.description[:60]}"
        )

    def get_absolute_url(self) -> str:
        return reverse("mapping:action_edit", args=[self.pk])

    @property
    def gap_key(self) -> tuple[str, str, str, str | None]:
        return (self.municipality_id, self.tier_id, self.target_group_id, self.life_situation_id)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)
