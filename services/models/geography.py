"""Geography: reference data shipped with the project and loaded by ``load_reference_data``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Bounds of Finland with a margin (WGS84); points outside are data errors.
FINLAND_LAT = (59.0, 70.5)
FINLAND_LON = (19.0, 32.0)


def in_finland_q(prefix: str = "") -> models.Q:
    """Latitude and longitude both empty, or both inside Finland's bounding box."""
    lat, lon = f"{prefix}latitude", f"{prefix}longitude"
    return models.Q(**{f"{lat}__isnull": True, f"{lon}__isnull": True}) | models.Q(
        **{
            f"{lat}__gte": FINLAND_LAT[0],
            f"{lat}__lte": FINLAND_LAT[1],
            f"{lon}__gte": FINLAND_LON[0],
            f"{lon}__lte": FINLAND_LON[1],
        }
    )


class WellbeingServicesCounty(models.Model):
    """One of the 21 wellbeing services counties, or Helsinki (90) or Åland (91)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    is_wellbeing_services_county = models.BooleanField(
        _("is a wellbeing services county"),
        default=True,
        help_text=_("False for Helsinki, which organises the services itself, and for Åland."),
    )

    class Meta:
        verbose_name = _("wellbeing services county")
        verbose_name_plural = _("wellbeing services counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality of the 2026 division (308)."""

    class Language(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        WellbeingServicesCounty,
        verbose_name=_("wellbeing services county"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    is_bilingual = models.BooleanField(_("bilingual"), default=False)
    majority_language = models.CharField(
        _("majority language"), max_length=2, choices=Language.choices, default=Language.FINNISH
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    population_year = models.PositiveSmallIntegerField(_("year of population"), null=True)
    children_share = models.FloatField(
        _("share of children 0–17"),
        default=0.0,
        help_text=_("Inhabitants aged 0–17 divided by all inhabitants."),
    )
    children_share_year = models.PositiveSmallIntegerField(_("year of children share"), null=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(children_share__gte=0) & models.Q(children_share__lte=1),
                name="municipality_children_share_is_a_share",
            ),
            models.CheckConstraint(condition=in_finland_q(), name="municipality_point_in_finland"),
        ]

    def __str__(self) -> str:
        return self.name


class PostalArea(models.Model):
    """A postal code area (Statistics Finland Paavo) with residents."""

    code = models.CharField(_("postal code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="postal_areas",
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    centre_is_estimated = models.BooleanField(
        _("centre estimated"),
        default=False,
        help_text=_("The source has no centre point; the municipality's centre is used."),
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    population_year = models.PositiveSmallIntegerField(_("year of population"), null=True)
    children_estimate = models.FloatField(
        _("estimated children 0–17"),
        default=0.0,
        help_text=_("Population × the municipality's share of children 0–17."),
    )

    class Meta:
        verbose_name = _("postal area")
        verbose_name_plural = _("postal areas")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=in_finland_q(), name="postal_area_point_in_finland"),
            models.CheckConstraint(
                condition=models.Q(children_estimate__gte=0),
                name="postal_area_children_estimate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Boundary(models.Model):
    """A simplified boundary polygon (GeoJSON, WGS84) for drawing maps.

    Kept apart from the areas themselves so that ordinary queries never carry the geometry.
    """

    class Kind(models.TextChoices):
        COUNTY = "county", _("wellbeing services county")
        MUNICIPALITY = "municipality", _("municipality")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=3)
    geometry = models.JSONField(_("geometry"))

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="boundary_unique_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"
