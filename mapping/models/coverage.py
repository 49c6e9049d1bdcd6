"""Stored results of the coverage engine (mapping/coverage.py) and its monthly snapshots."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoverageState(models.Model):
    """The engine's whole result as one compressed blob, replaced as a unit.

    One row holds, for every published service, its footprint (the postal areas it is
    available to) with its tier, target groups and life situations, plus the per postal area ×
    tier × target group counts of available services (``mapping.engine.State``). Readers fetch
    one row; writers replace it only if ``version`` is still the one they read, so two
    recomputations never lose each other's work.
    """

    version = models.PositiveBigIntegerField(_("version"), default=0)
    # Changes on every write; caches of decoded results are keyed by it (a version number
    # alone could repeat after a rollback).
    token = models.UUIDField(_("token"), default=uuid.uuid4)
    computed_at = models.DateTimeField(_("computed"))
    full_computed_at = models.DateTimeField(_("last full recomputation"))
    services = models.PositiveIntegerField(_("services"), default=0)
    data = models.BinaryField(_("data"))

    class Meta:
        verbose_name = _("coverage result")
        verbose_name_plural = _("coverage results")

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M} (v{self.version})"


class CoverageSnapshot(models.Model):
    """One municipality's coverage on one date, for the trend (``mapping.coverage.trend``).

    ``covered`` maps ``"TIER:TARGET_GROUP"`` to the children covered in that cell; a cell left
    out had none. One row per municipality and date keeps a monthly snapshot at 308 rows.
    """

    date = models.DateField(_("date"))
    municipality = models.CharField(_("municipality code"), max_length=3)
    county = models.CharField(_("county code"), max_length=2)
    children = models.FloatField(_("estimated children 0–17"))
    covered = models.JSONField(_("covered children per tier and target group"), default=dict)

    class Meta:
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")
        ordering = ["date", "municipality"]
        constraints = [
            # Also the index of replacing a date's snapshot; trend() reads whole dates.
            models.UniqueConstraint(
                fields=["date", "municipality"], name="coverage_snapshot_unique_per_date"
            ),
            models.CheckConstraint(
                condition=models.Q(children__gte=0), name="coverage_snapshot_children_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.municipality}"

    @staticmethod
    def key(tier: str, target_group: str) -> str:
        return f"{tier}:{target_group}"
