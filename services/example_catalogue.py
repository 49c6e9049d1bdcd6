"""The example catalogue: how the product looks with content in it.

Two parts, both read from the YAML files in ``services/data/example_catalogue/``:

- the real national digital services (nationwide, remote) with our own neutral wording;
- an illustrative regional catalogue for one wellbeing services county, Etelä-Savo, whose
  addresses, opening hours and sessions are made up, with deliberate gaps for the mapping.

Every organisation, service and location is saved with ``source=Source.EXAMPLE`` and a stable
external ID, so pages show the example notice and re-running updates records in place. Dates
are relative to the day of loading: group sessions lie ahead, holiday closings are the next
ones, and "last confirmed accurate" keeps its age (some listings are deliberately stale).

All files are read and checked first; then everything is written in one transaction, each
record validated with ``full_clean()``. An error names the file and record and writes nothing.
The file format is described at the top of ``organisations.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation

from services.catalogue import Change, change
from services.catalogue.history import EXAMPLE
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
    Source,
    SupportService,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "example_catalogue"
LANGUAGES = ("fi", "sv", "en")
# The time of day given to "last confirmed accurate", so that re-running on the same day
# computes the same value and changes nothing.
VERIFIED_TIME = dt.time(12, 0)
# Group sessions have no external ID; their UUIDs are derived from the service and session key.
SESSION_NAMESPACE = uuid.UUID("6f1d3c1e-8a43-4c52-9d1e-3b0f2f5c7a10")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MONTH_DAY_RE = re.compile(r"^(\d\d)-(\d\d)$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")

TEXT = dict[str, str | None]
# What the report counts, in the order it is printed.
REPORTED = (
    "methods",
    "organisations",
    "support services",
    "locations",
    "opening hours",
    "opening hours exceptions",
    "contact points",
    "group sessions",
)


class ExampleCatalogueError(Exception):
    """The data files are wrong or the reference data is missing; nothing was written."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.deleted:
            text += f", {self.deleted} deleted"
        return text

    def add(self, status: str, number: int = 1) -> None:
        setattr(self, status, getattr(self, status) + number)


@dataclass
class ExampleCatalogueReport:
    counts: dict[str, Counts] = field(default_factory=dict)
    services_by_tier: dict[str, int] = field(default_factory=dict)
    services_by_status: dict[str, int] = field(default_factory=dict)
    # Example records in the database that the data files no longer list; they are kept.
    not_in_data: list[str] = field(default_factory=list)

    def count(self, name: str) -> Counts:
        return self.counts.setdefault(name, Counts())

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.deleted for c in self.counts.values())

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())


# Reading and checking the files.


