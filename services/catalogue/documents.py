"""A service with everything that belongs to it, as one plain JSON document.

The editor edits documents, a change waiting for review keeps one (``ServiceRevision``), the
history stores one per version (``services.catalogue.history``) and shows the difference of
two. ``apply_document`` writes a document back through a ``Change``.

Shape (values are JSON: dates, times and datetimes in ISO 8601; foreign keys as ids or codes)::

    {"format": 1,
     "fields": {"organisation": 12, "name_fi": "...", "tier": "SPECIALIST", ...},
     "links": {"channels": ["PHONE", ...], "methods": [3], ...},
     "locations": [{"id": 5, "fields": {...}, "hours": [[0, "08:00", "16:00"], ...],
                    "exceptions": [{"start_date": "2026-12-24", ..., "opens": null}]}],
     "contact_points": [{"id": 7, "fields": {...}, "hours": [...], "exceptions": [...]}],
     "sessions": [{"id": 9, "fields": {..., "location": 0}}]}

A session's ``location`` is the position of its location in ``locations`` (a new location has
no id yet). Rows without ``id`` are new; stored rows missing from a document are deleted when
it is applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import pgettext

from services.catalogue.changes import Change
from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    OpeningHours,
    OpeningHoursException,
    SupportService,
)

FORMAT = 1
LANGUAGES = ("fi", "sv", "en")


def translated(*names: str) -> tuple[str, ...]:
    return tuple(f"{name}_{language}" for name in names for language in LANGUAGES)


SERVICE_TEXTS = ("name", "summary", "description", "how_to_get", "eligibility", "cost_description")
SERVICE_FIELDS = (
    "organisation",
    *translated(*SERVICE_TEXTS),
    "website",
    "tier",
    "min_age",
    "max_age",
    "prenatal",
    "is_nationwide",
)
SERVICE_LINKS = (
    "channels",
    "target_groups",
    "life_situations",
    "attributes",
    "languages",
    "area_counties",
    "area_municipalities",
    "methods",
    "service_classes",
)
LOCATION_FIELDS = (
    *translated("name", "street_address"),
    "postal_code",
    "municipality",
    "latitude",
    "longitude",
    "capacity",
    "step_free",
    "stroller_access",
    "hearing_loop",
    *translated("accessibility_notes"),
)
CONTACT_FIELDS = ("kind", "value", *translated("label", "charge"), "order")
SESSION_FIELDS = (
    *translated("title", "description"),
    "starts_at",
    "ends_at",
    "location",
    *translated("place"),
    "online_url",
    "language",
    "seats",
    "registration_url",
    "is_cancelled",
)
EXCEPTION_FIELDS = ("start_date", "end_date", "opens", "closes", *translated("note"))
OWNED = {"locations": Location, "contact_points": ContactPoint}


def _column(model: type[models.Model], name: str) -> str:
    """The ``values()`` name of a document field: ``tier`` → ``tier_id``."""
    field = model._meta.get_field(name)
    return field.attname if field.is_relation else name


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return (
            value.isoformat(timespec="minutes") if isinstance(value, dt.time) else value.isoformat()
        )
    return value


def _from_json(model: type[models.Model], name: str, value: Any) -> Any:
    """A document value as the model field wants it."""
    if value is None or value == "":
        return value
    field = model._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return parse_datetime(value) if isinstance(value, str) else value
    if isinstance(field, models.DateField):
        return parse_date(value) if isinstance(value, str) else value
    if isinstance(field, models.TimeField):
        return parse_time(value) if isinstance(value, str) else value
    return value


def _values(model: type[models.Model], names: Sequence[str], row: dict[str, Any]) -> dict[str, Any]:
    return {name: _to_json(row[_column(model, name)]) for name in names}


# Reading.


def documents_for(service_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Documents of these services from plain values, with a fixed number of queries."""
    ids = sorted(set(service_ids))
    documents: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        documents.update(_documents_batch(ids[start : start + 500]))
    return documents


