"""Filters of the read API /api/v1/ (django-filter).

The service filters are the public search's: the FilterSet checks the parameters (a bad one is
answered with 400 and a message naming it) and hands them to ``services.search.filter_services``
as a ``SearchRequest``, so the API and the search page always find the same services.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.utils import translate_validation

from services.models import (
    Channel,
    GroupSession,
    Language,
    LifeSituation,
    Location,
    Method,
    Municipality,
    Organisation,
    PostalArea,
    ServiceClass,
    SupportService,
    TargetGroup,
    Tier,
)
from services.places import MAX_PLACE_LENGTH, Place, resolve_place
from services.reference_data import REFERENCE_DIR, parse_taxonomies
from services.search import MAX_AGE, MAX_TEXT_LENGTH, SearchRequest, filter_services

# Multi-valued code filters: parameter -> (SearchRequest attribute, search index facet).
CODE_FILTERS = {
    "tier": ("tiers", "tier"),
    "channel": ("channels", "channel"),
    "target_group": ("target_groups", "target_group"),
    "life_situation": ("life_situations", "life_situation"),
    "language": ("languages", "language"),
}
FLAGS = ("free", "no_referral", "anonymous", "evenings")


class PlaceField(forms.CharField):
    """A postal code or a municipality's name, resolved to a ``Place``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_PLACE_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Place | None:
        text = super().clean(value)
        if not text:
            return None
        place = resolve_place(text)
        if place is None:
            raise forms.ValidationError(
                _(
                    "No postal code or municipality “%(place)s” was found. Enter a Finnish postal "
                    "code (five digits) or the name of a municipality in Finnish or Swedish."
                ),
                params={"place": text},
            )
        return place


class PlaceFilter(django_filters.Filter):
    field_class = PlaceField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number; ids are bounded so that no database overflows."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


def within_database_range(moment: dt.datetime) -> dt.datetime:
    """An aware moment as UTC, the way the database compares it; a moment so early or so late
    that it has no UTC equivalent (0001-01-01 in Helsinki, 9999-12-31T23:00-05:00) becomes the
    first or the last moment there is, so that a filter on it finds everything or nothing
    instead of failing."""
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        return (dt.datetime.min if moment.year == dt.MINYEAR else dt.datetime.max).replace(
            tzinfo=dt.UTC
        )


class BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date and time (a date alone is its midnight in Finland), within the
    database's range (``within_database_range``)."""

    def to_python(self, value: Any) -> dt.datetime | None:
        moment = super().to_python(value)
        return within_database_range(moment) if moment is not None else None


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no, on/off); anything else is an error, not "no filter"."""

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def to_python(self, value: Any) -> bool | None:
        text = str(value).strip().lower() if value is not None else ""
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("Enter true or false."))

    def validate(self, value: bool | None) -> None:
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@cache
def shipped_codes() -> dict[str, list[str]]:
    """The taxonomy codes shipped in the reference data (the database loads exactly these).

    Read from the file, not the database, so that the OpenAPI schema lists them as enums
    without a database and a request checks them without a query.
    """
    taxonomies = parse_taxonomies(REFERENCE_DIR)
    models = {
        "tier": Tier,
        "channel": Channel,
        "target_group": TargetGroup,
        "life_situation": LifeSituation,
        "language": Language,
    }
    return {facet: list(taxonomies[model]) for facet, model in models.items()}


def code_choices(facet: str) -> list[tuple[str, str]]:
    return [(code, code) for code in shipped_codes()[facet]]


class ServiceFilter(django_filters.FilterSet):
    """The public search's filters, and the database's (``organisation``, ``method``,
    ``updated_since``, ``status``)."""

    q = django_filters.CharFilter(
        method="skip",
        max_length=MAX_TEXT_LENGTH,
        help_text="Search words, matched as the public search matches them (Finnish-aware).",
    )
    place = PlaceFilter(
        method="skip",
        help_text="Postal code or municipality (Finnish or Swedish name): services whose area "
        "served includes it.",
    )
    tier = django_filters.MultipleChoiceFilter(
        method="skip", choices=lambda: code_choices("tier"), help_text="Tier code (repeatable)."
    )
    channel = django_filters.MultipleChoiceFilter(
        method="skip",
        choices=lambda: code_choices("channel"),
        help_text="Channel code; any of them (repeatable).",
    )
    target_group = django_filters.MultipleChoiceFilter(
        method="skip",
        choices=lambda: code_choices("target_group"),
        help_text="Target group code; any of them (repeatable). Services for all parents "
        "count for mothers and fathers.",
    )
    life_situation = django_filters.MultipleChoiceFilter(
        method="skip",
        choices=lambda: code_choices("life_situation"),
        help_text="Life situation code; any of them (repeatable).",
    )
    language = django_filters.MultipleChoiceFilter(
        method="skip",
        choices=lambda: code_choices("language"),
        help_text="Language of service (ISO 639); any of them (repeatable).",
    )
    age = IntegerFilter(
        method="skip",
        min_value=0,
        max_value=MAX_AGE,
        help_text="Child's age in whole years (0–17).",
    )
    free = BooleanFilter(method="skip", help_text="Free of charge only.")
    no_referral = BooleanFilter(method="skip", help_text="No referral needed.")
    anonymous = BooleanFilter(method="skip", help_text="Can be used anonymously.")
    evenings = BooleanFilter(method="skip", help_text="Open evenings or weekends (or 24/7).")
    organisation = IntegerFilter(
        field_name="organisation_id",
        min_value=1,
        help_text="Provider id.",
    )
    method = django_filters.CharFilter(
        field_name="methods__slug", max_length=80, help_text="Evidence-based method (slug)."
    )
    updated_since = DateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after (ISO 8601)."
    )
    status = django_filters.MultipleChoiceFilter(
        choices=SupportService.Status.choices,
        help_text="Status (staff only; others see published services only).",
    )

    class Meta:
        model = SupportService
        fields: list[str] = []

    def get_form_class(self) -> type[forms.Form]:
        return service_filter_form()

    def skip(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        """The search filters are applied together in ``filter_queryset``."""
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = filter_services(super().filter_queryset(queryset), self.search_request())
        if self.form.cleaned_data.get("method"):
            queryset = queryset.distinct()
        return queryset

    def search_request(self) -> SearchRequest:
        """The search filters of the (valid) parameters."""
        return search_request_of(self.form.cleaned_data)


def search_request_of(data: dict[str, Any]) -> SearchRequest:
    """The search filters of ``ServiceFilter``'s cleaned parameters."""
    return SearchRequest(
        text=data.get("q") or "",
        place=data.get("place"),
        age=data.get("age"),
        **{
            attribute: tuple(data.get(parameter) or ())
            for parameter, (attribute, _facet) in CODE_FILTERS.items()
        },
        **{flag: bool(data.get(flag)) for flag in FLAGS},
    )


