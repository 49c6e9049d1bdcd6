"""Our catalogue as Open Referral HSDS 3.0 records.

One mapping, two outputs: each organisation and service becomes flat HSDS rows (one dict per
row of an HSDS table, foreign keys as ids), which the export writes as CSV tables, and which
``nest`` assembles into the nested documents the API serves and the JSON export holds.

How our model maps onto HSDS (ids are our records' ``uuid`` fields, or derived with ``uuid5``
from them where a record has none):

- Organisation → ``organization`` (+ ``phones``, ``organization_identifiers`` for the business
  ID with scheme ``FI-PRO``; the kind as a term of the ``organisation_kind`` taxonomy).
- SupportService → ``service``: description (the summary when there is none),
  application_process (how to get it), eligibility_description, fees_description,
  minimum/maximum_age, assured_date (``verified_at``), last_modified (``updated_at``), status
  (published → active, archived → defunct, otherwise inactive). Tier, channels, target groups,
  life situations, low-threshold attributes, service classes and methods are ``attributes``
  linking taxonomy terms; languages are ``languages``; the area served is ``service_areas``
  (whole of Finland, counties, municipalities, each with the area's taxonomy term);
  ``cost_options`` say "free" (amount 0 EUR) or repeat the fee text.
- Location → a physical ``location`` with one ``address`` (municipality as a term), its
  ``accessibility`` (one row per known feature, the value true or false, plus the notes) and
  ``service_at_location`` linking it to its service. Weekly opening hours are ``schedules`` of
  the location (WEEKLY, one per interval with the weekdays in ``byday``); exceptions are
  schedules with ``valid_from``/``valid_to``, replacing the weekly ones on those days; a
  closure has no opening time, says so in its ``description`` and carries the ``field`` term
  ``closed`` (value true).
- ContactPoint → a ``virtual`` location (the chat, video or web address as ``url``, the phone
  number as a ``phone``, the e-mail as a ``contact``) with its own service_at_location and its
  opening hours as schedules; the kind is a ``contact_point_kind`` term.
- GroupSession → a one-off ``schedule`` (dtstart, opens/closes in Helsinki time with its UTC
  offset in ``timezone``, FREQ=WEEKLY;COUNT=1) of the service, or of the service at one of its
  locations; registration or online link in ``schedule_link``. Cancelled sessions are left out.
  Seats, language and exact times are ``field`` attributes; everything else is in /api/v1/.
- Times of schedules are local time in Finland: every schedule carries ``timezone``, the UTC
  offset of Europe/Helsinki (for a weekly schedule, on the day the document was made: it is 2
  in winter and 3 in summer), and the ``field`` term ``timezone`` with the value
  ``Europe/Helsinki`` for consumers that understand time zone names. A weekly or dated
  closing time of midnight is ``23:59:59`` (HSDS times cannot say 24:00): round the clock is
  00:00:00–23:59:59, never an empty 00:00–00:00 interval (a session ending at midnight keeps
  00:00:00, on its ``valid_to`` day).
- Phone numbers are in international form (``+358 15 123 4567``) where they are Finnish
  subscriber numbers; service numbers (0800, 0600, 116 111 ...) stay as dialled in Finland.
- Every text in fi/sv/en is also an attribute of the ``translation`` taxonomy
  (term ``<field>:<language>``, value the text), linked to the record that holds the field in
  our model; fields HSDS has no place for are attributes of the ``field`` taxonomy. The
  document's own texts are in the requested language, falling back fi → sv → en.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy

from services.codes import service_codes
from services.hsds.taxonomies import (
    ACCESSIBILITY_FEATURES,
    LANGUAGES,
    TermRegistry,
    derived_id,
    keyed_id,
    term_document,
    term_id,
    translated,
)
from services.models import (
    Attribute,
    ContactPoint,
    GroupSession,
    Language,
    Location,
    Method,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    SupportService,
    WellbeingServicesCounty,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MIDNIGHT = dt.time(0, 0)
LAST_SECOND = "23:59:59"  # a closing time of midnight: HSDS times have no 24:00
# Finnish service numbers (palvelunumerot), reachable only as dialled in Finland.
SERVICE_NUMBER_PREFIXES = ("0100", "0200", "0300", "0600", "0700", "0800")
PHONE_SEPARATORS = re.compile(r"[\s()\-/.]+")
BUSINESS_ID_SCHEME = "FI-PRO"  # org-id.guide: Finnish Patent and Registration Office
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Row = dict[str, object]
Emit = Callable[[str, Row], None]

STATUS = {
    SupportService.Status.PUBLISHED: "active",
    SupportService.Status.ARCHIVED: "defunct",
    SupportService.Status.DRAFT: "inactive",
    SupportService.Status.PENDING_REVIEW: "inactive",
}
URL_KINDS = {ContactPoint.Kind.CHAT, ContactPoint.Kind.VIDEO, ContactPoint.Kind.WEB}
YES_NO = {True: _("yes"), False: _("no")}
CLOSED = pgettext_lazy("opening hours", "closed")
OPEN_ROUND_THE_CLOCK = _("Open 24/7")


def rows_of(write: Callable[..., None], *args: object) -> list[tuple[str, Row]]:
    """The rows ``write(*args, emit)`` emits, as (table, row) pairs."""
    rows: list[tuple[str, Row]] = []
    write(*args, lambda table, row: rows.append((table, row)))
    return rows


def service_queryset() -> QuerySet[SupportService]:
    """Services with their organisations; ``load_services`` reads the rest."""
    return SupportService.objects.select_related("organisation__parent")


@dataclass
class Reference:
    """Names of the reference records rows refer to by code (read once: four queries)."""

    languages: dict[str, SimpleNamespace]
    municipalities: dict[str, SimpleNamespace]
    counties: dict[str, SimpleNamespace]
    attributes: dict[str, SimpleNamespace]

    @classmethod
    def load(cls) -> Reference:
        names = ("name_fi", "name_sv", "name_en")

        def table(model: type[models.Model], *extra: str) -> dict[str, SimpleNamespace]:
            rows = model.objects.values("code", *names, *extra)
            return {row["code"]: SimpleNamespace(**row) for row in rows}

        return cls(
            languages=table(Language),
            municipalities=table(Municipality, "county_id"),
            counties=table(WellbeingServicesCounty),
            attributes=table(Attribute),
        )


@dataclass
class Related:
    """What one service's rows need besides the service itself, as plain records."""

    reference: Reference
    codes: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # relation -> codes
    locations: list[SimpleNamespace] = dataclasses.field(default_factory=list)
    contact_points: list[SimpleNamespace] = dataclasses.field(default_factory=list)
    sessions: list[SimpleNamespace] = dataclasses.field(default_factory=list)