def _documents_batch(ids: list[int]) -> dict[int, dict[str, Any]]:
    columns = [_column(SupportService, name) for name in SERVICE_FIELDS]
    documents: dict[int, dict[str, Any]] = {}
    for row in SupportService.objects.filter(pk__in=ids).values("pk", *columns):
        documents[row["pk"]] = {
            "format": FORMAT,
            "fields": _values(SupportService, SERVICE_FIELDS, row),
            "links": {name: [] for name in SERVICE_LINKS},
            "locations": [],
            "contact_points": [],
            "sessions": [],
        }
    for name in SERVICE_LINKS:
        field = SupportService._meta.get_field(name)
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        rows = through.objects.filter(supportservice_id__in=ids).values_list(
            "supportservice_id", f"{target}_id"
        )
        for service_id, value in rows:
            if service_id in documents:
                documents[service_id]["links"][name].append(value)
    for document in documents.values():
        for name in SERVICE_LINKS:
            document["links"][name].sort(key=str)

    owned_rows: dict[str, dict[int, dict[str, Any]]] = {}
    for key, model, names in (
        ("locations", Location, LOCATION_FIELDS),
        ("contact_points", ContactPoint, CONTACT_FIELDS),
    ):
        owned_rows[key] = {}
        columns = [_column(model, name) for name in names]
        for row in (
            model.objects.filter(service_id__in=ids)
            .order_by("pk")
            .values("pk", "service_id", *columns)
        ):
            item = {
                "id": row["pk"],
                "fields": _values(model, names, row),
                "hours": [],
                "exceptions": [],
            }
            owned_rows[key][row["pk"]] = item
            if row["service_id"] in documents:
                documents[row["service_id"]][key].append(item)
    for owner, key in (("location", "locations"), ("contact_point", "contact_points")):
        rows = owned_rows[key]
        if not rows:
            continue
        hours = OpeningHours.objects.filter(**{f"{owner}_id__in": list(rows)}).order_by(
            "weekday", "opens", "closes"
        )
        for owner_id, weekday, opens, closes in hours.values_list(
            f"{owner}_id", "weekday", "opens", "closes"
        ):
            rows[owner_id]["hours"].append([weekday, _to_json(opens), _to_json(closes)])
        exceptions = OpeningHoursException.objects.filter(
            **{f"{owner}_id__in": list(rows)}
        ).order_by("start_date", "end_date", "pk")
        columns = [_column(OpeningHoursException, name) for name in EXCEPTION_FIELDS]
        for row in exceptions.values(f"{owner}_id", *columns):
            rows[row[f"{owner}_id"]]["exceptions"].append(
                _values(OpeningHoursException, EXCEPTION_FIELDS, row)
            )

    positions = {
        item["id"]: position
        for document in documents.values()
        for position, item in enumerate(document["locations"])
    }
    columns = [_column(GroupSession, name) for name in SESSION_FIELDS]
    for row in (
        GroupSession.objects.filter(service_id__in=ids)
        .order_by("starts_at", "pk")
        .values("pk", "service_id", *columns)
    ):
        fields = _values(GroupSession, SESSION_FIELDS, row)
        fields["location"] = positions.get(row["location_id"])
        documents[row["service_id"]]["sessions"].append({"id": row["pk"], "fields": fields})
    return documents


def service_document(service: SupportService) -> dict[str, Any]:
    return documents_for([service.pk])[service.pk]


def empty_document(**fields: Any) -> dict[str, Any]:
    """A new service's document (nothing filled in but ``fields``)."""
    return {
        "format": FORMAT,
        "fields": {name: None for name in SERVICE_FIELDS}
        | {"prenatal": False, "is_nationwide": False}
        | fields,
        "links": {name: [] for name in SERVICE_LINKS},
        "locations": [],
        "contact_points": [],
        "sessions": [],
    }


# Writing.


class DocumentError(ValidationError):
    """A document that cannot be applied: each message names the row it is about."""


def _assign(obj: models.Model, names: Sequence[str], values: dict[str, Any]) -> bool:
    """Set the document's values on ``obj``; True when anything differs."""
    changed = False
    model = type(obj)
    for name in names:
        if name not in values:
            continue
        value = _from_json(model, name, values[name])
        field = model._meta.get_field(name)
        attname = field.attname
        if field.is_relation:
            current = getattr(obj, attname)
        else:
            current = getattr(obj, name)
        if value is None and not field.null:
            value = ""
        if current != value:
            setattr(obj, attname if field.is_relation else name, value)
            changed = True
    return changed


