"""Two service documents compared field by field, in words a person reads.

Used by the history page (one version against the one before) and the review page (the
published service against the proposed change). Codes become their labels in the active
language; rows are paired by id, so a moved or renamed location reads as a change of that
location, not as one removed and one added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from services.catalogue.documents import (
    CONTACT_FIELDS,
    LOCATION_FIELDS,
    SERVICE_FIELDS,
    SERVICE_LINKS,
    SESSION_FIELDS,
)
from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    SupportService,
)

EMPTY = "—"
LANGUAGE_NAMES = {
    "fi": gettext_lazy("in Finnish"),
    "sv": gettext_lazy("in Swedish"),
    "en": gettext_lazy("in English"),
}


@dataclass(frozen=True)
class Difference:
    """One field that differs between two documents."""

    section: str
    field: str
    before: str
    after: str


def field_label(model: type[models.Model], name: str) -> str:
    """``name_sv`` → "name (på svenska)"; other fields by their verbose name."""
    base, _sep, language = name.rpartition("_")
    if language in LANGUAGE_NAMES and base:
        try:
            label = str(model._meta.get_field(base).verbose_name)
        except Exception:  # noqa: BLE001 - a field only the translation has
            label = base
        return f"{label} ({LANGUAGE_NAMES[language]})"
    return str(model._meta.get_field(name).verbose_name)


class Labels:
    """Labels of the codes and ids two documents mention, fetched once per kind."""

    def __init__(self, documents: Iterable[dict[str, Any] | None]) -> None:
        wanted: dict[str, set[Any]] = {name: set() for name in SERVICE_LINKS}
        wanted |= {"organisation": set(), "tier": set(), "municipality": set(), "language": set()}
        for document in documents:
            if not document:
                continue
            for name in SERVICE_LINKS:
                wanted[name] |= set(document["links"].get(name, []))
            wanted["organisation"].add(document["fields"].get("organisation"))
            wanted["tier"].add(document["fields"].get("tier"))
            for location in document["locations"]:
                wanted["municipality"].add(location["fields"].get("municipality"))
            for session in document["sessions"]:
                wanted["languages"].add(session["fields"].get("language"))
        self.names: dict[str, dict[Any, str]] = {}
        for name, values in wanted.items():
            values.discard(None)
            model = self._model(name)
            self.names[name] = (
                {obj.pk: str(obj) for obj in model.objects.filter(pk__in=values)} if values else {}
            )
        self.names["language"] = self.names["languages"]

    @staticmethod
    def _model(name: str) -> type[models.Model]:
        if name == "organisation":
            return Organisation
        if name == "municipality":
            return Municipality
        if name == "language":
            return SupportService._meta.get_field("languages").related_model
        if name == "tier":
            return SupportService._meta.get_field("tier").related_model
        return SupportService._meta.get_field(name).related_model

    def of(self, name: str, value: Any) -> str:
        return self.names.get(name, {}).get(value, str(value))


def show(model: type[models.Model], name: str, value: Any, labels: Labels) -> str:
    if value is None or value == "" or value == []:
        if isinstance(model._meta.get_field(name), models.BooleanField) and value is None:
            return pgettext("not known", "unknown")
        return EMPTY
    if isinstance(value, list):
        return ", ".join(sorted(labels.of(name, item) for item in value))
    field = model._meta.get_field(name)
    if field.is_relation:
        return labels.of(name, value)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else value
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        day = parse_date(value) if isinstance(value, str) else value
        return formats.date_format(day, "SHORT_DATE_FORMAT")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def show_hours(hours: Sequence[Sequence[Any]]) -> str:
    if not hours:
        return EMPTY
    days = dict(OpeningHours.Weekday.choices)
    return "; ".join(f"{days[weekday]} {opens}–{closes}" for weekday, opens, closes in hours)


def show_exceptions(exceptions: Sequence[dict[str, Any]]) -> str:
    if not exceptions:
        return EMPTY
    parts = []
    for item in exceptions:
        start = formats.date_format(parse_date(item["start_date"]), "SHORT_DATE_FORMAT")
        end = formats.date_format(parse_date(item["end_date"]), "SHORT_DATE_FORMAT")
        span = start if start == end else f"{start}–{end}"
        hours = _("closed") if not item.get("opens") else f"{item['opens']}–{item['closes']}"
        note = item.get("note_fi") or item.get("note_sv") or item.get("note_en") or ""
        parts.append(f"{span} {hours}" + (f" ({note})" if note else ""))
    return "; ".join(parts)


def _row_title(model: type[models.Model], fields: dict[str, Any]) -> str:
    if model is Location:
        return fields.get("name_fi") or fields.get("street_address_fi") or ""
    if model is ContactPoint:
        return fields.get("value") or ""
    if model is GroupSession:
        title = fields.get("title_fi") or ""
        starts = fields.get("starts_at")
        when = show(GroupSession, "starts_at", starts, Labels([])) if starts else ""
        return " ".join(part for part in (title, when) if part)
    return ""


def _compare_fields(
    section: str,
    model: type[models.Model],
    names: Sequence[str],
    before: dict[str, Any],
    after: dict[str, Any],
    labels: Labels,
) -> list[Difference]:
    found = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if (old in (None, "") and new in (None, "")) or old == new:
            continue
        found.append(
            Difference(
                section,
                field_label(model, name),
                show(model, name, old, labels),
                show(model, name, new, labels),
            )
        )
    return found


def _compare_rows(
    kind: str,
    model: type[models.Model],
    names: Sequence[str],
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    labels: Labels,
) -> list[Difference]:
    found: list[Difference] = []
    old_by_id = {item["id"]: item for item in before if item.get("id")}
    empty: dict[str, Any] = {"fields": {}, "hours": [], "exceptions": []}
    for item in after:
        old = old_by_id.pop(item.get("id"), None) if item.get("id") else None
        title = _row_title(model, item["fields"])
        if old is None:
            section = _("%(kind)s added: %(title)s") % {"kind": kind, "title": title}
            old = empty
        else:
            section = f"{kind}: {title}"
        found += _compare_fields(section, model, names, old["fields"], item["fields"], labels)
        if "hours" in item:
            hours_before, hours_after = old.get("hours", []), item.get("hours", [])
            if sorted(map(tuple, hours_before)) != sorted(map(tuple, hours_after)):
                found.append(
                    Difference(
                        section,
                        str(OpeningHours._meta.verbose_name),
                        show_hours(hours_before),
                        show_hours(hours_after),
                    )
                )
            if old.get("exceptions", []) != item.get("exceptions", []):
                found.append(
                    Difference(
                        section,
                        str(OpeningHoursException._meta.verbose_name_plural),
                        show_exceptions(old.get("exceptions", [])),
                        show_exceptions(item.get("exceptions", [])),
                    )
                )
    for old in old_by_id.values():
        section = _("%(kind)s removed: %(title)s") % {
            "kind": kind,
            "title": _row_title(model, old["fields"]),
        }
        found.append(Difference(section, "", _row_title(model, old["fields"]), EMPTY))
    return found


def describe_differences(
    before: dict[str, Any] | None, after: dict[str, Any], labels: Labels | None = None
) -> list[Difference]:
    """What changed from ``before`` to ``after`` (None: the service is new).

    ``labels``: of every document a page compares (one look-up per kind for the page);
    by default those of these two documents.
    """
    labels = labels or Labels([before, after])
    old = before or {
        "fields": {},
        "links": {},
        "locations": [],
        "contact_points": [],
        "sessions": [],
    }
    service = pgettext("part of a service", "Service")
    found = _compare_fields(
        service, SupportService, SERVICE_FIELDS, old["fields"], after["fields"], labels
    )
    for name in SERVICE_LINKS:
        old_links = sorted(old["links"].get(name, []), key=str)
        new_links = sorted(after["links"].get(name, []), key=str)
        if old_links != new_links:
            found.append(
                Difference(
                    service,
                    field_label(SupportService, name),
                    show(SupportService, name, old_links, labels),
                    show(SupportService, name, new_links, labels),
                )
            )
    # Sessions point at locations by position: compare them by the location's title instead.
    for key, kind, model, names in (
        ("locations", pgettext("part of a service", "Location"), Location, LOCATION_FIELDS),
        ("contact_points", pgettext("part of a service", "Contact"), ContactPoint, CONTACT_FIELDS),
    ):
        found += _compare_rows(kind, model, names, old[key], after[key], labels)
    found += _compare_rows(
        pgettext("part of a service", "Group session"),
        GroupSession,
        [name for name in SESSION_FIELDS if name != "location"],
        old["sessions"],
        after["sessions"],
        labels,
    )
    return found