HOURS = ("location_id", "contact_point_id", "weekday", "opens", "closes")
EXCEPTIONS = (
    "pk",
    "location_id",
    "contact_point_id",
    "start_date",
    "end_date",
    "opens",
    "closes",
) + tuple(f"note_{language}" for language in LANGUAGES)


def translated_columns(*fields: str) -> tuple[str, ...]:
    return tuple(f"{name}_{language}" for name in fields for language in LANGUAGES)


def load_services(
    services: Iterable[SupportService], reference: Reference | None = None
) -> list[SupportService]:
    """Read everything the services' HSDS rows need, in a fixed number of queries (8) and
    without model instances for the many small records; attach it as ``hsds_related``."""
    services = list(services)
    reference = reference or Reference.load()
    ids = [service.pk for service in services]
    related = {pk: Related(reference) for pk in ids}
    if not ids:
        return services
    for service_id, codes in zip(ids, service_codes(ids, in_link_order=True), strict=True):
        related[service_id].codes = codes

    location_columns = (
        "pk", "uuid", "service_id", "postal_code", "municipality_id", "latitude", "longitude",
        "capacity", "step_free", "stroller_access", "hearing_loop", "source", "external_id",
        *translated_columns("name", "street_address", "accessibility_notes"),
    )  # fmt: skip
    locations = Location.objects.filter(service_id__in=ids).order_by("pk")
    locations = [SimpleNamespace(**row) for row in locations.values(*location_columns)]
    contact_columns = ("pk", "service_id", "kind", "value", "order")
    points = ContactPoint.objects.filter(service_id__in=ids).order_by("order", "pk")
    points = [
        SimpleNamespace(**row)
        for row in points.values(*contact_columns, *translated_columns("label", "charge"))
    ]
    # By owner, each owner's list in one query (an OR of the two owners would scan the table).
    for owner, records in (("location", locations), ("contact_point", points)):
        by_pk = {record.pk: record for record in records}
        for record in records:
            record.hours, record.exceptions = [], []
        owned = {f"{owner}_id__in": list(by_pk)}
        intervals = OpeningHours.objects.filter(**owned).order_by("weekday", "opens", "pk")
        for row in intervals.values(*HOURS):
            by_pk[row[f"{owner}_id"]].hours.append(SimpleNamespace(**row))
        dated = OpeningHoursException.objects.filter(**owned).order_by("start_date", "pk")
        for row in dated.values(*EXCEPTIONS):
            by_pk[row[f"{owner}_id"]].exceptions.append(SimpleNamespace(**row))
    for record in locations:
        related[record.service_id].locations.append(record)
    for record in points:
        related[record.service_id].contact_points.append(record)
    session_columns = (
        "uuid", "service_id", "starts_at", "ends_at", "location_id", "online_url", "language_id",
        "seats", "registration_url", *translated_columns("title", "description", "place"),
    )  # fmt: skip
    sessions = GroupSession.objects.filter(service_id__in=ids, is_cancelled=False)
    for row in sessions.order_by("starts_at", "pk").values(*session_columns):
        related[row["service_id"]].sessions.append(SimpleNamespace(**row))
    for service in services:
        service.hsds_related = related[service.pk]
    return services


