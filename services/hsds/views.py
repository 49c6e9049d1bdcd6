"""The Open Referral HSDS 3.0 API under /api/hsds/ (published services only).

Parameters as in the HSDS openapi.json: ``search``, ``page``, ``per_page`` (at most
``MAX_PER_PAGE``, larger values are clamped), ``format`` (``json`` or ``ndjson``, which streams
every result without paging), ``taxonomy_term_id``, ``taxonomy_id``, ``organization_id``,
``modified_after``, ``postcode``, ``proximity`` (metres from the postcode's centre), ``full``,
``full_service``; and ``lang`` (fi, sv or en: the language of the texts, default fi). A bad
parameter is answered with 400 and a message naming it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from services.api import ReadOnlyOrStaff, encoded, json_page, kept_page
from services.filters import within_database_range
from services.hsds.documents import (
    Row,
    contact_point_location_id,
    load_services,
    organisation_document,
    organisation_queryset,
    organisation_row,
    organisation_services,
    physical_location_row,
    service_at_location_document,
    service_at_location_id,
    service_batches,
    service_document,
    service_list_document,
    service_queryset,
    virtual_location_row,
    with_list_form,
)
from services.hsds.taxonomies import (
    LANGUAGES,
    TAXONOMIES,
    Term,
    TermRegistry,
    id_key,
    taxonomy_document,
    taxonomy_id,
    term_document,
)
from services.models import (
    ContactPoint,
    Location,
    Organisation,
    PostalArea,
    SupportService,
)
from services.places import area_place
from services.search import (
    MAX_TEXT_LENGTH,
    SearchRequest,
    clean_text,
    filter_services,
    published_ids,
)
from services.search_index import current_snapshot

HSDS_VERSION = "3.0"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 10**6
MAX_PROXIMITY_METRES = 1_000_000
KM_PER_DEGREE = 111.32
NDJSON_CHUNK = 200
SPEC_DIR = Path(__file__).resolve().parent / "spec"
TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no"}

# Services linked to a taxonomy term: taxonomy key -> (many-to-many field, column of the term).
LINKS = {
    "channel": ("channels", "channel_id"),
    "target_group": ("target_groups", "targetgroup_id"),
    "life_situation": ("life_situations", "lifesituation_id"),
    "low_threshold": ("attributes", "attribute_id"),
    "language": ("languages", "language_id"),
    "service_class": ("service_classes", "serviceclass_id"),
    "method": ("methods", "method__slug"),
    "municipality": ("area_municipalities", "municipality_id"),
    "wellbeing_services_county": ("area_counties", "wellbeingservicescounty_id"),
}


class JSONOnly(BaseContentNegotiation):
    """Always JSON: HSDS uses the ``format`` parameter for itself (json or ndjson)."""

    def select_parser(self, request: Request, parsers: list) -> object:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: list, format_suffix: str | None = None
    ) -> tuple[object, str]:
        return renderers[0], renderers[0].media_type


def hsds_view(view: Callable[..., Response]) -> Callable[..., Response]:
    """A read-only JSON endpoint, throttled like the rest of the API, outside our schema."""
    view = renderer_classes([JSONRenderer])(view)
    view = permission_classes([ReadOnlyOrStaff])(view)
    view = api_view(["GET"])(view)
    view.cls.content_negotiation_class = JSONOnly
    return extend_schema(exclude=True)(view)


# Parameters ----------------------------------------------------------------------------------


def bad(parameter: str, message: str) -> ValidationError:
    return ValidationError({parameter: [message]})


def text_param(request: Request, name: str, limit: int = 200) -> str:
    value, _shortened = clean_text(request.query_params.get(name, ""), limit)
    return value


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    """A whole number from ``low`` up; above ``high`` it is clamped to ``high``."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < low:
        raise bad(name, _("Enter a whole number of at least %(low)d.") % {"low": low})
    return min(int(raw), high)


def bool_param(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "").strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE or not raw:
        return False
    raise bad(name, _("Enter true or false."))


def uuid_param(request: Request, name: str) -> uuid.UUID | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise bad(name, _("Enter an identifier in UUID form.")) from None


def language_param(request: Request) -> str:
    raw = request.query_params.get("lang", "").strip().lower()
    if not raw:
        return "fi"
    if raw not in LANGUAGES:
        raise bad("lang", _("Enter one of the languages fi, sv or en."))
    return raw


