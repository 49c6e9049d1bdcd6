"""Serializers of the read API /api/v1/.

Texts translated into Finnish, Swedish and English are objects ``{"fi": ..., "sv": ...,
"en": ...}`` (an empty string where a translation is missing), never chosen by the request's
language. Taxonomy terms are referred to by their codes; their labels are at /api/v1/tiers/,
/api/v1/channels/ and so on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from services.models import (
    Attribute,
    Channel,
    ContactPoint,
    GroupSession,
    Language,
    LifeSituation,
    Location,
    Method,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    PostalArea,
    ServiceClass,
    SupportService,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)

LANGUAGES = ("fi", "sv", "en")
TRANSLATED_SCHEMA = {
    "type": "object",
    "properties": {language: {"type": "string"} for language in LANGUAGES},
    "required": list(LANGUAGES),
    "description": "The text in Finnish, Swedish and English; empty where not translated.",
}


@extend_schema_field(TRANSLATED_SCHEMA)
class TranslatedField(serializers.Field):
    """All translations of a modeltranslation field: ``{"fi": ..., "sv": ..., "en": ...}``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, instance: object) -> dict[str, str]:
        name = self.field_name
        return {language: getattr(instance, f"{name}_{language}") or "" for language in LANGUAGES}


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CodesField(serializers.Field):
    """The codes of a many-to-many relation's terms, in the terms' order: read in bulk into
    ``instance.codes`` (``services.api.attach_codes``), or else from the relation."""

    def __init__(self, attribute: str = "pk", **kwargs: Any) -> None:
        self.attribute = attribute
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: object) -> object:
        codes = getattr(instance, "codes", None)
        if codes is not None:
            return codes.get(self.source, [])
        return [getattr(term, self.attribute) for term in getattr(instance, self.source).all()]

    def to_representation(self, codes: list[str]) -> list[str]:
        return list(codes)


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "example": "08:00",
        "description": "Local time in Finland (Europe/Helsinki); 00:00 as a closing time "
        "means midnight.",
    }
)
class LocalTimeField(serializers.Field):
    """A time of day as HH:MM, local time: opening hours are wall-clock times."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: dt.time) -> str:
        return value.strftime("%H:%M")


# Taxonomies ----------------------------------------------------------------------------------


class TermSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        fields = ["code", "name", "order"]


class TierSerializer(TermSerializer):
    class Meta(TermSerializer.Meta):
        model = Tier


class ChannelSerializer(TermSerializer):
    class Meta(TermSerializer.Meta):
        model = Channel
        fields = [*TermSerializer.Meta.fields, "is_remote"]


class TargetGroupSerializer(TermSerializer):
    class Meta(TermSerializer.Meta):
        model = TargetGroup


class LifeSituationSerializer(TermSerializer):
    class Meta(TermSerializer.Meta):
        model = LifeSituation


class AttributeSerializer(TermSerializer):
    class Meta(TermSerializer.Meta):
        model = Attribute


class LanguageSerializer(TermSerializer):
    class Meta(TermSerializer.Meta):
        model = Language


class ServiceClassSerializer(TermSerializer):
    description = TranslatedField()

    class Meta(TermSerializer.Meta):
        model = ServiceClass
        fields = [*TermSerializer.Meta.fields, "parent", "description"]


class MethodSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    description = TranslatedField()

    class Meta:
        model = Method
        fields = ["slug", "name", "description", "rating", "rated_on", "source_url"]


# Geography -----------------------------------------------------------------------------------


class CountySerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = WellbeingServicesCounty
        fields = ["code", "name", "is_wellbeing_services_county"]


class MunicipalitySerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = Municipality
        fields = [
            "code",
            "name",
            "county",
            "is_bilingual",
            "majority_language",
            "population",
            "population_year",
            "children_share",
            "children_share_year",
            "latitude",
            "longitude",
        ]


class PostalAreaSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = PostalArea
        fields = [
            "code",
            "name",
            "municipality",
            "latitude",
            "longitude",
            "centre_is_estimated",
            "population",
            "population_year",
            "children_estimate",
        ]


# Catalogue -----------------------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    description = TranslatedField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "uuid",
            "name",
            "description",
            "kind",
            "business_id",
            "website",
            "email",
            "phone",
            "parent",
            "source",
            "external_id",
            "created_at",
            "updated_at",
        ]


class OrganisationBriefSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = Organisation
        fields = ["id", "uuid", "name", "kind"]


class OpeningHoursSerializer(serializers.ModelSerializer):
    opens = LocalTimeField()
    closes = LocalTimeField()

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class OpeningHoursExceptionSerializer(serializers.ModelSerializer):
    opens = LocalTimeField(allow_null=True, help_text="Empty: closed.")
    closes = LocalTimeField(allow_null=True)
    note = TranslatedField()

    class Meta:
        model = OpeningHoursException
        fields = ["start_date", "end_date", "opens", "closes", "note"]


class LocationSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    street_address = TranslatedField()
    accessibility_notes = TranslatedField()
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    opening_hours_exceptions = OpeningHoursExceptionSerializer(many=True, read_only=True)

    class Meta:
        model = Location
        fields = [
            "id",
            "uuid",
            "service",
            "name",
            "street_address",
            "postal_code",
            "municipality",
            "latitude",
            "longitude",
            "capacity",
            "step_free",
            "stroller_access",
            "hearing_loop",
            "accessibility_notes",
            "opening_hours",
            "opening_hours_exceptions",
            "source",
            "external_id",
        ]


class ContactPointSerializer(serializers.ModelSerializer):
    label = TranslatedField()
    charge = TranslatedField()
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    opening_hours_exceptions = OpeningHoursExceptionSerializer(many=True, read_only=True)

    class Meta:
        model = ContactPoint
        fields = [
            "kind",
            "value",
            "label",
            "charge",
            "order",
            "opening_hours",
            "opening_hours_exceptions",
        ]


class ServiceSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    name = TranslatedField()
    summary = TranslatedField()
    description = TranslatedField()
    how_to_get = TranslatedField()
    eligibility = TranslatedField()
    cost_description = TranslatedField()
    tier = serializers.CharField(source="tier_id", read_only=True)
    channels = CodesField()
    target_groups = CodesField()
    life_situations = CodesField()
    attributes = CodesField()
    languages = CodesField()
    service_classes = CodesField()
    methods = CodesField(attribute="slug")
    area_counties = CodesField()
    area_municipalities = CodesField()
    locations = LocationSerializer(many=True, read_only=True)
    contact_points = ContactPointSerializer(many=True, read_only=True)

    class Meta:
        model = SupportService
        fields = [
            "id",
            "uuid",
            "organisation",
            "name",
            "summary",
            "description",
            "how_to_get",
            "eligibility",
            "cost_description",
            "website",
            "tier",
            "channels",
            "target_groups",
            "life_situations",
            "attributes",
            "languages",
            "min_age",
            "max_age",
            "prenatal",
            "is_nationwide",
            "area_counties",
            "area_municipalities",
            "methods",
            "service_classes",
            "status",
            "verified_at",
            "source",
            "external_id",
            "created_at",
            "updated_at",
            "locations",
            "contact_points",
        ]


class GroupSessionSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    description = TranslatedField()
    place = TranslatedField()
    language = serializers.CharField(source="language_id", read_only=True, allow_null=True)

    class Meta:
        model = GroupSession
        fields = [
            "id",
            "uuid",
            "service",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "location",
            "place",
            "online_url",
            "language",
            "seats",
            "registration_url",
            "is_cancelled",
        ]