class Checker:
    """Checks the raw YAML records against the reference data and normalises them."""

    def __init__(self) -> None:
        self.codes: dict[str, set[str]] = {
            "tier": set(Tier.objects.values_list("code", flat=True)),
            "channel": set(Channel.objects.values_list("code", flat=True)),
            "target group": set(TargetGroup.objects.values_list("code", flat=True)),
            "life situation": set(LifeSituation.objects.values_list("code", flat=True)),
            "attribute": set(Attribute.objects.values_list("code", flat=True)),
            "language": set(Language.objects.values_list("code", flat=True)),
            "service class": set(ServiceClass.objects.values_list("code", flat=True)),
            "county": set(WellbeingServicesCounty.objects.values_list("code", flat=True)),
            "municipality": set(Municipality.objects.values_list("code", flat=True)),
        }
        self.postal_areas = dict(PostalArea.objects.values_list("code", "municipality_id"))

    @staticmethod
    def fail(where: str, message: str) -> ExampleCatalogueError:
        return ExampleCatalogueError(f"{where}: {message}")

    def keys(
        self, record: Any, where: str, required: Iterable[str], optional: Iterable[str]
    ) -> dict:
        if not isinstance(record, dict):
            raise self.fail(where, "expected a mapping of fields")
        required, allowed = set(required), set(required) | set(optional)
        if unknown := sorted(set(record) - allowed):
            raise self.fail(where, f"unknown field(s): {', '.join(map(str, unknown))}")
        if missing := sorted(name for name in required if record.get(name) in (None, "")):
            raise self.fail(where, f"missing field(s): {', '.join(missing)}")
        return record

    def text(
        self, value: Any, where: str, name: str, *, required: bool = False, max_length: int = 0
    ) -> TEXT:
        """A translated text: a string (Finnish) or a mapping of fi/sv/en."""
        if value is None:
            value = {}
        elif isinstance(value, str):
            value = {"fi": value}
        if not isinstance(value, dict) or set(value) - set(LANGUAGES):
            raise self.fail(where, f"{name} must be a text or a mapping of fi, sv and en")
        result: TEXT = {}
        for language in LANGUAGES:
            text = value.get(language)
            if text is not None and not isinstance(text, str):
                raise self.fail(where, f"{name} ({language}) must be text")
            result[language] = text.strip() if text and text.strip() else None
        for language, text in result.items():
            if max_length and text and len(text) > max_length:
                raise self.fail(
                    where, f"{name} ({language}) has {len(text)} characters, at most {max_length}"
                )
        if required and not result["fi"]:
            raise self.fail(where, f"{name} needs a Finnish text")
        if not result["fi"] and any(result.values()):
            raise self.fail(where, f"{name} has a translation but no Finnish text")
        return result

    def code_list(self, value: Any, where: str, kind: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, f"{kind} codes must be a list of codes")
        if unknown := [code for code in value if code not in self.codes[kind]]:
            raise self.fail(where, f"unknown {kind} code(s): {', '.join(unknown)}")
        if len(set(value)) != len(value):
            raise self.fail(where, f"a {kind} code is listed twice")
        return list(value)

    def identifier(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not ID_RE.match(value):
            raise self.fail(where, f"id {value!r} must be lowercase letters, digits and hyphens")
        return value

    def url(self, value: Any, where: str, name: str) -> str:
        if value in (None, ""):
            return ""
        if not isinstance(value, str) or not value.startswith("https://"):
            raise self.fail(where, f"{name} must be an https:// address")
        return value

    def integer(self, value: Any, where: str, name: str, low: int, high: int) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(where, f"{name} must be a whole number from {low} to {high}")
        return value

    def time(self, value: Any, where: str) -> dt.time:
        match = TIME_RE.match(value) if isinstance(value, str) else None
        if not match:
            raise self.fail(where, f"time {value!r} must be HH:MM (quote it in YAML)")
        return dt.time(int(match.group(1)), int(match.group(2)))

    def interval(self, value: Any, where: str) -> tuple[dt.time, dt.time]:
        if not isinstance(value, str) or value.count("-") != 1:
            raise self.fail(where, f"hours {value!r} must be HH:MM-HH:MM")
        opens, closes = (self.time(part.strip(), where) for part in value.split("-"))
        if not (closes > opens or closes == dt.time(0, 0)):
            raise self.fail(where, f"hours {value!r} close before they open")
        return opens, closes

    def weekdays(self, spec: Any, where: str) -> list[int]:
        """``mon-fri``, ``tue,thu``, ``daily``."""
        if not isinstance(spec, str):
            raise self.fail(where, f"weekdays {spec!r} must be text such as mon-fri")
        days: list[int] = []
        for part in spec.replace(" ", "").split(","):
            if part == "daily":
                days.extend(range(7))
                continue
            first, _, last = part.partition("-")
            if first not in WEEKDAYS or (last and last not in WEEKDAYS):
                raise self.fail(where, f"weekdays {spec!r}: use mon … sun, ranges or daily")
            start = WEEKDAYS.index(first)
            end = WEEKDAYS.index(last) if last else start
            if end < start:
                raise self.fail(where, f"weekdays {spec!r}: a range runs from Monday to Sunday")
            days.extend(range(start, end + 1))
        if len(set(days)) != len(days):
            raise self.fail(where, f"weekdays {spec!r} overlap")
        return days

    def hours(self, value: Any, where: str) -> list[tuple[int, dt.time, dt.time]]:
        """Weekly hours: ``{mon-thu: "08:00-16:00", fri: ["08:00-12:00", "13:00-15:00"]}``."""
        if value is None:
            return []
        if not isinstance(value, dict):
            raise self.fail(where, "hours must be a mapping of weekdays to HH:MM-HH:MM")
        result = []
        for spec, intervals in value.items():
            intervals = intervals if isinstance(intervals, list) else [intervals]
            for day in self.weekdays(spec, where):
                result.extend((day, *self.interval(i, where)) for i in intervals)
        if len(set(result)) != len(result):
            raise self.fail(where, "the same opening hours are given twice")
        return sorted(result)

    def month_day(self, value: str, where: str) -> tuple[int, int]:
        match = MONTH_DAY_RE.match(value.strip())
        try:
            if not match:
                raise ValueError
            dt.date(2001, int(match.group(1)), int(match.group(2)))
        except ValueError:
            raise self.fail(where, f"date {value!r} must be MM-DD (not 02-29)") from None
        return int(match.group(1)), int(match.group(2))

    def exceptions(self, value: Any, where: str) -> list[dict[str, Any]]:
        """Yearly exceptions: ``{dates: 12-24/12-26, note: …}`` (closed) or with ``hours``."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, "exceptions must be a list")
        result = []
        for number, item in enumerate(value, start=1):
            at = f"{where}, exception {number}"
            item = self.keys(item, at, ["dates"], ["hours", "note"])
            first, _, last = str(item["dates"]).partition("/")
            opens, closes = self.interval(item["hours"], at) if item.get("hours") else (None, None)
            result.append(
                {
                    "start": self.month_day(first, at),
                    "end": self.month_day(last or first, at),
                    "opens": opens,
                    "closes": closes,
                    "note": self.text(item.get("note"), at, "note"),
                }
            )
        return result

    def method(self, raw: Any, where: str) -> dict[str, Any]:
        raw = self.keys(raw, where, ["id", "name"], ["description", "rating", "source_url"])
        rating = self.integer(raw.get("rating"), where, "rating", 1, 5)
        return {
            "id": self.identifier(raw["id"], where),
            "name": self.text(raw["name"], where, "name", required=True),
            "description": self.text(raw.get("description"), where, "description"),
            "rating": rating,
            "source_url": self.url(raw.get("source_url"), where, "source_url"),
        }

    def organisation(self, raw: Any, where: str, known: set[str]) -> dict[str, Any]:
        raw = self.keys(raw, where, ["id", "name", "kind"], ["description", "website", "parent"])
        if raw["kind"] not in Organisation.Kind.values:
            raise self.fail(where, f"kind {raw['kind']!r} is not one of {Organisation.Kind.values}")
        parent = raw.get("parent")
        if parent is not None and parent not in known:
            raise self.fail(where, f"parent {parent!r} must be listed before its children")
        return {
            "id": self.identifier(raw["id"], where),
            "name": self.text(raw["name"], where, "name", required=True),
            "description": self.text(raw.get("description"), where, "description"),
            "kind": raw["kind"],
            "website": self.url(raw.get("website"), where, "website"),
            "parent": parent,
        }

    def place(self, raw: Any, where: str) -> dict[str, Any]:
        raw = self.keys(
            raw,
            where,
            ["id", "street_address", "postal_code", "municipality", "latitude", "longitude"],
            [
                "name",
                "step_free",
                "stroller_access",
                "hearing_loop",
                "accessibility_notes",
                "hours",
                "exceptions",
            ],
        )
        municipality = str(raw["municipality"])
        postal_code = str(raw["postal_code"])
        if municipality not in self.codes["municipality"]:
            raise self.fail(where, f"unknown municipality {municipality!r}")
        if self.postal_areas.get(postal_code) != municipality:
            raise self.fail(
                where,
                f"postal code {postal_code} is not a postal area of municipality {municipality}",
            )
        point = []
        for name in ("latitude", "longitude"):
            if isinstance(raw[name], bool) or not isinstance(raw[name], int | float):
                raise self.fail(where, f"{name} must be a number (WGS84 degrees)")
            point.append(float(raw[name]))
        for name in ("step_free", "stroller_access", "hearing_loop"):
            if raw.get(name) not in (None, True, False):
                raise self.fail(where, f"{name} must be true, false or empty")
        return {
            "id": self.identifier(raw["id"], where),
            "name": self.text(raw.get("name"), where, "name"),
            "street_address": self.text(
                raw["street_address"], where, "street_address", required=True
            ),
            "postal_code": postal_code,
            "municipality": municipality,
            "latitude": point[0],
            "longitude": point[1],
            "step_free": raw.get("step_free"),
            "stroller_access": raw.get("stroller_access"),
            "hearing_loop": raw.get("hearing_loop"),
            "accessibility_notes": self.text(raw.get("accessibility_notes"), where, "notes"),
            "hours": self.hours(raw.get("hours"), where),
            "exceptions": self.exceptions(raw.get("exceptions"), where),
        }

    def area(self, value: Any, where: str) -> dict[str, Any]:
        if value == "nationwide":
            return {"nationwide": True, "counties": [], "municipalities": []}
        if not isinstance(value, dict) or not value or set(value) - {"counties", "municipalities"}:
            raise self.fail(where, "area must be nationwide, or counties and/or municipalities")
        if not all(isinstance(codes, list) for codes in value.values()):
            raise self.fail(where, "area counties and municipalities must be lists of codes")
        as_text = {key: [str(code) for code in codes] for key, codes in value.items()}
        return {
            "nationwide": False,
            "counties": self.code_list(as_text.get("counties"), where, "county"),
            "municipalities": self.code_list(as_text.get("municipalities"), where, "municipality"),
        }

    def contact_point(self, raw: Any, where: str) -> dict[str, Any]:
        raw = self.keys(raw, where, ["kind", "value"], ["label", "charge", "hours", "exceptions"])
        if raw["kind"] not in ContactPoint.Kind.values:
            raise self.fail(where, f"kind {raw['kind']!r} is not one of {ContactPoint.Kind.values}")
        return {
            "kind": raw["kind"],
            "value": str(raw["value"]).strip(),
            "label": self.text(raw.get("label"), where, "label"),
            "charge": self.text(raw.get("charge"), where, "charge"),
            "hours": self.hours(raw.get("hours"), where),
            "exceptions": self.exceptions(raw.get("exceptions"), where),
        }

    def sessions(self, raw: Any, where: str, places: list[str]) -> dict[str, Any]:
        raw = self.keys(
            raw,
            where,
            ["key", "weekday", "starts", "ends"],
            [
                "title",
                "description",
                "start_after_days",
                "count",
                "every_weeks",
                "place",
                "other_place",
                "online",
                "language",
                "seats",
                "registration",
                "cancelled",
            ],
        )
        if raw["weekday"] not in WEEKDAYS:
            raise self.fail(where, f"weekday {raw['weekday']!r}: use mon … sun")
        starts, ends = self.time(raw["starts"], where), self.time(raw["ends"], where)
        if ends <= starts:
            raise self.fail(where, "a session must end after it starts, on the same day")
        if raw.get("place") is not None and raw["place"] not in places:
            raise self.fail(where, f"place {raw['place']!r} is not one of the service's places")
        other_place = self.text(raw.get("other_place"), where, "other_place")
        if not (raw.get("place") or other_place["fi"] or raw.get("online")):
            raise self.fail(where, "give a place, another place or online: true")
        count = self.integer(raw.get("count", 1), where, "count", 1, 20) or 1
        cancelled = raw.get("cancelled") or []
        if not isinstance(cancelled, list) or any(
            not isinstance(n, int) or not 1 <= n <= count for n in cancelled
        ):
            raise self.fail(where, f"cancelled must list session numbers from 1 to {count}")
        language = raw.get("language", "fi")
        self.code_list([language], where, "language")
        return {
            "key": self.identifier(str(raw["key"]), where),
            "title": self.text(raw.get("title"), where, "title"),
            "description": self.text(raw.get("description"), where, "description"),
            "weekday": WEEKDAYS.index(raw["weekday"]),
            "starts": starts,
            "ends": ends,
            "start_after_days": self.integer(
                raw.get("start_after_days", 0), where, "start_after_days", 0, 365
            ),
            "count": count,
            "every_weeks": self.integer(raw.get("every_weeks", 1), where, "every_weeks", 1, 52),
            "place": raw.get("place"),
            "other_place": other_place,
            "online": bool(raw.get("online")),
            "language": language,
            "seats": self.integer(raw.get("seats"), where, "seats", 1, 1000),
            "registration": bool(raw.get("registration")),
            "cancelled": set(cancelled),
        }

    SERVICE_FIELDS = (
        "summary",
        "description",
        "how_to_get",
        "eligibility",
        "cost",
        "website",
        "channels",
        "target_groups",
        "life_situations",
        "attributes",
        "languages",
        "min_age",
        "max_age",
        "prenatal",
        "methods",
        "service_classes",
        "verified_days_ago",
        "places",
        "capacity",
        "contact_points",
        "sessions",
    )

    def service(
        self, raw: Any, where: str, organisations: set[str], places: set[str], methods: set[str]
    ) -> dict[str, Any]:
        raw = self.keys(
            raw,
            where,
            ["id", "organisation", "name", "tier", "status", "area"],
            self.SERVICE_FIELDS,
        )
        if raw["organisation"] not in organisations:
            raise self.fail(where, f"unknown organisation {raw['organisation']!r}")
        if raw["status"] not in SupportService.Status.values:
            raise self.fail(
                where, f"status {raw['status']!r} is not one of {SupportService.Status.values}"
            )
        service_places = raw.get("places") or []
        if not isinstance(service_places, list) or not isinstance(raw.get("methods") or [], list):
            raise self.fail(where, "places and methods must be lists of ids")
        if unknown := [p for p in service_places if p not in places]:
            raise self.fail(where, f"unknown place(s): {', '.join(map(str, unknown))}")
        if unknown := [m for m in raw.get("methods") or [] if m not in methods]:
            raise self.fail(where, f"unknown method(s): {', '.join(map(str, unknown))}")
        if raw.get("prenatal") not in (None, True, False):
            raise self.fail(where, "prenatal must be true or false")
        contact_points = raw.get("contact_points") or []
        sessions = raw.get("sessions") or []
        if not isinstance(contact_points, list) or not isinstance(sessions, list):
            raise self.fail(where, "contact_points and sessions must be lists")
        parsed_sessions = [
            self.sessions(s, f"{where}, session {n}", service_places)
            for n, s in enumerate(sessions, start=1)
        ]
        if len({s["key"] for s in parsed_sessions}) != len(parsed_sessions):
            raise self.fail(where, "two sessions have the same key")
        return {
            "id": self.identifier(raw["id"], where),
            "organisation": raw["organisation"],
            "name": self.text(raw["name"], where, "name", required=True),
            "summary": self.text(raw.get("summary"), where, "summary", max_length=150),
            "description": self.text(raw.get("description"), where, "description"),
            "how_to_get": self.text(raw.get("how_to_get"), where, "how_to_get"),
            "eligibility": self.text(raw.get("eligibility"), where, "eligibility"),
            "cost": self.text(raw.get("cost"), where, "cost"),
            "website": self.url(raw.get("website"), where, "website"),
            "tier": self.code_list([raw["tier"]], where, "tier")[0],
            "status": raw["status"],
            "area": self.area(raw["area"], where),
            "channels": self.code_list(raw.get("channels"), where, "channel"),
            "target_groups": self.code_list(raw.get("target_groups"), where, "target group"),
            "life_situations": self.code_list(raw.get("life_situations"), where, "life situation"),
            "attributes": self.code_list(raw.get("attributes"), where, "attribute"),
            "languages": self.code_list(raw.get("languages"), where, "language"),
            "service_classes": self.code_list(raw.get("service_classes"), where, "service class"),
            "methods": list(raw.get("methods") or []),
            "min_age": self.integer(raw.get("min_age"), where, "min_age", 0, 17),
            "max_age": self.integer(raw.get("max_age"), where, "max_age", 0, 17),
            "prenatal": bool(raw.get("prenatal")),
            "verified_days_ago": self.integer(
                raw.get("verified_days_ago"), where, "verified_days_ago", 0, 3650
            ),
            "places": list(service_places),
            "capacity": self.integer(raw.get("capacity"), where, "capacity", 1, 10_000),
            "contact_points": [
                self.contact_point(c, f"{where}, contact point {n}")
                for n, c in enumerate(contact_points, start=1)
            ],
            "sessions": parsed_sessions,
        }


@dataclass
class Catalogue:
    methods: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: list[dict[str, Any]] = field(default_factory=list)


SECTIONS = ("methods", "organisations", "places", "services")
# libyaml's loader when PyYAML was built with it: ten times faster on these files.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_files(path: Path) -> list[tuple[str, str, int, Any]]:
    """Records of every file as (file name, section, number in section, raw record)."""
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise ExampleCatalogueError(f"{path}: no example catalogue files found")
    records = []
    for file in files:
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        except (OSError, UnicodeDecodeError) as error:
            raise ExampleCatalogueError(f"{file.name}: cannot read the file ({error})") from None
        except yaml.YAMLError as error:
            raise ExampleCatalogueError(f"{file.name}: malformed YAML ({error})") from None
        # Keys starting with x- only hold YAML anchors for reuse (&christmas … *christmas).
        if not isinstance(data, dict) or {k for k in data if not str(k).startswith("x-")} - set(
            SECTIONS
        ):
            raise ExampleCatalogueError(
                f"{file.name}: the top level holds only the lists {', '.join(SECTIONS)}"
                " (and x-… keys for YAML anchors)"
            )
        for section in SECTIONS:
            items = data.get(section) or []
            if not isinstance(items, list):
                raise ExampleCatalogueError(f"{file.name}: {section} must be a list")
            records.extend((file.name, section, n, item) for n, item in enumerate(items, start=1))
    return records


def read_catalogue(path: Path) -> Catalogue:
    checker = Checker()
    catalogue = Catalogue()
    records = read_files(path)
    seen: dict[str, set[str]] = {section: set() for section in SECTIONS}

    def where(file: str, section: str, number: int, raw: Any) -> str:
        label = raw.get("id") if isinstance(raw, dict) else None
        return f"{file}: {section} #{number}" + (f" {label!r}" if label else "")

    def unique(section: str, at: str, record: dict[str, Any]) -> dict[str, Any]:
        if record["id"] in seen[section]:
            raise checker.fail(at, f"id {record['id']!r} is used twice")
        seen[section].add(record["id"])
        return record

    # Sections in dependency order, whatever file they are in.
    for section in SECTIONS:
        for file, record_section, number, raw in records:
            if record_section != section:
                continue
            at = where(file, section, number, raw)
            if section == "methods":
                record = unique(section, at, checker.method(raw, at))
                catalogue.methods.append(record)
            elif section == "organisations":
                record = checker.organisation(raw, at, seen["organisations"])
                catalogue.organisations.append(unique(section, at, record))
            elif section == "places":
                record = unique(section, at, checker.place(raw, at))
                catalogue.places[record["id"]] = record
            else:
                record = checker.service(
                    raw, at, seen["organisations"], seen["places"], seen["methods"]
                )
                catalogue.services.append(unique(section, at, record))
            record["where"] = at
    return catalogue


# Writing.


def translated(field_name: str, text: TEXT) -> dict[str, str | None]:
    """The fi/sv/en columns of a translated field; missing translations stay empty (None)
    so that the fi → sv → en fallback applies. Finnish is never None: the untranslated
    column, filled from it, is NOT NULL."""
    return {
        f"{field_name}_{language}": text[language] or ("" if language == "fi" else None)
        for language in LANGUAGES
    }


class Writer:
    """Writes the example catalogue through one ``Change`` (``services.catalogue``)."""

    def __init__(
        self,
        catalogue: Catalogue,
        today: dt.date,
        report: ExampleCatalogueReport,
        work: Change,
    ) -> None:
        self.work = work
        self.catalogue = catalogue
        self.today = today
        self.report = report
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.organisations: dict[str, Organisation] = {}
        self.methods: dict[str, Method] = {}
        for name in REPORTED:
            report.count(name)

    def upsert(
        self,
        name: str,
        model: type[models.Model],
        identity: dict[str, Any],
        values: dict[str, Any],
        where: str,
    ) -> tuple[Any, str]:
        """Create or update the record with ``identity``."""
        obj = model.objects.filter(**identity).first()
        return self.apply(name, model, obj, identity, values, where)

    def apply(
        self,
        name: str | None,
        model: type[models.Model],
        obj: models.Model | None,
        identity: dict[str, Any],
        values: dict[str, Any],
        where: str,
    ) -> tuple[Any, str]:
        """Create ``obj`` when None, else update the values that differ; validate with
        ``full_clean()`` before saving; write nothing when nothing differs."""
        if obj is None:
            obj, status = model(**identity, **values), "created"
        else:
            changed = {key: v for key, v in values.items() if getattr(obj, key) != v}
            status = "updated" if changed else "unchanged"
            for key, value in changed.items():
                setattr(obj, key, value)
        if status != "unchanged":
            try:
                obj.full_clean()
            except ValidationError as error:
                raise ExampleCatalogueError(f"{where}: {format_errors(error)}") from None
            self.work.save(obj)
        if name:
            self.report.count(name).add(status)
        return obj, status

    def write(self) -> None:
        for record in self.catalogue.methods:
            self.write_method(record)
        for record in self.catalogue.organisations:
            self.write_organisation(record)
        for record in self.catalogue.services:
            self.write_service(record)
        self.note_records_not_in_data()

    def write_method(self, record: dict[str, Any]) -> None:
        values = {
            **translated("name", record["name"]),
            **translated("description", record["description"]),
            "rating": record["rating"],
            "source_url": record["source_url"],
        }
        where = record["where"]
        identity = {"slug": record["id"]}
        self.methods[record["id"]], _ = self.upsert("methods", Method, identity, values, where)

    def write_organisation(self, record: dict[str, Any]) -> None:
        parent = self.organisations[record["parent"]] if record["parent"] else None
        values = {
            **translated("name", record["name"]),
            **translated("description", record["description"]),
            "kind": record["kind"],
            "website": record["website"],
            "parent_id": parent.pk if parent else None,
        }
        lookup = {"source": Source.EXAMPLE, "external_id": record["id"]}
        where = record["where"]
        self.organisations[record["id"]], _ = self.upsert(
            "organisations", Organisation, lookup, values, where
        )

    def verified_at(self, days_ago: int | None) -> dt.datetime | None:
        if days_ago is None:
            return None
        day = self.today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, VERIFIED_TIME, tzinfo=self.zone)

    def write_service(self, record: dict[str, Any]) -> None:
        where = record["where"]
        lookup = {"source": Source.EXAMPLE, "external_id": record["id"]}
        existing = SupportService.objects.filter(**lookup).first()
        values = {
            "organisation_id": self.organisations[record["organisation"]].pk,
            **translated("name", record["name"]),
            **translated("summary", record["summary"]),
            **translated("description", record["description"]),
            **translated("how_to_get", record["how_to_get"]),
            **translated("eligibility", record["eligibility"]),
            **translated("cost_description", record["cost"]),
            "website": record["website"],
            "tier_id": record["tier"],
            "status": record["status"],
            "min_age": record["min_age"],
            "max_age": record["max_age"],
            "prenatal": record["prenatal"],
            "is_nationwide": record["area"]["nationwide"],
        }
        # A person who has confirmed the listing since it was loaded keeps their confirmation.
        if existing is None or existing.verified_by_id is None:
            values["verified_at"] = self.verified_at(record["verified_days_ago"])
        service, status = self.apply(None, SupportService, existing, lookup, values, where)
        relations = {
            "channels": record["channels"],
            "target_groups": record["target_groups"],
            "life_situations": record["life_situations"],
            "attributes": record["attributes"],
            "languages": record["languages"],
            "service_classes": record["service_classes"],
            "area_counties": record["area"]["counties"],
            "area_municipalities": record["area"]["municipalities"],
            "methods": [self.methods[slug].pk for slug in record["methods"]],
        }
        for name, keys in relations.items():
            manager = getattr(service, name)
            if set(manager.values_list("pk", flat=True)) != set(keys):
                self.work.set_links(service, name, keys)
                status = "updated" if status == "unchanged" else status
        self.report.count("support services").add(status)

        locations = self.write_locations(service, record)
        self.write_contact_points(service, record)
        self.write_sessions(service, record, locations)

    def write_locations(
        self, service: SupportService, record: dict[str, Any]
    ) -> dict[str, Location]:
        locations = {}
        for key in record["places"]:
            place = self.catalogue.places[key]
            where = f"{record['where']}, place {key!r}"
            values = {
                **translated("name", place["name"]),
                **translated("street_address", place["street_address"]),
                **translated("accessibility_notes", place["accessibility_notes"]),
                "postal_code": place["postal_code"],
                "municipality_id": place["municipality"],
                "latitude": place["latitude"],
                "longitude": place["longitude"],
                "step_free": place["step_free"],
                "stroller_access": place["stroller_access"],
                "hearing_loop": place["hearing_loop"],
                "capacity": record["capacity"],
            }
            lookup = {"service": service, "source": Source.EXAMPLE, "external_id": key}
            location, _ = self.upsert("locations", Location, lookup, values, where)
            self.write_hours("location", location, place["hours"], where)
            self.write_exceptions("location", location, place["exceptions"], where)
            locations[key] = location
        stale = service.locations.exclude(external_id__in=record["places"])
        self.report.count("locations").add("deleted", stale.count())
        self.work.delete_rows(stale)
        return locations

    def write_rows(
        self,
        name: str,
        model: type[models.Model],
        identity: dict[str, Any],
        rows: list[dict[str, Any]],
        where: str,
        ordering: tuple[str, ...] = ("pk",),
    ) -> list[Any]:
        """Make the records owned by ``identity`` match ``rows``, pairing them in order, so that
        a changed date or time updates a record in place instead of replacing it."""
        existing = list(model.objects.filter(**identity).order_by(*ordering))
        saved = [
            self.apply(
                name, model, existing[n] if n < len(existing) else None, identity, row, where
            )[0]
            for n, row in enumerate(rows)
        ]
        for obj in existing[len(rows) :]:
            self.work.delete(obj)
            self.report.count(name).add("deleted")
        return saved

    def write_contact_points(self, service: SupportService, record: dict[str, Any]) -> None:
        where = f"{record['where']}, contact points"
        rows = [
            {
                "kind": contact["kind"],
                "value": contact["value"],
                **translated("label", contact["label"]),
                **translated("charge", contact["charge"]),
                "order": order,
            }
            for order, contact in enumerate(record["contact_points"])
        ]
        points = self.write_rows(
            "contact points", ContactPoint, {"service": service}, rows, where, ("order", "pk")
        )
        for point, contact in zip(points, record["contact_points"], strict=True):
            self.write_hours("contact_point", point, contact["hours"], where)
            self.write_exceptions("contact_point", point, contact["exceptions"], where)

    def write_hours(
        self, owner_field: str, owner: models.Model, hours: list[tuple], where: str
    ) -> None:
        rows = [{"weekday": day, "opens": opens, "closes": closes} for day, opens, closes in hours]
        self.write_rows("opening hours", OpeningHours, {owner_field: owner}, rows, where)

    def write_exceptions(
        self, owner_field: str, owner: models.Model, exceptions: list[dict[str, Any]], where: str
    ) -> None:
        rows = []
        for item in exceptions:
            start, end = self.next_occurrence(item["start"], item["end"])
            rows.append(
                {
                    "start_date": start,
                    "end_date": end,
                    "opens": item["opens"],
                    "closes": item["closes"],
                    **translated("note", item["note"]),
                }
            )
        identity = {owner_field: owner}
        self.write_rows("opening hours exceptions", OpeningHoursException, identity, rows, where)

    def next_occurrence(
        self, start: tuple[int, int], end: tuple[int, int]
    ) -> tuple[dt.date, dt.date]:
        """The coming (or current) occurrence of a yearly date range."""
        for year in (self.today.year - 1, self.today.year, self.today.year + 1):
            first = dt.date(year, *start)
            last = dt.date(year if end >= start else year + 1, *end)
            if last >= self.today:
                return first, last
        raise AssertionError("unreachable: next year's range always lies ahead")

    def write_sessions(
        self, service: SupportService, record: dict[str, Any], locations: dict[str, Location]
    ) -> None:
        wanted = set()
        existing = {s.uuid: s for s in service.sessions.all()}
        for session in record["sessions"]:
            first = self.today + dt.timedelta(days=1 + session["start_after_days"])
            first += dt.timedelta(days=(session["weekday"] - first.weekday()) % 7)
            for number in range(1, session["count"] + 1):
                day = first + dt.timedelta(weeks=(number - 1) * session["every_weeks"])
                key = uuid.uuid5(SESSION_NAMESPACE, f"{record['id']}/{session['key']}/{number}")
                wanted.add(key)
                location = locations.get(session["place"]) if session["place"] else None
                values = {
                    **translated("title", session["title"]),
                    **translated("description", session["description"]),
                    **translated("place", session["other_place"]),
                    "starts_at": dt.datetime.combine(day, session["starts"], tzinfo=self.zone),
                    "ends_at": dt.datetime.combine(day, session["ends"], tzinfo=self.zone),
                    "location_id": location.pk if location else None,
                    "online_url": record["website"] if session["online"] else "",
                    "language_id": session["language"],
                    "seats": session["seats"],
                    "registration_url": record["website"] if session["registration"] else "",
                    "is_cancelled": number in session["cancelled"],
                }
                where = f"{record['where']}, session {session['key']!r} #{number}"
                identity = {"service": service, "uuid": key}
                self.apply(
                    "group sessions", GroupSession, existing.get(key), identity, values, where
                )
        stale = [s for key, s in existing.items() if key not in wanted]
        for session in stale:
            self.work.delete(session)
        self.report.count("group sessions").add("deleted", len(stale))

    def note_records_not_in_data(self) -> None:
        ids = {r["id"] for r in self.catalogue.services}
        for service in SupportService.objects.filter(source=Source.EXAMPLE).exclude(
            external_id__in=ids
        ):
            self.report.not_in_data.append(f"support service {service.external_id!r}")
        ids = {r["id"] for r in self.catalogue.organisations}
        for organisation in Organisation.objects.filter(source=Source.EXAMPLE).exclude(
            external_id__in=ids
        ):
            self.report.not_in_data.append(f"organisation {organisation.external_id!r}")


def format_errors(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(m) for m in error.messages)


def check_reference_data() -> None:
    missing = [
        str(model._meta.verbose_name_plural)
        for model in (Tier, Channel, TargetGroup, LifeSituation, Attribute, Language)
        if not model.objects.exists()
    ]
    if not PostalArea.objects.exists():
        missing.append(str(PostalArea._meta.verbose_name_plural))
    if missing:
        raise ExampleCatalogueError(
            f"The reference data is missing ({', '.join(missing)}). "
            "Run `python manage.py load_reference_data` first."
        )


def load_example_catalogue(
    *, today: dt.date | None = None, path: Path = DATA_DIR
) -> ExampleCatalogueReport:
    """Read and check the example catalogue files, then write them in one transaction.

    ``path`` is the directory of YAML files (or one file). ``today`` sets the day that
    session dates, holiday closings and confirmation ages are counted from.
    """
    check_reference_data()
    data = read_catalogue(path)
    report = ExampleCatalogueReport()
    # The untranslated columns modeltranslation keeps are filled from the active language.
    # The change tells the search index and the coverage once it commits.
    services = SupportService.objects.filter(source=Source.EXAMPLE)
    with (
        change(user=None, comment=EXAMPLE) as work,
        translation.override(settings.LANGUAGE_CODE),
    ):
        Writer(data, today or timezone.localdate(), report, work).write()
    report.services_by_tier = dict(
        services.values_list("tier").annotate(n=models.Count("pk")).order_by("tier__order")
    )
    report.services_by_status = dict(
        services.values_list("status").annotate(n=models.Count("pk")).order_by("status")
    )
    return report
