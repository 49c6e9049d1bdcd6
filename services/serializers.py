"""Serializers of the read API /api/v1/.

Texts translated into Finnish, Swedish and English are objects ``{"fi": ..., "sv": ...,
"en": ...}`` (an empty string where a translation is missing), never chosen by the request's
language. Taxonomy terms are referred to by their codes; their labels are at /api/v1/tiers/,
/api/v1/channels/ and so on.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db import connection
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from services.id_queries import ValuesByIds
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
from services.opening_hours import HELSINKI

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
    ``instance.codes`` (``services.codes.service_codes``), or else from the relation."""

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


# The service list, read from values ----------------------------------------------------------
#
# ``ServiceSerializer`` builds a model instance for every location, contact point, opening
# interval and exception of a page and asks each field of each for its value: 150 ms for a
# page of 50 services. ``service_documents`` reads the same records as plain values, a fixed
# number of queries, and writes the same JSON (pinned by tests/api/test_service_documents.py).

SERVICE_TEXTS = ("name", "summary", "description", "how_to_get", "eligibility", "cost_description")
LOCATION_TEXTS = ("name", "street_address", "accessibility_notes")
CONTACT_TEXTS = ("label", "charge")


def _columns(*fields: str) -> tuple[str, ...]:
    return tuple(f"{name}_{language}" for name in fields for language in LANGUAGES)


def _texts(row: dict[str, Any], name: str) -> dict[str, str]:
    fi, sv, en = _text_columns(name)
    return {"fi": row[fi] or "", "sv": row[sv] or "", "en": row[en] or ""}


@cache
def _text_columns(name: str) -> tuple[str, ...]:
    return tuple(f"{name}_{language}" for language in LANGUAGES)


def _datetime(value: dt.datetime | None) -> str | None:
    """What DRF's ``DateTimeField`` writes (ISO 8601 in Finnish time, the only time zone the
    site uses), without it looking up the active time zone for each value (pinned by
    tests/api/test_service_documents.py)."""
    return None if value is None else value.astimezone(HELSINKI).isoformat()


@cache
def _time(value: dt.time | str | None) -> str | None:
    """ "08:30" of a time read by the ORM or by plain SQL (SQLite gives "08:30:00")."""
    if value is None:
        return None
    return value[:5] if isinstance(value, str) else value.strftime("%H:%M")


def _day(value: dt.date | str) -> str:
    """The ISO date of a date read by plain SQL (SQLite gives it as text already)."""
    return value if isinstance(value, str) else value.isoformat()


def _optional(kind: type, value: Any) -> Any:
    return None if value is None else kind(value)


SERVICE_COLUMNS = (
    "pk", "uuid", "organisation_id", "organisation__uuid", "organisation__kind",
    *(f"organisation__name_{language}" for language in LANGUAGES),
    *_columns(*SERVICE_TEXTS), "website", "tier_id", "min_age", "max_age", "prenatal",
    "is_nationwide", "status", "verified_at", "source", "external_id", "created_at",
    "updated_at",
)  # fmt: skip
LOCATION_COLUMNS = (
    "pk", "uuid", "service_id", "postal_code", "municipality_id", "latitude", "longitude",
    "capacity", "step_free", "stroller_access", "hearing_loop", "source", "external_id",
    *_columns(*LOCATION_TEXTS),
)  # fmt: skip
CONTACT_COLUMNS = ("pk", "service_id", "kind", "value", "order", *_columns(*CONTACT_TEXTS))
HOURS_COLUMNS = ("weekday", "opens", "closes")
EXCEPTION_COLUMNS = ("start_date", "end_date", "opens", "closes", "note_fi", "note_sv", "note_en")


def _hours(owner: str, ids: list[int]) -> tuple[dict[int, list], dict[int, list]]:
    """The opening hours and the exceptions of the locations or contact points ``ids``, in
    the models' own order, by owner: two plain statements (a page has hundreds of intervals,
    and the ORM would build a time object of each only for it to be written out again)."""
    weekly: dict[int, list] = {pk: [] for pk in ids}
    dated: dict[int, list] = {pk: [] for pk in ids}
    if not ids:
        return weekly, dated
    intervals, exceptions = _hours_sql(owner)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(intervals.format(ids=placeholders), ids)
        for owner_id, weekday, opens, closes in cursor.fetchall():
            weekly[owner_id].append(
                {"weekday": weekday, "opens": _time(opens), "closes": _time(closes)}
            )
        cursor.execute(exceptions.format(ids=placeholders), ids)
        for owner_id, start, end, opens, closes, fi, sv, en in cursor.fetchall():
            dated[owner_id].append(
                {
                    "start_date": _day(start),
                    "end_date": _day(end),
                    "opens": _time(opens),
                    "closes": _time(closes),
                    "note": {"fi": fi or "", "sv": sv or "", "en": en or ""},
                }
            )
    return weekly, dated


