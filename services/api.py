"""The read API /api/v1/: catalogue, taxonomies and geography.

Anyone may read; anonymous clients are throttled (``REST_FRAMEWORK`` in settings). Services,
their locations and sessions are the published ones unless the user is staff. Every list is
paged and ordered by primary key (or code), and reads a fixed number of queries whatever the
page size.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from services import filters, serializers
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
    Organisation,
    PostalArea,
    ServiceClass,
    SupportService,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)

MAX_PAGE_SIZE = 200


class Pagination(PageNumberPagination):
    """``page`` and ``page_size`` (default 50, at most 200); a bad value is a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError(
                {
                    "page_size": [
                        _("Give a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}
                    ]
                }
            )
        return min(int(raw), self.max_page_size)

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: APIView | None = None
    ) -> list | None:
        raw = request.query_params.get(self.page_query_param, "")
        if raw and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({"page": [_("Give a page number of 1 or more.")]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound(_("There is no such page.")) from None


class ReadOnlyOrStaff(permissions.BasePermission):
    """Anyone may read; only staff may change anything (there are no writes yet)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_staff)


def is_staff(request: Request) -> bool:
    return bool(request.user and request.user.is_authenticated and request.user.is_staff)


def visible_services(request: Request) -> QuerySet[SupportService]:
    services = SupportService.objects.all()
    return services if is_staff(request) else services.published()


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadOnlyOrStaff]
    pagination_class = Pagination


# Catalogue -----------------------------------------------------------------------------------


def hours_prefetches() -> tuple[str, str]:
    return ("opening_hours", "opening_hours_exceptions")


class ServiceViewSet(ReadOnlyViewSet):
    """Support services (published ones unless you are staff), with their service points and
    contact points. Filters as in the public search."""

    serializer_class = serializers.ServiceSerializer
    filterset_class = filters.ServiceFilter

    def get_queryset(self) -> QuerySet[SupportService]:
        return (
            visible_services(self.request)
            .select_related("organisation")
            .prefetch_related(
                Prefetch(
                    "locations",
                    queryset=Location.objects.order_by("pk").prefetch_related(*hours_prefetches()),
                ),
                Prefetch(
                    "contact_points",
                    queryset=ContactPoint.objects.order_by("order", "pk").prefetch_related(
                        *hours_prefetches()
                    ),
                ),
            )
            .order_by("pk")
        )

    def paginate_queryset(self, queryset: QuerySet) -> list | None:
        page = super().paginate_queryset(queryset)
        return attach_codes(page) if page is not None else None

    def get_object(self) -> SupportService:
        return attach_codes([super().get_object()])[0]


# Codes of a service's taxonomy terms: relation -> (column of the code, ordering of the terms).
CODE_RELATIONS = {
    "channels": ("channel_id", ("channel__order", "channel_id")),
    "target_groups": ("targetgroup_id", ("targetgroup__order", "targetgroup_id")),
    "life_situations": ("lifesituation_id", ("lifesituation__order", "lifesituation_id")),
    "attributes": ("attribute_id", ("attribute__order", "attribute_id")),
    "languages": ("language_id", ("language__order", "language_id")),
    "service_classes": ("serviceclass_id", ("serviceclass__order", "serviceclass_id")),
    "methods": ("method__slug", ("method__slug",)),
    "area_counties": ("wellbeingservicescounty_id", ("wellbeingservicescounty_id",)),
    "area_municipalities": ("municipality_id", ("municipality_id",)),
}


def attach_codes(services: list[SupportService]) -> list[SupportService]:
    """Read the codes of the services' taxonomy terms from the link tables (one query per
    relation, no model instances) into ``service.codes``, for ``CodesField``."""
    ids = [service.pk for service in services]
    codes: dict[int, dict[str, list[str]]] = {pk: {} for pk in ids}
    for relation, (column, ordering) in CODE_RELATIONS.items():
        through = getattr(SupportService, relation).through
        rows = (
            through.objects.filter(supportservice_id__in=ids)
            .order_by(*ordering)
            .values_list("supportservice_id", column)
        )
        for service_id, code in rows:
            codes[service_id].setdefault(relation, []).append(code)
    for service in services:
        service.codes = codes[service.pk]
    return services


class OrganisationViewSet(ReadOnlyViewSet):
    """Providers: municipal units and wellbeing services counties, NGOs, parishes."""

    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    queryset = Organisation.objects.order_by("pk")


class LocationViewSet(ReadOnlyViewSet):
    """Service points of the services you may see, with opening hours."""

    serializer_class = serializers.LocationSerializer
    filterset_class = filters.LocationFilter

    def get_queryset(self) -> QuerySet[Location]:
        return (
            Location.objects.filter(service__in=visible_services(self.request))
            .prefetch_related(*hours_prefetches())
            .order_by("pk")
        )


class GroupSessionViewSet(ReadOnlyViewSet):
    """Dated group meetings, courses and online lectures of the services you may see."""

    serializer_class = serializers.GroupSessionSerializer
    filterset_class = filters.GroupSessionFilter

    def get_queryset(self) -> QuerySet[GroupSession]:
        return GroupSession.objects.filter(service__in=visible_services(self.request)).order_by(
            "starts_at", "pk"
        )


class MethodViewSet(ReadOnlyViewSet):
    """Evidence-based methods and their ratings in the Kasvun tuki method bank."""

    serializer_class = serializers.MethodSerializer
    filterset_class = filters.MethodFilter
    queryset = Method.objects.order_by("slug")
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


# Taxonomies and geography: reference data keyed by code ---------------------------------------


def code_viewset(
    model: type, serializer: type, doc: str, filterset: type | None = None
) -> type[viewsets.ReadOnlyModelViewSet]:
    ordering = ["order", "code"] if hasattr(model, "order") else ["code"]
    attributes = {
        "__doc__": doc,
        "queryset": model.objects.order_by(*ordering),
        "serializer_class": serializer,
        # Codes: letters, digits, "_", "." and "-" (no control characters reach the database).
        "lookup_value_regex": "[A-Za-z0-9_.-]+",
        "filterset_class": filterset,
    }
    viewset = type(f"{model.__name__}ViewSet", (ReadOnlyViewSet,), attributes)
    code = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The code.")
    return extend_schema_view(retrieve=extend_schema(parameters=[code]))(viewset)


router = DefaultRouter()
router.include_format_suffixes = False
router.register("services", ServiceViewSet, basename="service")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("locations", LocationViewSet, basename="location")
router.register("sessions", GroupSessionViewSet, basename="session")
router.register("methods", MethodViewSet, basename="method")
for prefix, model, serializer, doc, filterset in (
    ("tiers", Tier, serializers.TierSerializer, "Tiers of support.", None),
    ("channels", Channel, serializers.ChannelSerializer, "Channels (ways of delivery).", None),
    ("target-groups", TargetGroup, serializers.TargetGroupSerializer, "Target groups.", None),
    (
        "life-situations",
        LifeSituation,
        serializers.LifeSituationSerializer,
        "Life situations.",
        None,
    ),
    ("attributes", Attribute, serializers.AttributeSerializer, "Low-threshold attributes.", None),
    ("languages", Language, serializers.LanguageSerializer, "Languages of service.", None),
    (
        "service-classes",
        ServiceClass,
        serializers.ServiceClassSerializer,
        "Suomi.fi service classes.",
        filters.ServiceClassFilter,
    ),
    (
        "counties",
        WellbeingServicesCounty,
        serializers.CountySerializer,
        "Wellbeing services counties (and Helsinki, Åland).",
        None,
    ),
    (
        "municipalities",
        Municipality,
        serializers.MunicipalitySerializer,
        "Municipalities.",
        filters.MunicipalityFilter,
    ),
    (
        "postal-areas",
        PostalArea,
        serializers.PostalAreaSerializer,
        "Postal code areas with estimated children.",
        filters.PostalAreaFilter,
    ),
):
    router.register(prefix, code_viewset(model, serializer, doc, filterset), basename=prefix)