def _clean(obj: models.Model, where: str, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        messages = [
            f"{where}: {message}"
            for field_messages in error.message_dict.values()
            for message in field_messages
        ]
        raise DocumentError(messages) from None


def apply_document(
    work: Change, *, document: dict[str, Any], service: SupportService | None = None
) -> SupportService:
    """Make the stored service match ``document`` (create it when ``service`` is None).

    Only what differs is written. Raises ``DocumentError`` (nothing written, the change rolls
    back) when a row breaks a rule.
    """
    service = service or SupportService()
    fields = document["fields"]
    changed = _assign(service, SERVICE_FIELDS, fields)
    if changed or service.pk is None:
        _clean(service, pgettext("part of a service", "Service"), exclude=["organisation", "tier"])
        work.save(service)
    for name in SERVICE_LINKS:
        wanted = set(document["links"].get(name, []))
        field = SupportService._meta.get_field(name)
        through = field.remote_field.through
        target = f"{field.m2m_reverse_field_name()}_id"
        stored = set(
            through.objects.filter(supportservice_id=service.pk).values_list(target, flat=True)
        )
        if wanted != stored:
            work.set_links(service, name, sorted(wanted, key=str))

    locations = _apply_rows(
        work,
        service,
        Location,
        LOCATION_FIELDS,
        document["locations"],
        pgettext("part of a service", "Location"),
    )
    _apply_rows(
        work,
        service,
        ContactPoint,
        CONTACT_FIELDS,
        document["contact_points"],
        pgettext("part of a service", "Contact"),
    )
    sessions = []
    for item in document["sessions"]:
        fields = dict(item["fields"])
        position = fields.get("location")
        fields["location"] = (
            locations[position].pk
            if isinstance(position, int) and 0 <= position < len(locations)
            else None
        )
        sessions.append({**item, "fields": fields})
    _apply_rows(
        work,
        service,
        GroupSession,
        SESSION_FIELDS,
        sessions,
        pgettext("part of a service", "Group session"),
    )
    return service


def _apply_rows(
    work: Change,
    service: SupportService,
    model: type[models.Model],
    names: Sequence[str],
    items: list[dict[str, Any]],
    label: str,
) -> list[models.Model]:
    stored = {obj.pk: obj for obj in model.objects.filter(service=service)}
    kept: list[models.Model] = []
    for number, item in enumerate(items, start=1):
        obj = stored.pop(item.get("id"), None) if item.get("id") else None
        if obj is None:
            obj = model(service=service)
        changed = _assign(obj, names, item["fields"])
        if changed or obj.pk is None:
            _clean(obj, f"{label} {number}", exclude=["service"])
            work.save(obj)
        if model in OWNED.values():
            _apply_owned(work, obj, item, f"{label} {number}")
        kept.append(obj)
    for obj in stored.values():
        work.delete(obj)
    return kept


def _apply_owned(work: Change, owner: models.Model, item: dict[str, Any], where: str) -> None:
    owner_field = "location" if isinstance(owner, Location) else "contact_point"
    hours = sorted(tuple(row) for row in item.get("hours", []))
    stored = sorted(
        (weekday, _to_json(opens), _to_json(closes))
        for weekday, opens, closes in OpeningHours.objects.filter(
            **{owner_field: owner}
        ).values_list("weekday", "opens", "closes")
    )
    if hours != stored:
        work.delete_rows(OpeningHours.objects.filter(**{owner_field: owner}))
        rows = []
        for weekday, opens, closes in hours:
            row = OpeningHours(
                **{owner_field: owner},
                weekday=weekday,
                opens=parse_time(opens),
                closes=parse_time(closes),
            )
            _clean(row, where, exclude=["location", "contact_point"])
            rows.append(row)
        work.bulk_create(OpeningHours, rows, services=[owner.service_id])
    exceptions = [
        {name: row.get(name) for name in EXCEPTION_FIELDS} for row in item.get("exceptions", [])
    ]
    columns = [_column(OpeningHoursException, name) for name in EXCEPTION_FIELDS]
    stored_exceptions = [
        _values(OpeningHoursException, EXCEPTION_FIELDS, row)
        for row in OpeningHoursException.objects.filter(**{owner_field: owner})
        .order_by("start_date", "end_date", "pk")
        .values(*columns)
    ]
    if exceptions != stored_exceptions:
        work.delete_rows(OpeningHoursException.objects.filter(**{owner_field: owner}))
        rows = []
        for values in exceptions:
            row = OpeningHoursException(**{owner_field: owner})
            _assign(row, EXCEPTION_FIELDS, values)
            _clean(row, where, exclude=["location", "contact_point"])
            rows.append(row)
        work.bulk_create(OpeningHoursException, rows, services=[owner.service_id])