def checked_search_request(params: QueryDict) -> SearchRequest:
    """The search filters of ``params``, checked as ``ServiceFilter`` checks them (a bad one
    raises DRF's ValidationError, a 400), without making a filter set: the search index
    answers them, not a queryset."""
    form = service_filter_form()(params)
    if not form.is_valid():
        raise translate_validation(form.errors)
    return search_request_of(form.cleaned_data)


@cache
def service_filter_form() -> type[forms.Form]:
    """The form checking ``ServiceFilter``'s parameters, made once: django-filter makes it
    again for each request, and with sixteen filters that is most of a page's work (its fields
    depend on the filters' definitions only)."""
    return django_filters.FilterSet.get_form_class(
        ServiceFilter(queryset=SupportService.objects.none())
    )


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="by_name", max_length=200, help_text="Part of the name in any language."
    )
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)
    business_id = django_filters.CharFilter(max_length=9)

    class Meta:
        model = Organisation
        fields: list[str] = []

    def by_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name_fi__icontains=value) | Q(name_sv__icontains=value) | Q(name_en__icontains=value)
        )


class LocationFilter(django_filters.FilterSet):
    service = IntegerFilter(field_name="service_id", min_value=1)
    municipality = django_filters.CharFilter(field_name="municipality_id", max_length=3)
    postal_code = django_filters.CharFilter(max_length=5)

    class Meta:
        model = Location
        fields: list[str] = []


class GroupSessionFilter(django_filters.FilterSet):
    service = IntegerFilter(field_name="service_id", min_value=1)
    starts_after = DateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = DateTimeFilter(field_name="starts_at", lookup_expr="lt")
    language = django_filters.CharFilter(field_name="language_id", max_length=40)
    is_cancelled = BooleanFilter()

    class Meta:
        model = GroupSession
        fields: list[str] = []


class MethodFilter(django_filters.FilterSet):
    rating = IntegerFilter(min_value=1, max_value=5, help_text="Rating 1–5.")

    class Meta:
        model = Method
        fields: list[str] = []


class ServiceClassFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", max_length=40)

    class Meta:
        model = ServiceClass
        fields: list[str] = []


class MunicipalityFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="county_id", max_length=2)

    class Meta:
        model = Municipality
        fields: list[str] = []


class PostalAreaFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality_id", max_length=3)

    class Meta:
        model = PostalArea
        fields: list[str] = []