def service_batches(
    queryset: QuerySet[SupportService], size: int, reference: Reference | None = None
) -> Iterator[list[SupportService]]:
    """The services of ``queryset`` in primary key order, ``size`` at a time, loaded: only
    one batch is in memory at once."""
    reference = reference or Reference.load()
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield load_services(batch, reference)
        last = batch[-1].pk


def related_of(service: SupportService) -> Related:
    try:
        return service.hsds_related
    except AttributeError:
        load_services([service])
        return service.hsds_related


def organisation_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent")


_labels: dict[tuple[int, str], str] = {}


def label(text: Promise, language: str) -> str:
    """A translatable label (a model choice, a fixed phrase) in ``language``; switching the
    active language is slow, so each label is translated once per process."""
    key = (id(text), language)
    if key not in _labels:
        with override(language):
            _labels[key] = str(text)
    return _labels[key]


def choice_label(choices: type[models.TextChoices], value: str, language: str) -> str:
    try:
        return label(choices(value).label, language)
    except ValueError:  # not one of the choices: the stored value as it is
        return value


def uuid_text(value: object) -> str:
    return str(value)


def valid_uri(value: str) -> str:
    """The value if it is an absolute http(s) URL, else "" (HSDS requires format uri)."""
    if not value or any(character.isspace() for character in value):
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    return value if parts.scheme in {"http", "https"} and parts.netloc else ""


def valid_email(value: str) -> str:
    return value if value and EMAIL_RE.match(value) else ""


def compact(row: Row) -> Row:
    """Leave out empty values: HSDS formats (uri, email) do not accept empty strings."""
    return {key: value for key, value in row.items() if value is not None and value != ""}


def hhmmss(value: dt.time) -> str:
    return value.strftime("%H:%M:%S")


def closing(value: dt.time) -> str:
    """A closing time for HSDS: 00:00 means midnight, the last second of the day."""
    return LAST_SECOND if value == MIDNIGHT else hhmmss(value)