def format_param(request: Request) -> str:
    raw = request.query_params.get("format", "").strip().lower()
    if raw in ("", "json"):
        return "json"
    if raw == "ndjson":
        return "ndjson"
    raise bad("format", _("Enter json or ndjson."))


def modified_after_param(request: Request) -> dt.datetime | None:
    raw = request.query_params.get("modified_after", "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            if day is not None:
                moment = dt.datetime.combine(day, dt.time())
    except ValueError:
        moment = None
    if moment is None:
        raise bad(
            "modified_after",
            _("Enter a date or a date and time in ISO 8601 form, e.g. 2025-01-31T12:00:00Z."),
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return within_database_range(moment)


def record_id(pk: str) -> uuid.UUID:
    """The id in a detail address; anything but a UUID is no record of ours (a JSON 404)."""
    try:
        return uuid.UUID(pk)
    except ValueError:
        raise NotFound() from None


def minimal_param(request: Request) -> None:
    """``minimal`` (ids and modification times only) is not offered: the documented response
    of /services could not hold such items. ``modified_after`` serves the same purpose."""
    if bool_param(request, "minimal"):
        raise bad(
            "minimal",
            _("minimal is not offered; use modified_after to fetch what has changed."),
        )


def postcode_param(request: Request) -> PostalArea | None:
    raw = request.query_params.get("postcode", "").strip()
    if not raw:
        return None
    area = None
    if len(raw) == 5 and raw.isascii() and raw.isdigit():
        area = PostalArea.objects.select_related("municipality").filter(code=raw).first()
    if area is None:
        raise bad("postcode", _("Enter a Finnish postal code of five digits that exists."))
    return area


def proximity_param(request: Request, postcode: PostalArea | None) -> float | None:
    raw = request.query_params.get("proximity", "").strip()
    if not raw:
        return None
    try:
        metres = float(raw)
    except ValueError:
        metres = math.nan
    if not (0 < metres <= MAX_PROXIMITY_METRES):
        raise bad(
            "proximity",
            _("Enter a distance in metres, more than 0 and at most %(max)d.")
            % {"max": MAX_PROXIMITY_METRES},
        )
    if postcode is None:
        raise bad("proximity", _("A distance needs a postal code to measure from."))
    return metres


@dataclass
class Paging:
    page: int
    per_page: int
    format: str

    @classmethod
    def of(cls, request: Request) -> Paging:
        return cls(
            page=int_param(request, "page", 1, 1, MAX_PAGE),
            per_page=int_param(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
            format=format_param(request),
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def envelope(paging: Paging, total: int, contents: Sequence[object]) -> dict[str, object]:
    total_pages = max(1, math.ceil(total / paging.per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def ndjson(documents: Iterable[Row]) -> StreamingHttpResponse:
    lines = (json.dumps(document, ensure_ascii=False) + "\n" for document in documents)
    return StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")


def paged(
    request: Request,
    paging: Paging,
    queryset: QuerySet,
    document: Callable[[object], Row],
) -> Response | StreamingHttpResponse:
    if paging.format == "ndjson":
        return ndjson(document(item) for item in queryset.iterator(NDJSON_CHUNK))
    total = queryset.count()
    items = list(queryset[paging.offset : paging.offset + paging.per_page]) if total else []
    return Response(envelope(paging, total, [document(item) for item in items]))


# Filters -------------------------------------------------------------------------------------


def term_condition(term: Term) -> Q:
    """Services classified by ``term``."""
    code = term.code
    if term.key == "tier":
        return Q(tier_id=code)
    if term.key == "organisation_kind":
        return Q(organisation__kind=code)
    if term.key == "contact_point_kind":
        return Q(Exists(ContactPoint.objects.filter(service=OuterRef("pk"), kind=code)))
    if term.key == "accessibility":
        field = {"STEP_FREE": "step_free", "STROLLER_ACCESS": "stroller_access"}.get(
            code, "hearing_loop"
        )
        return Q(Exists(Location.objects.filter(service=OuterRef("pk"), **{field: True})))
    if term.key in LINKS:
        relation, column = LINKS[term.key]
        through = getattr(SupportService, relation).through
        return Q(Exists(through.objects.filter(supportservice=OuterRef("pk"), **{column: code})))
    return Q(pk__in=[])  # translation and field terms classify nothing


def taxonomy_condition(key: str) -> Q:
    """Services with any term of the taxonomy ``key``."""
    if key in ("tier", "organisation_kind"):
        return Q()
    if key == "contact_point_kind":
        return Q(Exists(ContactPoint.objects.filter(service=OuterRef("pk"))))
    if key == "accessibility":
        return Q(Exists(Location.objects.filter(service=OuterRef("pk"))))
    if key in LINKS:
        relation, _column = LINKS[key]
        through = getattr(SupportService, relation).through
        return Q(Exists(through.objects.filter(supportservice=OuterRef("pk"))))
    return Q(pk__in=[])


def filtered_services(request: Request, *, postcode: PostalArea | None) -> QuerySet:
    """Published services narrowed by the HSDS filters common to services and locations."""
    services = SupportService.objects.published()
    search = text_param(request, "search", MAX_TEXT_LENGTH)
    if search:
        services = filter_services(services, SearchRequest(text=search))
    term_uuid = uuid_param(request, "taxonomy_term_id")
    if term_uuid is not None:
        term = TermRegistry().get(str(term_uuid))
        services = services.filter(term_condition(term)) if term else services.none()
    taxonomy_uuid = uuid_param(request, "taxonomy_id")
    if taxonomy_uuid is not None:
        spec = next((s for s in TAXONOMIES if taxonomy_id(s.key) == str(taxonomy_uuid)), None)
        services = services.filter(taxonomy_condition(spec.key)) if spec else services.none()
    organisation_uuid = uuid_param(request, "organization_id")
    if organisation_uuid is not None:
        services = services.filter(organisation__uuid=organisation_uuid)
    modified_after = modified_after_param(request)
    if modified_after is not None:
        services = services.filter(updated_at__gte=modified_after)
    if postcode is not None:
        services = services.serving(postcode.municipality)
    return services


# Endpoints -----------------------------------------------------------------------------------


@hsds_view
def root(request: Request) -> Response:
    return Response(
        {
            "version": HSDS_VERSION,
            "profile": "https://docs.openreferral.org/en/latest/hsds/",
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
        }
    )


@hsds_view
def openapi(request: Request) -> Response:
    document = official_openapi()
    document["info"] = {
        "title": "Perhekeskus HSDS API",
        "version": HSDS_VERSION,
        "summary": "Support for parenthood and couple relationships in Finland, as HSDS 3.0.",
        "description": (
            "Published support services, their providers, service points and taxonomies. "
            "Extra parameter on every operation: lang (fi, sv or en). Texts fall back "
            "fi → sv → en; every text in each language is also an attribute of the "
            "'translation' taxonomy."
        ),
        "license": {
            "name": "HSDS: Creative Commons Attribution-ShareAlike 4.0",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        },
    }
    document["servers"] = [{"url": request.build_absolute_uri(reverse("hsds:root"))}]
    return Response(document)


@cache
def official_openapi_text() -> str:
    return (SPEC_DIR / "openapi.json").read_text(encoding="utf-8")


def official_openapi() -> dict:
    """The official document, less what this API does not offer (``minimal``)."""
    document = json.loads(official_openapi_text())
    for operation in document["paths"]["/services"].values():
        if isinstance(operation, dict) and "parameters" in operation:
            operation["parameters"] = [
                parameter
                for parameter in operation["parameters"]
                if parameter.get("$ref") != "#/components/parameters/minimal"
            ]
    document["components"]["parameters"].pop("minimal", None)
    return document


@hsds_view
def services(request: Request) -> HttpResponseBase:
    return kept_page(request, lambda: services_page(request))


def services_page(request: Request) -> Response | StreamingHttpResponse:
    language = language_param(request)
    paging = Paging.of(request)
    minimal_param(request)
    full = bool_param(request, "full")
    postcode = postcode_param(request)
    proximity = proximity_param(request, postcode)
    if (
        not full
        and proximity is None
        and paging.format == "json"
        and not DATABASE_FILTERS & request.query_params.keys()
    ):
        return services_from_index(request, paging, language, postcode)
    queryset = filtered_services(request, postcode=postcode)
    if proximity is not None:
        nearby = near(Location.objects.all(), postcode, proximity)
        queryset = queryset.filter(pk__in=nearby.values("service_id"))
    queryset = queryset.order_by("pk")
    if full:
        registry = TermRegistry()
        queryset = service_queryset().filter(pk__in=queryset.values("pk"))
        if paging.format == "ndjson":
            return ndjson(
                service_document(service, language, registry)
                for batch in service_batches(queryset, NDJSON_CHUNK)
                for service in batch
            )
        total = queryset.count()
        page = queryset[paging.offset : paging.offset + paging.per_page] if total else []
        contents = [service_document(s, language, registry) for s in load_services(page)]
        return Response(envelope(paging, total, contents))
    return paged(
        request, paging, with_list_form(queryset), lambda s: service_list_document(s, language)
    )


# Filters the search index cannot answer: a list using any of them is read from the database.
DATABASE_FILTERS = frozenset(
    {"taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "proximity"}
)


def services_from_index(
    request: Request, paging: Paging, language: str, postcode: PostalArea | None
) -> HttpResponse:
    """A page of the list form, of the services the search index finds for ``search`` and
    ``postcode``, joined from their documents kept with the index."""
    snapshot = current_snapshot()
    search = SearchRequest(
        text=text_param(request, "search", MAX_TEXT_LENGTH),
        place=area_place(postcode) if postcode is not None else None,
        snapshot=snapshot,
    )
    ids = published_ids(search)
    page_ids = ids[paging.offset : paging.offset + paging.per_page].tolist()

    def make(missing: list[int]) -> dict[int, bytes]:
        services = with_list_form(SupportService.objects.published().filter(pk__in=missing))
        return {s.pk: encoded(service_list_document(s, language)) for s in services}

    kept = snapshot.per_service(
        ("hsds", "services", language), page_ids, make, limit=settings.API_DOCUMENTS_KEPT
    )
    documents = [kept[pk] for pk in page_ids if pk in kept]
    return json_page(envelope(paging, len(ids), documents), documents)


@hsds_view
def service_detail(request: Request, pk: str) -> Response:
    language = language_param(request)
    services = load_services(service_queryset().published().filter(uuid=record_id(pk)))
    if not services:
        raise Http404
    return Response(service_document(services[0], language, TermRegistry()))


@hsds_view
def organizations(request: Request) -> Response | StreamingHttpResponse:
    language = language_param(request)
    paging = Paging.of(request)
    full = bool_param(request, "full")
    full_service = bool_param(request, "full_service")
    queryset = organisation_queryset().order_by("pk")
    search = text_param(request, "search")
    if search:
        queryset = queryset.filter(
            Q(name_fi__icontains=search)
            | Q(name_sv__icontains=search)
            | Q(name_en__icontains=search)
        )
    if not (full or full_service):
        return paged(request, paging, queryset, lambda o: organisation_row(o, language))
    registry = TermRegistry()
    if paging.format == "ndjson":
        return ndjson(full_organisations(queryset, language, registry, full_service))
    total = queryset.count()
    page = list(queryset[paging.offset : paging.offset + paging.per_page]) if total else []
    by_organisation = organisation_services(page, language, registry, full=full_service)
    contents = [
        organisation_document(o, language, registry, by_organisation.get(o.pk, [])) for o in page
    ]
    return Response(envelope(paging, total, contents))


def full_organisations(
    queryset: QuerySet, language: str, registry: TermRegistry, full_service: bool
) -> Iterator[Row]:
    batch: list[Organisation] = []
    for organisation in queryset.iterator(NDJSON_CHUNK):
        batch.append(organisation)
        if len(batch) == NDJSON_CHUNK:
            yield from organisation_batch(batch, language, registry, full_service)
            batch = []
    yield from organisation_batch(batch, language, registry, full_service)


def organisation_batch(
    batch: list[Organisation], language: str, registry: TermRegistry, full_service: bool
) -> list[Row]:
    by_organisation = organisation_services(batch, language, registry, full=full_service)
    return [
        organisation_document(o, language, registry, by_organisation.get(o.pk, [])) for o in batch
    ]


@hsds_view
def organization_detail(request: Request, pk: str) -> Response:
    language = language_param(request)
    full_service = bool_param(request, "full_service")
    organisation = organisation_queryset().filter(uuid=record_id(pk)).first()
    if organisation is None:
        raise Http404
    registry = TermRegistry()
    services = organisation_services([organisation], language, registry, full=full_service)
    return Response(
        organisation_document(organisation, language, registry, services.get(organisation.pk, []))
    )


def physical_item(location: Location, language: str) -> Row:
    service = location.service
    location_id = str(location.uuid)
    return {
        "id": service_at_location_id(location_id, location.pk),
        "service_id": str(service.uuid),
        "location_id": location_id,
        "location": physical_location_row(location, str(service.organisation.uuid), language),
    }


def virtual_item(contact_point: ContactPoint, language: str) -> Row:
    service = contact_point.service
    service_id = str(service.uuid)
    location_id = contact_point_location_id(service_id, contact_point)
    return {
        "id": service_at_location_id(location_id, contact_point.pk),
        "service_id": service_id,
        "location_id": location_id,
        "location": virtual_location_row(
            contact_point, service_id, str(service.organisation.uuid), language
        ),
    }


def near(locations: QuerySet, area: PostalArea, metres: float) -> QuerySet:
    """Locations within ``metres`` of the postal area's centre (equirectangular distance)."""
    km = metres / 1000
    dy = km / KM_PER_DEGREE
    cos_lat = math.cos(math.radians(area.latitude))
    dx = km / (KM_PER_DEGREE * max(cos_lat, 0.01))
    square = (F("latitude") - area.latitude) * (F("latitude") - area.latitude) + (
        (F("longitude") - area.longitude) * cos_lat
    ) * ((F("longitude") - area.longitude) * cos_lat)
    return (
        locations.filter(
            latitude__range=(area.latitude - dy, area.latitude + dy),
            longitude__range=(area.longitude - dx, area.longitude + dx),
        )
        .alias(square=Cast(square, FloatField()))
        .filter(square__lte=dy * dy)
    )


@hsds_view
def service_at_locations(request: Request) -> Response | StreamingHttpResponse:
    """Physical locations first, then contact points, each in primary key order."""
    language = language_param(request)
    paging = Paging.of(request)
    full = bool_param(request, "full")
    postcode = postcode_param(request)
    proximity = proximity_param(request, postcode)
    services = filtered_services(request, postcode=postcode)
    locations = Location.objects.filter(service__in=services.values("pk")).order_by("pk")
    contact_points = ContactPoint.objects.filter(service__in=services.values("pk")).order_by("pk")
    if proximity is not None:
        locations = near(locations, postcode, proximity)
        contact_points = contact_points.none()
    locations = locations.select_related("service__organisation")
    contact_points = contact_points.select_related("service__organisation")
    if paging.format == "ndjson":
        return ndjson(stream_service_at_locations(locations, contact_points, language, full))
    located = locations.count()
    total = located + contact_points.count()
    start, end = paging.offset, paging.offset + paging.per_page
    items: list[Location | ContactPoint] = []
    if start < located:
        items += list(locations[start:end])
    if end > located:
        items += list(contact_points[max(0, start - located) : end - located])
    registry = TermRegistry() if full else None
    contents = batch_documents(items, language, full, registry)
    return Response(envelope(paging, total, contents))


def stream_service_at_locations(
    locations: QuerySet, contact_points: QuerySet, language: str, full: bool
) -> Iterator[Row]:
    registry = TermRegistry() if full else None
    for queryset in (locations, contact_points):
        batch: list[Location | ContactPoint] = []
        for item in queryset.iterator(NDJSON_CHUNK):
            batch.append(item)
            if len(batch) == NDJSON_CHUNK:
                yield from batch_documents(batch, language, full, registry)
                batch = []
        yield from batch_documents(batch, language, full, registry)


def batch_documents(
    items: list[Location | ContactPoint], language: str, full: bool, registry: TermRegistry | None
) -> list[Row]:
    if full:
        return full_service_at_locations(items, language, registry)
    return [
        physical_item(item, language)
        if isinstance(item, Location)
        else virtual_item(item, language)
        for item in items
    ]


def full_service_at_locations(
    items: list[Location | ContactPoint], language: str, registry: TermRegistry | None
) -> list[Row]:
    """Fully nested documents for locations and contact points, their services read at once."""
    service_ids = {item.service_id for item in items}
    services = {s.pk: s for s in load_services(service_queryset().filter(pk__in=service_ids))}
    documents = []
    for item in items:
        service = services[item.service_id]
        if isinstance(item, Location):
            sal_id = service_at_location_id(str(item.uuid), item.pk)
        else:
            location_id = contact_point_location_id(str(service.uuid), item)
            sal_id = service_at_location_id(location_id, item.pk)
        document = service_at_location_document(service, sal_id, language, registry)
        if document is not None:
            documents.append(document)
    return documents


def find_service_at_location(pk: uuid.UUID) -> tuple[int, str] | None:
    """The primary key of the service of the service_at_location ``pk``, and its id, if any:
    the id's last bits hold the primary key of the Location or ContactPoint it was made from."""
    key = id_key(pk)
    wanted = str(pk)
    location = Location.objects.filter(pk=key).first()
    if location is not None and service_at_location_id(str(location.uuid), key) == wanted:
        return location.service_id, wanted
    contact_point = ContactPoint.objects.select_related("service").filter(pk=key).first()
    if contact_point is not None:
        location_id = contact_point_location_id(str(contact_point.service.uuid), contact_point)
        if service_at_location_id(location_id, key) == wanted:
            return contact_point.service_id, wanted
    return None


@hsds_view
def service_at_location_detail(request: Request, pk: str) -> Response:
    language = language_param(request)
    found = find_service_at_location(record_id(pk))
    if found is None:
        raise Http404
    service_pk, sal_id = found
    services = load_services(service_queryset().published().filter(pk=service_pk))
    document = (
        service_at_location_document(services[0], sal_id, language, TermRegistry())
        if services
        else None
    )
    if document is None:
        raise Http404
    return Response(document)


@hsds_view
def taxonomies(request: Request) -> Response | StreamingHttpResponse:
    language = language_param(request)
    paging = Paging.of(request)
    search = text_param(request, "search").casefold()
    documents = [taxonomy_document(spec, language) for spec in TAXONOMIES]
    if search:
        documents = [d for d in documents if search in f"{d['name']} {d['description']}".casefold()]
    return listed(paging, documents)


@hsds_view
def taxonomy_detail(request: Request, pk: str) -> Response:
    language = language_param(request)
    wanted = str(record_id(pk))
    for spec in TAXONOMIES:
        if taxonomy_id(spec.key) == wanted:
            return Response(taxonomy_document(spec, language))
    raise Http404


@hsds_view
def taxonomy_terms(request: Request) -> Response | StreamingHttpResponse:
    language = language_param(request)
    paging = Paging.of(request)
    search = text_param(request, "search").casefold()
    wanted_taxonomy = uuid_param(request, "taxonomy_id")
    parent = uuid_param(request, "parent_id")
    top_only = bool_param(request, "top_only")
    registry = TermRegistry()
    terms = registry.terms
    if wanted_taxonomy is not None:
        terms = [t for t in terms if taxonomy_id(t.key) == str(wanted_taxonomy)]
    if parent is not None:
        parent_term = registry.get(str(parent))
        terms = [
            t
            for t in terms
            if parent_term and t.key == parent_term.key and t.parent_code == parent_term.code
        ]
    if top_only:
        terms = [t for t in terms if not t.parent_code]
    if search:
        terms = [
            t
            for t in terms
            if search in f"{t.hsds_code} {t.name(language)} {t.description(language)}".casefold()
        ]
    if paging.format == "ndjson":
        return ndjson(term_document(term, language) for term in terms)
    page = terms[paging.offset : paging.offset + paging.per_page]
    contents = [term_document(term, language) for term in page]
    return Response(envelope(paging, len(terms), contents))


@hsds_view
def taxonomy_term_detail(request: Request, pk: str) -> Response:
    language = language_param(request)
    term = TermRegistry().get(str(record_id(pk)))
    if term is None:
        raise Http404
    return Response(term_document(term, language))


@hsds_view
def not_found(request: Request, path: str) -> Response:
    """Any other address under /api/hsds/: a JSON 404 like the rest of the API."""
    raise NotFound()


def listed(paging: Paging, documents: list[Row]) -> Response | StreamingHttpResponse:
    if paging.format == "ndjson":
        return ndjson(documents)
    page = documents[paging.offset : paging.offset + paging.per_page]
    return Response(envelope(paging, len(documents), page))