@cache
def _hours_sql(owner: str) -> tuple[str, str]:
    """``_hours``' two statements for ``owner`` ("location" or "contact_point"), ``{ids}``
    for the placeholders of the owners' ids."""
    quote = connection.ops.quote_name

    def columns(model: type, *names: str) -> str:
        return ", ".join(quote(model._meta.get_field(name).column) for name in names)

    def statement(model: type, selected: tuple[str, ...], order: tuple[str, ...]) -> str:
        key = quote(model._meta.get_field(owner).column)
        return (
            f"SELECT {columns(model, owner, *selected)} FROM {quote(model._meta.db_table)} "
            f"WHERE {key} IN ({{ids}}) ORDER BY {columns(model, *order)}"
        )

    return (
        statement(OpeningHours, HOURS_COLUMNS, ("weekday", "opens", "id")),
        statement(OpeningHoursException, EXCEPTION_COLUMNS, ("start_date", "id")),
    )


# The service points and the contact points of the services ``ids``, in the models' order.
_location_rows = ValuesByIds(
    Location,
    lambda ids: (
        Location.objects.rewrite(False)
        .filter(service_id__in=ids)
        .order_by("pk")
        .values(*LOCATION_COLUMNS)
    ),
)
_contact_rows = ValuesByIds(
    ContactPoint,
    lambda ids: (
        ContactPoint.objects.rewrite(False)
        .filter(service_id__in=ids)
        .order_by("order", "pk")
        .values(*CONTACT_COLUMNS)
    ),
)


def service_documents(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``ServiceSerializer(many=True).data`` of services read as ``SERVICE_COLUMNS`` values,
    with their codes in ``row["codes"]`` (``services.codes.service_codes``): six more queries
    whatever the number of services."""
    ids = [row["pk"] for row in rows]
    locations: dict[int, list] = {pk: [] for pk in ids}
    contact_points: dict[int, list] = {pk: [] for pk in ids}
    place_rows = _location_rows(ids)
    weekly, dated = _hours("location", [row["pk"] for row in place_rows])
    for row in place_rows:
        locations[row["service_id"]].append(
            {
                "id": row["pk"],
                "uuid": str(row["uuid"]),
                "service": row["service_id"],
                "name": _texts(row, "name"),
                "street_address": _texts(row, "street_address"),
                "postal_code": row["postal_code"],
                "municipality": row["municipality_id"],
                "latitude": _optional(float, row["latitude"]),
                "longitude": _optional(float, row["longitude"]),
                "capacity": _optional(int, row["capacity"]),
                "step_free": _optional(bool, row["step_free"]),
                "stroller_access": _optional(bool, row["stroller_access"]),
                "hearing_loop": _optional(bool, row["hearing_loop"]),
                "accessibility_notes": _texts(row, "accessibility_notes"),
                "opening_hours": weekly[row["pk"]],
                "opening_hours_exceptions": dated[row["pk"]],
                "source": row["source"],
                "external_id": row["external_id"],
            }
        )
    point_rows = _contact_rows(ids)
    weekly, dated = _hours("contact_point", [row["pk"] for row in point_rows])
    for row in point_rows:
        contact_points[row["service_id"]].append(
            {
                "kind": row["kind"],
                "value": row["value"],
                "label": _texts(row, "label"),
                "charge": _texts(row, "charge"),
                "order": row["order"],
                "opening_hours": weekly[row["pk"]],
                "opening_hours_exceptions": dated[row["pk"]],
            }
        )
    documents = []
    for row in rows:
        codes = row["codes"]
        documents.append(
            {
                "id": row["pk"],
                "uuid": str(row["uuid"]),
                "organisation": {
                    "id": row["organisation_id"],
                    "uuid": str(row["organisation__uuid"]),
                    "name": _texts(row, "organisation__name"),
                    "kind": row["organisation__kind"],
                },
                **{name: _texts(row, name) for name in SERVICE_TEXTS},
                "website": row["website"],
                "tier": row["tier_id"],
                **{relation: codes.get(relation, []) for relation in CODED[:5]},
                "min_age": row["min_age"],
                "max_age": row["max_age"],
                "prenatal": row["prenatal"],
                "is_nationwide": row["is_nationwide"],
                **{relation: codes.get(relation, []) for relation in CODED[5:]},
                "status": row["status"],
                "verified_at": _datetime(row["verified_at"]),
                "source": row["source"],
                "external_id": row["external_id"],
                "created_at": _datetime(row["created_at"]),
                "updated_at": _datetime(row["updated_at"]),
                "locations": locations[row["pk"]],
                "contact_points": contact_points[row["pk"]],
            }
        )
    return documents


# The coded relations in the order of ServiceSerializer.Meta.fields (ages come between).
CODED = (
    "channels", "target_groups", "life_situations", "attributes", "languages",
    "area_counties", "area_municipalities", "methods", "service_classes",
)  # fmt: skip