def helsinki_offset(day: dt.date) -> int:
    """Hours ahead of UTC in Finland on ``day`` (2, or 3 in summer time)."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=HELSINKI)
    return int((noon.utcoffset() or dt.timedelta()).total_seconds() // 3600)


def international_phone(number: str) -> str:
    """A Finnish subscriber number in international form: ``015 123 4567`` is
    ``+358 15 123 4567``, ``00358 40 1234567`` is ``+358 40 1234567``. Service numbers, short
    numbers, foreign and unreadable numbers are returned as they are."""
    text = " ".join(PHONE_SEPARATORS.sub(" ", number).split())
    digits = text.replace(" ", "")
    if digits.startswith("00") and digits[2:].isdigit():
        return "+" + text.removeprefix("00").lstrip()
    if (
        not digits.isdigit()
        or not digits.startswith("0")
        or digits.startswith(SERVICE_NUMBER_PREFIXES)
        or not 6 <= len(digits) <= 12
    ):
        return number
    return "+358 " + text.removeprefix("0").lstrip()


def attribute(
    emit: Emit, *, entity: str, link_id: str, key: str, code: str, value: object = None
) -> None:
    taxonomy_term_id = term_id(key, code)
    row: Row = {
        "id": derived_id("attribute", link_id, taxonomy_term_id),
        "link_id": link_id,
        "taxonomy_term_id": taxonomy_term_id,
        "link_entity": entity,
    }
    if value is not None and value != "":
        row["value"] = str(value)
    emit("attribute", row)


def translations(
    emit: Emit, obj: object, fields: Iterable[str], *, entity: str, link_id: str
) -> None:
    for field in fields:
        for language in LANGUAGES:
            value = getattr(obj, f"{field}_{language}", "")
            if value:
                attribute(
                    emit,
                    entity=entity,
                    link_id=link_id,
                    key="translation",
                    code=f"{field}:{language}",
                    value=value,
                )


def provenance(
    emit: Emit, obj: Organisation | SupportService, *, entity: str, link_id: str
) -> None:
    attribute(emit, entity=entity, link_id=link_id, key="field", code="source", value=obj.source)
    if obj.external_id:
        attribute(
            emit,
            entity=entity,
            link_id=link_id,
            key="field",
            code="external_id",
            value=obj.external_id,
        )


# Organisations -------------------------------------------------------------------------------


def organisation_row(organisation: Organisation, language: str) -> Row:
    name = translated(organisation, "name", language)
    kind = choice_label(Organisation.Kind, organisation.kind, language)
    return compact(
        {
            "id": uuid_text(organisation.uuid),
            "name": name,
            # Required by HSDS; the translation attributes hold the exact (maybe empty) text.
            "description": translated(organisation, "description", language) or name,
            "email": valid_email(organisation.email),
            "website": valid_uri(organisation.website),
            "legal_status": kind,
            "parent_organization_id": uuid_text(organisation.parent.uuid)
            if organisation.parent_id
            else None,
        }
    )


def organisation_rows(organisation: Organisation, language: str, emit: Emit) -> None:
    organisation_id = uuid_text(organisation.uuid)
    emit("organization", organisation_row(organisation, language))
    if organisation.phone:
        emit(
            "phone",
            {
                "id": derived_id("phone", organisation_id),
                "organization_id": organisation_id,
                "number": international_phone(organisation.phone),
            },
        )
    if organisation.business_id:
        emit(
            "organization_identifier",
            {
                "id": derived_id("organization_identifier", organisation_id, BUSINESS_ID_SCHEME),
                "organization_id": organisation_id,
                "identifier_scheme": BUSINESS_ID_SCHEME,
                "identifier_type": "Y-tunnus",
                "identifier": organisation.business_id,
            },
        )
    attribute(
        emit,
        entity="organization",
        link_id=organisation_id,
        key="organisation_kind",
        code=organisation.kind,
    )
    translations(
        emit, organisation, ("name", "description"), entity="organization", link_id=organisation_id
    )
    provenance(emit, organisation, entity="organization", link_id=organisation_id)


# Services ------------------------------------------------------------------------------------


def service_row(service: SupportService, language: str, *, email: str = "") -> Row:
    verified = service.verified_at.astimezone(HELSINKI).date() if service.verified_at else None
    updated = service.updated_at.astimezone(dt.UTC)
    return compact(
        {
            "id": uuid_text(service.uuid),
            "organization_id": uuid_text(service.organisation.uuid),
            "name": translated(service, "name", language),
            "description": translated(service, "description", language)
            or translated(service, "summary", language),
            "url": valid_uri(service.website),
            "email": email,
            "status": STATUS[service.status],
            "application_process": translated(service, "how_to_get", language),
            "fees_description": translated(service, "cost_description", language),
            "eligibility_description": translated(service, "eligibility", language),
            "minimum_age": service.min_age,
            "maximum_age": service.max_age,
            "assured_date": verified.isoformat() if verified else None,
            "last_modified": updated.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{updated.microsecond // 1000:03d}Z",
        }
    )


def first_email(service: SupportService) -> str:
    """The first e-mail contact point (read with the service's contact points prefetched, or
    with ``load_services``)."""
    if hasattr(service, "hsds_related"):
        contact_points = service.hsds_related.contact_points
    else:
        contact_points = service.contact_points.all()
    for contact_point in contact_points:
        if contact_point.kind == ContactPoint.Kind.EMAIL and valid_email(contact_point.value):
            return contact_point.value
    return ""


def service_rows(service: SupportService, language: str, emit: Emit) -> None:
    """Every HSDS row of one service (prefetched with ``service_queryset``)."""
    service_id = uuid_text(service.uuid)
    organisation_id = uuid_text(service.organisation.uuid)
    emit("service", service_row(service, language, email=first_email(service)))

    def link(key: str, code: str, value: object = None) -> None:
        attribute(emit, entity="service", link_id=service_id, key=key, code=code, value=value)

    link("tier", service.tier_id)
    related = related_of(service)
    for key, relation in (
        ("channel", "channels"),
        ("target_group", "target_groups"),
        ("life_situation", "life_situations"),
        ("low_threshold", "attributes"),
        ("service_class", "service_classes"),
        ("method", "methods"),
    ):
        for code in related.codes.get(relation, ()):
            link(key, code)
    if service.prenatal:
        link("field", "prenatal", "true")
    link("field", "status", service.status)
    if service.verified_at:
        link("field", "verified_at", service.verified_at.isoformat())
    translations(
        emit,
        service,
        ("name", "summary", "description", "how_to_get", "eligibility", "cost_description"),
        entity="service",
        link_id=service_id,
    )
    provenance(emit, service, entity="service", link_id=service_id)

    for code in related.codes.get("languages", ()):
        emit(
            "language",
            {
                "id": derived_id("language", service_id, code),
                "service_id": service_id,
                "name": translated(related.reference.languages[code], "name", language),
                "code": code,
            },
        )
    service_area_rows(service, service_id, language, emit)
    cost_option_rows(service, service_id, language, emit)

    at_location: dict[int, str] = {}  # Location pk -> its service_at_location id
    for location in related.locations:
        at_location[location.pk] = service_at_location_id(uuid_text(location.uuid), location.pk)
        location_rows(location, related.reference, service_id, organisation_id, language, emit)
    for contact_point in related.contact_points:
        contact_point_rows(contact_point, service_id, organisation_id, language, emit)
    for session in related.sessions:
        session_rows(session, service_id, at_location.get(session.location_id), language, emit)


def service_area_rows(service: SupportService, service_id: str, language: str, emit: Emit) -> None:
    if service.is_nationwide:
        area_id = derived_id("service_area", service_id, "FI")
        name = label(SupportService._meta.get_field("is_nationwide").verbose_name, language)
        emit("service_area", {"id": area_id, "service_id": service_id, "name": name})
        attribute(
            emit,
            entity="service_area",
            link_id=area_id,
            key="field",
            code="is_nationwide",
            value="true",
        )
    related = related_of(service)
    for key, relation, names in (
        ("wellbeing_services_county", "area_counties", related.reference.counties),
        ("municipality", "area_municipalities", related.reference.municipalities),
    ):
        for code in related.codes.get(relation, ()):
            area_id = derived_id("service_area", service_id, key, code)
            emit(
                "service_area",
                {
                    "id": area_id,
                    "service_id": service_id,
                    "name": translated(names[code], "name", language),
                },
            )
            attribute(emit, entity="service_area", link_id=area_id, key=key, code=code)


def cost_option_rows(service: SupportService, service_id: str, language: str, emit: Emit) -> None:
    related = related_of(service)
    if "FREE" in related.codes.get("attributes", ()):
        free = related.reference.attributes["FREE"]
        emit(
            "cost_option",
            {
                "id": derived_id("cost_option", service_id, "free"),
                "service_id": service_id,
                "option": translated(free, "name", language),
                "currency": "EUR",
                "amount": 0,
            },
        )
    elif fees := translated(service, "cost_description", language):
        emit(
            "cost_option",
            {
                "id": derived_id("cost_option", service_id, "fee"),
                "service_id": service_id,
                "currency": "EUR",
                "amount_description": fees,
            },
        )


def service_at_location_id(location_id: str, pk: int) -> str:
    """Of a physical location (``pk`` of the Location) or a contact point (of the ContactPoint)."""
    return keyed_id("service_at_location", location_id, key=pk)


def contact_point_location_id(service_id: str, contact_point: ContactPoint) -> str:
    return keyed_id("contact_point", service_id, key=contact_point.pk)


def physical_location_row(location: Location, organisation_id: str, language: str) -> Row:
    return compact(
        {
            "id": uuid_text(location.uuid),
            "location_type": "physical",
            "organization_id": organisation_id,
            "name": translated(location, "name", language),
            "latitude": location.latitude,
            "longitude": location.longitude,
            "external_identifier": location.external_id,
            "external_identifier_type": location.source if location.external_id else "",
        }
    )


def virtual_location_row(
    contact_point: ContactPoint, service_id: str, organisation_id: str, language: str
) -> Row:
    kind = contact_point.kind
    kind_label = choice_label(ContactPoint.Kind, contact_point.kind, language)
    name = translated(contact_point, "label", language) or kind_label
    return compact(
        {
            "id": contact_point_location_id(service_id, contact_point),
            "location_type": "virtual",
            "url": valid_uri(contact_point.value) if kind in URL_KINDS else "",
            "organization_id": organisation_id,
            "name": name,
        }
    )


def location_rows(
    location: Location | SimpleNamespace,
    reference: Reference,
    service_id: str,
    organisation_id: str,
    language: str,
    emit: Emit,
) -> None:
    location_id = uuid_text(location.uuid)
    municipality = reference.municipalities[location.municipality_id]
    county = reference.counties[municipality.county_id]
    emit("location", physical_location_row(location, organisation_id, language))
    address_id = derived_id("address", location_id)
    emit(
        "address",
        {
            "id": address_id,
            "location_id": location_id,
            "address_1": translated(location, "street_address", language)
            or translated(municipality, "name", language),
            "city": translated(municipality, "name", language),
            "state_province": translated(county, "name", language),
            "postal_code": location.postal_code,
            "country": "FI",
            "address_type": "physical",
        },
    )
    attribute(
        emit, entity="address", link_id=address_id, key="municipality", code=municipality.code
    )
    emit(
        "service_at_location",
        {
            "id": service_at_location_id(location_id, location.pk),
            "service_id": service_id,
            "location_id": location_id,
        },
    )
    for code, field in (
        ("STEP_FREE", "step_free"),
        ("STROLLER_ACCESS", "stroller_access"),
        ("HEARING_LOOP", "hearing_loop"),
    ):
        value = getattr(location, field)
        if value is None:
            continue
        accessibility_id = derived_id("accessibility", location_id, code)
        emit(
            "accessibility",
            {
                "id": accessibility_id,
                "location_id": location_id,
                "description": label(ACCESSIBILITY_FEATURES[code], language),
                "details": label(YES_NO[value], language),
            },
        )
        attribute(
            emit,
            entity="accessibility",
            link_id=accessibility_id,
            key="accessibility",
            code=code,
            value="true" if value else "false",
        )
    if notes := translated(location, "accessibility_notes", language):
        emit(
            "accessibility",
            {
                "id": derived_id("accessibility", location_id, "notes"),
                "location_id": location_id,
                "description": notes,
            },
        )
    if location.capacity is not None:
        attribute(
            emit,
            entity="location",
            link_id=location_id,
            key="field",
            code="capacity",
            value=location.capacity,
        )
    translations(
        emit,
        location,
        ("name", "street_address", "accessibility_notes"),
        entity="location",
        link_id=location_id,
    )
    attribute(
        emit,
        entity="location",
        link_id=location_id,
        key="field",
        code="source",
        value=location.source,
    )
    opening_hours_rows(
        location.hours,
        location.exceptions,
        location_id,
        language,
        emit,
    )


def contact_point_rows(
    contact_point: ContactPoint,
    service_id: str,
    organisation_id: str,
    language: str,
    emit: Emit,
) -> None:
    location_id = contact_point_location_id(service_id, contact_point)
    kind = contact_point.kind
    location = virtual_location_row(contact_point, service_id, organisation_id, language)
    url = location.get("url")
    emit("location", location)
    emit(
        "service_at_location",
        {
            "id": service_at_location_id(location_id, contact_point.pk),
            "service_id": service_id,
            "location_id": location_id,
        },
    )
    if kind == ContactPoint.Kind.PHONE:
        emit(
            "phone",
            compact(
                {
                    "id": derived_id("phone", location_id),
                    "location_id": location_id,
                    "number": international_phone(contact_point.value),
                    "type": "voice",
                    "description": translated(contact_point, "charge", language),
                }
            ),
        )
    elif kind == ContactPoint.Kind.EMAIL:
        emit(
            "contact",
            compact(
                {
                    "id": derived_id("contact", location_id),
                    "location_id": location_id,
                    "name": translated(contact_point, "label", language),
                    "email": valid_email(contact_point.value),
                }
            ),
        )

    def link(key: str, code: str, value: object = None) -> None:
        attribute(emit, entity="location", link_id=location_id, key=key, code=code, value=value)

    link("contact_point_kind", kind)
    link("field", "order", contact_point.order)
    unusable_url = kind in URL_KINDS and not url
    unusable_email = kind == ContactPoint.Kind.EMAIL and not valid_email(contact_point.value)
    if unusable_url or unusable_email:
        # Not a valid URL or address: kept as it is, so that nothing is lost.
        link("field", "contact_value", contact_point.value)
    translations(emit, contact_point, ("label", "charge"), entity="location", link_id=location_id)
    opening_hours_rows(
        contact_point.hours,
        contact_point.exceptions,
        location_id,
        language,
        emit,
    )


def opening_hours_rows(
    hours: Iterable[OpeningHours],
    exceptions: Iterable[OpeningHoursException],
    location_id: str,
    language: str,
    emit: Emit,
) -> None:
    """Weekly hours grouped by interval (one schedule per interval), then the exceptions."""
    days: dict[tuple[dt.time, dt.time], list[int]] = defaultdict(list)
    for interval in hours:
        days[(interval.opens, interval.closes)].append(interval.weekday)
    weekly_offset = helsinki_offset(timezone.localdate())
    for (opens, closes), weekdays in sorted(days.items(), key=lambda item: min(item[1])):
        weekdays = sorted(set(weekdays))
        schedule_id = derived_id("schedule", location_id, hhmmss(opens), hhmmss(closes))
        row: Row = {
            "id": schedule_id,
            "location_id": location_id,
            "timezone": weekly_offset,
            "wkst": "MO",
            "freq": "WEEKLY",
            "byday": ",".join(WEEKDAYS[day] for day in weekdays),
            "opens_at": hhmmss(opens),
            "closes_at": closing(closes),
        }
        if opens == closes == MIDNIGHT and len(weekdays) == len(WEEKDAYS):
            row["description"] = label(OPEN_ROUND_THE_CLOCK, language)
        emit("schedule", row)
        in_helsinki_time(emit, schedule_id)
    for exception in exceptions:
        schedule_id = derived_id("schedule", location_id, "exception", exception.pk)
        row = {
            "id": schedule_id,
            "location_id": location_id,
            "valid_from": exception.start_date.isoformat(),
            "valid_to": exception.end_date.isoformat(),
            "timezone": helsinki_offset(exception.start_date),
        }
        note = translated(exception, "note", language)
        if exception.opens is not None:
            row |= {
                "wkst": "MO",
                "freq": "WEEKLY",
                "byday": ",".join(WEEKDAYS),
                "opens_at": hhmmss(exception.opens),
                "closes_at": closing(exception.closes),
            }
            if note:
                row["description"] = note
        else:
            closed = capfirst(label(CLOSED, language))
            row["description"] = f"{closed}: {note}" if note else closed
        emit("schedule", row)
        in_helsinki_time(emit, schedule_id)
        if exception.opens is None:
            attribute(
                emit,
                entity="schedule",
                link_id=schedule_id,
                key="field",
                code="closed",
                value="true",
            )
        translations(emit, exception, ("note",), entity="schedule", link_id=schedule_id)


def in_helsinki_time(emit: Emit, schedule_id: str) -> None:
    attribute(
        emit,
        entity="schedule",
        link_id=schedule_id,
        key="field",
        code="timezone",
        value=HELSINKI.key,
    )


def session_rows(
    session: GroupSession,
    service_id: str,
    at_location_id: str | None,
    language: str,
    emit: Emit,
) -> None:
    schedule_id = uuid_text(session.uuid)
    starts = session.starts_at.astimezone(HELSINKI)
    ends = session.ends_at.astimezone(HELSINKI)
    offset = starts.utcoffset() or dt.timedelta()
    texts = [
        translated(session, "title", language),
        translated(session, "description", language),
    ]
    row: Row = {"id": schedule_id}
    if at_location_id:
        row["service_at_location_id"] = at_location_id
    else:
        row["service_id"] = service_id
    row |= {
        "valid_from": starts.date().isoformat(),
        "valid_to": ends.date().isoformat(),
        "dtstart": starts.date().isoformat(),
        "timezone": int(offset.total_seconds() // 3600),  # Finland: whole hours
        "count": 1,
        "freq": "WEEKLY",
        "byday": WEEKDAYS[starts.weekday()],
        "description": "\n\n".join(text for text in texts if text),
        "opens_at": hhmmss(starts.time()),
        # valid_to holds the day it ends: 00:00:00 on it is exact (no 23:59:59 here).
        "closes_at": hhmmss(ends.time()),
        "schedule_link": valid_uri(session.registration_url) or valid_uri(session.online_url),
        "attending_type": "online" if session.online_url else "in person",
        "notes": translated(session, "place", language),
    }
    emit("schedule", compact(row))
    in_helsinki_time(emit, schedule_id)

    def link(code: str, value: object) -> None:
        if value not in (None, ""):
            attribute(
                emit, entity="schedule", link_id=schedule_id, key="field", code=code, value=value
            )

    link("starts_at", session.starts_at.isoformat())
    link("ends_at", session.ends_at.isoformat())
    link("online_url", session.online_url)
    link("registration_url", session.registration_url)
    link("seats", session.seats)
    link("session_language", session.language_id)
    translations(
        emit, session, ("title", "description", "place"), entity="schedule", link_id=schedule_id
    )


# Taxonomies ----------------------------------------------------------------------------------


def method_term_rows(method: Method, emit: Emit) -> None:
    """What a taxonomy term of a method cannot hold: its rating and its texts."""
    link_id = term_id("method", method.slug)
    if method.rating is not None:
        attribute(
            emit,
            entity="taxonomy_term",
            link_id=link_id,
            key="field",
            code="rating",
            value=method.rating,
        )
    if method.rated_on is not None:
        attribute(
            emit,
            entity="taxonomy_term",
            link_id=link_id,
            key="field",
            code="rated_on",
            value=method.rated_on.isoformat(),
        )
    translations(emit, method, ("name", "description"), entity="taxonomy_term", link_id=link_id)


# Nesting -------------------------------------------------------------------------------------

# For each HSDS object: its arrays, as (property, child table, the child's key to the parent).
CHILDREN: dict[str, tuple[tuple[str, str, str], ...]] = {
    "service": (
        ("phones", "phone", "service_id"),
        ("schedules", "schedule", "service_id"),
        ("service_areas", "service_area", "service_id"),
        ("service_at_locations", "service_at_location", "service_id"),
        ("languages", "language", "service_id"),
        ("cost_options", "cost_option", "service_id"),
        ("contacts", "contact", "service_id"),
        ("attributes", "attribute", "link_id"),
    ),
    "organization": (
        ("phones", "phone", "organization_id"),
        ("organization_identifiers", "organization_identifier", "organization_id"),
        ("attributes", "attribute", "link_id"),
    ),
    "service_at_location": (
        ("contacts", "contact", "service_at_location_id"),
        ("phones", "phone", "service_at_location_id"),
        ("schedules", "schedule", "service_at_location_id"),
        ("attributes", "attribute", "link_id"),
    ),
    "location": (
        ("languages", "language", "location_id"),
        ("addresses", "address", "location_id"),
        ("contacts", "contact", "location_id"),
        ("accessibility", "accessibility", "location_id"),
        ("phones", "phone", "location_id"),
        ("schedules", "schedule", "location_id"),
        ("attributes", "attribute", "link_id"),
    ),
    "phone": (("languages", "language", "phone_id"), ("attributes", "attribute", "link_id")),
    "contact": (("phones", "phone", "contact_id"), ("attributes", "attribute", "link_id")),
}
CHILDREN["attribute"] = ()
LEAF_CHILDREN = (("attributes", "attribute", "link_id"),)
# The keys by which each table's rows are looked up as children (from CHILDREN).
KEYS: dict[str, tuple[str, ...]] = defaultdict(tuple)
for _children in [*CHILDREN.values(), LEAF_CHILDREN]:
    for _prop, _table, _key in _children:
        if _key not in KEYS[_table]:
            KEYS[_table] += (_key,)


class Nest:
    """Assembles flat rows into nested HSDS documents."""

    def __init__(
        self, rows: Iterable[tuple[str, Row]], registry: TermRegistry | None, language: str
    ) -> None:
        self.registry = registry
        self.language = language
        self.by_key: dict[tuple[str, str, object], list[Row]] = defaultdict(list)
        self.by_id: dict[tuple[str, object], Row] = {}
        for table, row in rows:
            self.by_id[(table, row["id"])] = row
            for key in KEYS[table]:
                if key in row:
                    self.by_key[(table, key, row[key])].append(row)

    def get(self, table: str, row_id: object) -> Row | None:
        return self.by_id.get((table, row_id))

    def document(self, table: str, row: Row, *, root: bool = True) -> Row:
        document = dict(row)
        for prop, child_table, key in CHILDREN.get(table, LEAF_CHILDREN):
            children = self.by_key.get((child_table, key, row["id"]), [])
            if children or root:
                document[prop] = [
                    self.document(child_table, child, root=False) for child in children
                ]
        if table == "attribute" and self.registry is not None:
            term = self.registry.get(row["taxonomy_term_id"])
            if term is not None:
                document["taxonomy_term"] = term_document(term, self.language, detail=False)
        if table == "service_at_location":
            location = self.get("location", row["location_id"])
            if location is not None:
                document["location"] = self.document("location", location, root=False)
        return document


def service_document(service: SupportService, language: str, registry: TermRegistry | None) -> Row:
    """The fully nested HSDS service (prefetched with ``service_queryset``)."""
    rows = rows_of(service_rows, service, language)
    nest = Nest(rows, registry, language)
    document = nest.document("service", rows[0][1])
    document["organization"] = organisation_row(service.organisation, language)
    return document


def with_list_form(services: QuerySet[SupportService]) -> QuerySet[SupportService]:
    """``services`` read with what their list form (``service_list_document``) shows."""
    return services.select_related("organisation__parent").prefetch_related("contact_points")


def service_list_document(service: SupportService, language: str) -> Row:
    """A service with its one-to-one fields only (the HSDS list form)."""
    document = service_row(service, language, email=first_email(service))
    document["organization"] = organisation_row(service.organisation, language)
    return document


def organisation_document(
    organisation: Organisation,
    language: str,
    registry: TermRegistry | None,
    services: list[Row] | None = None,
) -> Row:
    rows = rows_of(organisation_rows, organisation, language)
    document = Nest(rows, registry, language).document("organization", rows[0][1])
    if services is not None:
        document["services"] = services
    return document


def service_at_location_document(
    service: SupportService, sal_id: str, language: str, registry: TermRegistry | None
) -> Row | None:
    """One fully nested service_at_location of a service, with the service's list form."""
    rows = rows_of(service_rows, service, language)
    nest = Nest(rows, registry, language)
    row = nest.get("service_at_location", sal_id)
    if row is None:
        return None
    document = nest.document("service_at_location", row)
    document["service"] = service_list_document(service, language)
    return document


def organisation_services(
    organisations: list[Organisation],
    language: str,
    registry: TermRegistry | None,
    *,
    full: bool,
    statuses: Iterable[str] = (SupportService.Status.PUBLISHED,),
) -> dict[int, list[Row]]:
    """The services (published ones by default) of each organisation, in the list form or
    fully nested."""
    ids = [organisation.pk for organisation in organisations]
    queryset = SupportService.objects.filter(
        status__in=list(statuses), organisation__in=ids
    ).order_by("pk")
    by_organisation: dict[int, list[Row]] = {}
    if full:
        services = service_queryset().filter(pk__in=queryset.values("pk")).order_by("pk")
        for service in load_services(services):
            document = service_document(service, language, registry)
            by_organisation.setdefault(service.organisation_id, []).append(document)
    else:
        for service in with_list_form(queryset):
            document = service_list_document(service, language)
            by_organisation.setdefault(service.organisation_id, []).append(document)
    return by_organisation
