"""The read API /api/v1/: catalogue, taxonomies and geography.

Anyone may read; anonymous clients are throttled (``REST_FRAMEWORK`` in settings). Services,
their locations and sessions are the published ones unless the user is staff. Every list is
paged and ordered by primary key (or code), and reads a fixed number of queries whatever the
page size. The service list is read as plain values (``serializers.service_documents``), and
its answers to clients without cookies are kept in memory until the catalogue changes
(``kept_page``; also /api/hsds/services).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from accounts.permissions import (
    is_administrator,
    is_staff_member,
    services_editable_by,
    signed_in_fully,
)
from services import filters, serializers
from services.codes import service_codes
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
    Organisation,
    PostalArea,
    ServiceClass,
    SupportService,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)
from services.page_cache import PageCache
from services.search import SearchRequest, published_ids
from services.search_index import current_snapshot, index_version

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
                        _("Enter a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}
                    ]
                }
            )
        return min(int(raw), self.max_page_size)

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: APIView | None = None
    ) -> list | None:
        raw = request.query_params.get(self.page_query_param, "")
        if raw and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({"page": [_("Enter a page number of 1 or more.")]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound(_("There is no such page.")) from None


class ReadOnlyOrStaff(permissions.BasePermission):
    """Anyone may read; only administrators may change anything (there are no writes yet)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_administrator(request.user) and signed_in_fully(request.user)


def sees_published_only(request: Request) -> bool:
    """Whether the client sees the published services only: all but signed-in staff."""
    user = request.user
    return not (is_staff_member(user) and signed_in_fully(user))


def visible_services(request: Request) -> QuerySet[SupportService]:
    """Published services; a signed-in staff member also sees the unpublished services they
    may edit (drafts, pending review, archived). Pending changes to a published service are
    never shown: the API reads the published rows."""
    services = SupportService.objects.all()
    user = request.user
    if sees_published_only(request):
        return services.published()
    if is_administrator(user):
        return services
    editable = services_editable_by(user).values("pk")
    return services.filter(Q(status=SupportService.Status.PUBLISHED) | Q(pk__in=editable))


@dataclass(frozen=True)
class KeptPage:
    content: bytes
    content_type: str


kept_pages: PageCache[KeptPage] = PageCache(
    entries=lambda: settings.API_PAGE_CACHE_ENTRIES,
    max_bytes=lambda: settings.API_PAGE_CACHE_BYTES,
    max_age=lambda: settings.API_PAGE_CACHE_SECONDS,
)


def kept_page(request: Request, answer: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """``answer()``, or the same bytes kept from an earlier request for the same address.

    Only for clients that send no cookie (staff, who may see drafts, always have a session),
    keyed by the catalogue's version (``index_version``: raised by every change through the
    catalogue's write path, as the search pages' cache is), the absolute address and the
    Accept header (it may ask for indented JSON), and for at most ``API_PAGE_CACHE_SECONDS``.
    Only 200 answers are kept.
    """
    if settings.API_PAGE_CACHE_ENTRIES <= 0 or request.COOKIES:
        return answer()
    # The absolute address: the answer's next and previous links hold the host and scheme.
    address = request.build_absolute_uri()
    key = (index_version(), request.META.get("HTTP_ACCEPT", ""), address)
    kept = kept_pages.get(key)
    if kept is not None:
        return HttpResponse(kept.content, content_type=kept.content_type)
    response = answer()
    if response.status_code != 200 or response.streaming:
        return response

    def keep(rendered: HttpResponseBase) -> None:
        kept_pages.put(key, KeptPage(rendered.content, rendered["Content-Type"]))

    if isinstance(response, Response):
        response.add_post_render_callback(keep)
    else:  # written already (``json_page``)
        keep(response)
    return response


def json_page(envelope: dict[str, object], documents: Sequence[bytes]) -> HttpResponse:
    """``envelope`` as DRF's JSON renderer writes it, its last member a list holding
    ``documents``, each already written by that renderer (``encoded``): a page joined from
    documents kept with the index, the same bytes as the renderer would write for the whole
    (tests/search/test_api_lists_from_index.py)."""
    *_, last = envelope
    head = encoded({**envelope, last: []})
    assert head.endswith(b"[]}")
    body = b"".join((head[:-2], b",".join(documents), b"]}"))
    return HttpResponse(body, content_type="application/json")


_JSON = JSONRenderer()


def encoded(document: object) -> bytes:
    """``document`` as the API's JSON renderer writes it (compact, UTF-8)."""
    return _JSON.render(document)


def plain_json(request: Request) -> bool:
    """Whether the answer is compact JSON (not the browsable API, not indented JSON)."""
    renderer = request.accepted_renderer
    return (
        type(renderer) is JSONRenderer
        and renderer.get_indent(request.accepted_media_type, {}) is None
    )


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadOnlyOrStaff]
    pagination_class = Pagination


