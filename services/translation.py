"""Fields translated into Finnish, Swedish and English (django-modeltranslation)."""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from services import models


@register(
    [
        models.WellbeingServicesCounty,
        models.Municipality,
        models.PostalArea,
        models.Tier,
        models.Channel,
        models.TargetGroup,
        models.LifeSituation,
        models.Attribute,
        models.Language,
    ]
)
class NameTranslation(TranslationOptions):
    fields = ("name",)


@register(models.ServiceClass)
class ServiceClassTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.Method)
class MethodTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.SupportService)
class SupportServiceTranslation(TranslationOptions):
    fields = ("name", "summary", "description", "how_to_get", "eligibility", "cost_description")


@register(models.Location)
class LocationTranslation(TranslationOptions):
    fields = ("name", "street_address", "accessibility_notes")


@register(models.ContactPoint)
class ContactPointTranslation(TranslationOptions):
    fields = ("label", "charge")


@register(models.OpeningHoursException)
class OpeningHoursExceptionTranslation(TranslationOptions):
    fields = ("note",)


@register(models.GroupSession)
class GroupSessionTranslation(TranslationOptions):
    fields = ("title", "description", "place")