# Catalogue -----------------------------------------------------------------------------------


def hours_prefetches() -> tuple[str, str]:
    return ("opening_hours", "opening_hours_exceptions")


def _service_columns(services: QuerySet[SupportService], ids: list[int]) -> QuerySet:
    return services.rewrite(False).filter(pk__in=ids).values(*serializers.SERVICE_COLUMNS)


# The columns of the services ``ids`` their documents show: of any status, or published only.
service_rows = ValuesByIds(
    SupportService, lambda ids: _service_columns(SupportService.objects.all(), ids)
)
published_service_rows = ValuesByIds(
    SupportService, lambda ids: _service_columns(SupportService.objects.published(), ids)
)


def service_page_documents(
    ids: Sequence[int], rows: ValuesByIds = service_rows
) -> list[dict[str, object]]:
    """The documents of the services ``ids`` (those ``rows`` reads), in that order."""
    by_pk = {row["pk"]: row for row in rows(ids)}
    page = [by_pk[pk] for pk in ids if pk in by_pk]
    for row, codes in zip(page, service_codes([row["pk"] for row in page]), strict=True):
        row["codes"] = codes
    return serializers.service_documents(page)


def encoded_service_documents(ids: list[int]) -> dict[int, bytes]:
    """The written documents of the published services ``ids``, by id."""
    return {
        document["id"]: encoded(document)
        for document in service_page_documents(ids, published_service_rows)
    }


# Filters the search index cannot answer; a list using any of them is read from the database.
DATABASE_FILTERS = frozenset({"organisation", "method", "updated_since", "status"})
SEARCH_FILTERS = frozenset(filters.ServiceFilter.base_filters) - DATABASE_FILTERS


class ServiceViewSet(ReadOnlyViewSet):
    """Support services (published ones unless you are staff), with their service points and
    contact points. Filters as in the public search."""

    serializer_class = serializers.ServiceSerializer
    filterset_class = filters.ServiceFilter

    def get_queryset(self) -> QuerySet[SupportService]:
        services = visible_services(self.request).order_by("pk")
        if self.action == "list":
            return services  # read as values (``list``)
        return services.select_related("organisation").prefetch_related(
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

    def list(self, request: Request, *args: object, **kwargs: object) -> HttpResponseBase:
        return kept_page(request, self.list_page)

    def list_page(self) -> HttpResponseBase:
        """The serializer's documents, read as plain values (``service_documents``): a page of
        50 in a fixed number of queries and without a model instance per row. A client who
        sees the published services only, filtering as the public search does, is answered
        from the search index: the services it finds, and their documents kept with it."""
        params = self.request.query_params
        if sees_published_only(self.request) and not DATABASE_FILTERS & params.keys():
            return self.page_from_index()
        queryset = self.filter_queryset(self.get_queryset())
        # The page's ids first: counting the services alone, without the organisations the
        # documents join, is many times faster on a large catalogue.
        ids = list(self.paginate_queryset(queryset.values_list("pk", flat=True)) or [])
        return self.get_paginated_response(service_page_documents(ids))

    def page_from_index(self) -> HttpResponseBase:
        snapshot = current_snapshot()
        search = self.search_request()
        search.snapshot = snapshot
        ids = published_ids(search)
        positions = self.paginate_queryset(range(len(ids))) or []
        page_ids = ids[positions].tolist()
        kept = snapshot.per_service(
            ("api", "services"),
            page_ids,
            encoded_service_documents,
            limit=settings.API_DOCUMENTS_KEPT,
        )
        documents = [kept[pk] for pk in page_ids if pk in kept]
        if not plain_json(self.request):
            return self.get_paginated_response([json.loads(document) for document in documents])
        paginator = self.paginator
        return json_page(
            {
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": [],
            },
            documents,
        )

    def search_request(self) -> SearchRequest:
        """The request's search filters, checked as the filter set checks them."""
        params = self.request.query_params
        if not SEARCH_FILTERS & params.keys():
            return SearchRequest()  # nothing to check
        return filters.checked_search_request(params)

    def get_object(self) -> SupportService:
        service = super().get_object()
        (service.codes,) = service_codes([service.pk])
        return service


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
