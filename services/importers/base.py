"""What every import shares: the report, the records importers produce, reference look-ups
and the clean-up of text from other systems.

An importer reads its files into plain records (``ServiceData`` with its ``LocationData`` and
``ContactData``, ``OrganisationData``), rejecting what it cannot use with a reason and noting
what it had to change as a warning. ``services.importers.writer`` then writes the records in
one transaction. ``services.importers.run_import`` ties the two together.

Messages are rendered in the language of the person who runs the import: a report is kept
and shown as it was written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils.translation import gettext as _

from services.models import (
    Attribute,
    Channel,
    ContactPoint,
    Language,
    LifeSituation,
    Method,
    Municipality,
    Organisation,
    PostalArea,
    ServiceClass,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)
from services.models.catalogue import MIDNIGHT
from services.models.geography import FINLAND_LAT, FINLAND_LON
from services.reference_data import REFERENCE_DIR, parse_code_changes
from services.validators import is_valid_business_id, validate_phone_number

LANGUAGES = ("fi", "sv", "en")
# The most rejections and warnings a report keeps; the counts still count every one.
MAX_NOTES = 5000
# Longest text kept from another system in one field (descriptions are TextFields).
MAX_TEXT = 20000

Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The default progress callback: reports nothing."""


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, wrong format); nothing is written."""


class RecordError(Exception):
    """One record cannot be used; it is rejected with this message and the import goes on."""


@dataclass
class Note:
    where: str
    message: str


@dataclass
class Report:
    """What an import did, or would do in a dry run."""

    kind: str
    dry_run: bool = False
    files: list[str] = field(default_factory=list)
    records: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: list[Note] = field(default_factory=list)
    rejected_total: int = 0
    warnings: list[Note] = field(default_factory=list)
    warnings_total: int = 0
    error: str = ""
    internal_error: bool = False

    def reject(self, where: str, message: str) -> None:
        self.rejected_total += 1
        if len(self.rejected) < MAX_NOTES:
            self.rejected.append(Note(where, message))

    def warn(self, where: str, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < MAX_NOTES:
            self.warnings.append(Note(where, message))

    def count(self, what: str, status: str, number: int = 1) -> None:
        counts = self.counts.setdefault(
            what, {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
        )
        counts[status] += number

    def total(self, status: str, what: str = "services") -> int:
        return self.counts.get(what, {}).get(status, 0)

    @property
    def failed(self) -> bool:
        return bool(self.error)

    @property
    def changed(self) -> bool:
        return any(
            counts[status]
            for counts in self.counts.values()
            for status in ("created", "updated", "deleted")
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Report:
        values = dict(data)
        values["rejected"] = [Note(**note) for note in values.get("rejected", [])]
        values["warnings"] = [Note(**note) for note in values.get("warnings", [])]
        known = cls.__dataclass_fields__
        return cls(**{key: value for key, value in values.items() if key in known})


# Records: what an importer hands to the writer.

Hours = tuple[int, dt.time, dt.time]


@dataclass
class ExceptionData:
    start_date: dt.date
    end_date: dt.date
    opens: dt.time | None
    closes: dt.time | None
    note: dict[str, str | None] = field(default_factory=dict)

    def key(self) -> tuple:
        return (
            self.start_date,
            self.end_date,
            self.opens,
            self.closes,
            *(self.note.get(f"note_{language}") or "" for language in LANGUAGES),
        )


@dataclass
class LocationData:
    """A service point; ``external_id`` pairs it with the one stored before."""

    external_id: str
    fields: dict[str, Any]
    hours: list[Hours] = field(default_factory=list)
    exceptions: list[ExceptionData] = field(default_factory=list)
    uuid: uuid.UUID | None = None


@dataclass
class ContactData:
    """A contact point; its kind and value pair it with the one stored before."""

    kind: str
    value: str
    fields: dict[str, Any] = field(default_factory=dict)
    hours: list[Hours] = field(default_factory=list)
    exceptions: list[ExceptionData] = field(default_factory=list)

    def key(self) -> tuple[str, str]:
        return (self.kind, self.value)


@dataclass
class OrganisationData:
    source: str
    external_id: str
    where: str
    fields: dict[str, Any]
    # Set only when the organisation is created (e.g. a kind guessed from a service).
    initial: dict[str, Any] = field(default_factory=dict)
    business_id: str = ""
    uuid: uuid.UUID | None = None
    # (source, external id) of the parent organisation, when the source names one.
    parent: tuple[str, str] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.external_id)


@dataclass
class SessionData:
    """A group session; paired with a stored one by its uuid, else by its start and end."""

    uuid: uuid.UUID | None
    fields: dict[str, Any]
    # External id of one of the service's locations in the same import, or None.
    location: str | None = None


@dataclass
class MethodData:
    """An evidence-based method, keyed by its slug."""

    slug: str
    where: str
    fields: dict[str, Any]


# How an import treats a many-to-many relation of a service that already exists.
SET = "set"  # make it exactly this
ADD = "add"  # add these, remove nothing (the source knows only part of it)
ON_CREATE = "create"  # only for a new service; later imports leave it as staff left it


@dataclass
class ServiceData:
    source: str
    external_id: str
    where: str
    # (source, external id) of an OrganisationData of the same import, or an organisation's pk.
    organisation: tuple[str, str] | int | None
    fields: dict[str, Any]
    initial: dict[str, Any] = field(default_factory=dict)
    relations: dict[str, tuple[str, set[Any]]] = field(default_factory=dict)
    # None: the import says nothing about them; leave them alone.
    locations: list[LocationData] | None = None
    contacts: list[ContactData] | None = None
    # True: the import holds all of them; remove the ones it no longer has.
    prune_locations: bool = False
    prune_contacts: bool = False
    # Group sessions: None leaves them alone; a list replaces them (removing the others).
    sessions: list[SessionData] | None = None
    uuid: uuid.UUID | None = None

    def relate(self, name: str, mode: str, keys: Iterable[Any]) -> None:
        self.relations[name] = (mode, set(keys))


# Reference data, loaded once per import.


SPACE_OR_UNDERSCORE = re.compile(r"[\s_]+")
TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?")
DATES = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), "dmy"),
)


URL_VALIDATOR = URLValidator(schemes=["http", "https"])
EMAIL_VALIDATOR = EmailValidator()


def fold(text: str) -> str:
    """A comparable form of a name or code: case folded, single spaces for runs of space and
    underscores."""
    text = unicodedata.normalize("NFC", text).casefold().strip()
    return SPACE_OR_UNDERSCORE.sub(" ", text)


TERM_MODELS: dict[str, type[models.Model]] = {
    "tier": Tier,
    "channels": Channel,
    "target_groups": TargetGroup,
    "life_situations": LifeSituation,
    "attributes": Attribute,
    "languages": Language,
}


class Reference:
    """Codes and names of the reference data, for look-ups without queries. Each table is
    read the first time it is needed, once per import."""

    @cached_property
    def municipalities(self) -> dict[str, str]:
        """Municipality code → county code."""
        return dict(Municipality.objects.values_list("code", "county_id"))

    @cached_property
    def municipality_names(self) -> dict[str, str]:
        """Folded Finnish, Swedish and English name → municipality code."""
        names: dict[str, str] = {}
        for code, *values in Municipality.objects.values_list(
            "code", "name_fi", "name_sv", "name_en"
        ):
            for name in values:
                if name:
                    names.setdefault(fold(name), code)
        return names

    @cached_property
    def code_changes(self) -> dict[str, str]:
        return parse_code_changes(REFERENCE_DIR)

    @cached_property
    def counties(self) -> dict[str, set[str]]:
        """County code → its municipality codes."""
        counties: dict[str, set[str]] = {
            code: set() for code in WellbeingServicesCounty.objects.values_list("code", flat=True)
        }
        for code, county in self.municipalities.items():
            counties.setdefault(county, set()).add(code)
        return counties

    @cached_property
    def county_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for code, *values in WellbeingServicesCounty.objects.values_list(
            "code", "name_fi", "name_sv", "name_en"
        ):
            for name in values:
                if name:
                    names[fold(name)] = code
        return names

    @cached_property
    def postal_codes(self) -> dict[str, str]:
        """Postal code → municipality code."""
        return dict(PostalArea.objects.values_list("code", "municipality_id"))

    @cached_property
    def terms(self) -> dict[str, dict[str, str]]:
        """Relation → folded code or fi/sv/en label → code."""
        terms: dict[str, dict[str, str]] = {}
        for relation, model in TERM_MODELS.items():
            lookup: dict[str, str] = {}
            for code, *labels in model.objects.values_list("code", "name_fi", "name_sv", "name_en"):
                for label in labels:
                    if label:
                        lookup.setdefault(fold(label), code)
                lookup[fold(code)] = code
            terms[relation] = lookup
        terms["service_classes"] = {
            fold(code): code for code in ServiceClass.objects.values_list("code", flat=True)
        }
        return terms

    @cached_property
    def methods(self) -> dict[str, int]:
        return dict(Method.objects.values_list("slug", "pk"))

    def municipality(self, value: str) -> str | None:
        """The current code of a municipality given by code (also a former one) or name."""
        value = str(value).strip()
        if value.isdigit() and len(value) <= 3:
            code = value.zfill(3)
            code = self.code_changes.get(code, code)
            return code if code in self.municipalities else None
        return self.municipality_names.get(fold(value))

    def county(self, value: str) -> str | None:
        value = str(value).strip()
        if value.isdigit() and len(value) <= 2 and value.zfill(2) in self.counties:
            return value.zfill(2)
        folded = fold(value)
        if folded in self.county_names:
            return self.county_names[folded]
        # "Etelä-Savo" for "Etelä-Savon hyvinvointialue".
        matches = {code for name, code in self.county_names.items() if name.startswith(folded)}
        return matches.pop() if len(matches) == 1 and len(folded) >= 4 else None

    def term(self, relation: str, value: str) -> str | None:
        return self.terms[relation].get(fold(value))

    def whole_counties(self, municipalities: set[str]) -> tuple[set[str], set[str]]:
        """Counties all of whose municipalities are listed, and the municipalities left over."""
        counties = {
            county
            for county, members in self.counties.items()
            if members and members <= municipalities
        }
        covered = (
            set().union(*(self.counties[county] for county in counties)) if counties else set()
        )
        return counties, municipalities - covered


PARISH_WORDS = re.compile(r"seurakun|församling|parish", re.IGNORECASE)
PUBLIC_WORDS = re.compile(
    r"\b(kunta|kaupunki|hyvinvointialue|kuntayhtymä|stad|kommun|välfärdsområde)\b|"
    r"(kunta|kaupunki|hyvinvointialue)$",
    re.IGNORECASE,
)
NGO_WORDS = re.compile(
    r"\b(ry|r\.y\.|rf|r\.f\.|yhdistys|liitto|förening|förbund|säätiö|stiftelse)\b",
    re.IGNORECASE,
)
COMPANY_WORDS = re.compile(r"\b(oy|oyj|ab|ky|tmi|ltd)\b", re.IGNORECASE)


def organisation_kind(name: str, funding: str = "") -> str:
    """A provider's kind guessed from its name (and the service's funding) when PTV's own
    organisation record is not in the import."""
    if PARISH_WORDS.search(name):
        return Organisation.Kind.PARISH
    if PUBLIC_WORDS.search(name):
        return Organisation.Kind.PUBLIC
    if NGO_WORDS.search(name):
        return Organisation.Kind.NGO
    if COMPANY_WORDS.search(name):
        return Organisation.Kind.OTHER
    return Organisation.Kind.PUBLIC if funding == "PubliclyFunded" else Organisation.Kind.OTHER


def organisation_kind_is_parish(name: str) -> bool:
    return bool(PARISH_WORDS.search(name))


# Cleaning values from other systems.

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
SPACE_BEFORE_BREAK = re.compile(r"[ \t]+\n")
BLANK_LINES = re.compile(r"\n{3,}")
SPACES = re.compile(r"\s+")


def clean_text(value: Any, *, max_length: int = MAX_TEXT) -> str:
    """Text without control characters (NUL included) and surrounding space; other types
    (numbers, say) as their text; containers and None as empty."""
    if value is None or isinstance(value, (dict, list, tuple, set, bool)):
        return ""
    text = str(value)
    if text.isprintable():  # no line breaks, tabs or control characters: most values
        return text.strip()[:max_length]
    text = CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = SPACE_BEFORE_BREAK.sub("\n", text)
    text = BLANK_LINES.sub("\n\n", text).strip()
    return text[:max_length]


def clean_line(value: Any, *, max_length: int = MAX_TEXT) -> str:
    """Text on one line."""
    text = clean_text(value, max_length=max_length)
    if text.isprintable() and "  " not in text:
        return text
    return SPACES.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + "…"


def shortened_note(field: str, language: str, limit: int) -> str:
    """The report's note that a text was cut to fit the catalogue."""
    labels = {"name": _("Name"), "summary": _("Summary"), "cost_description": _("Cost")}
    return _("%(field)s (%(language)s) was shortened to %(limit)d characters.") % {
        "field": labels.get(field, field),
        "language": language,
        "limit": limit,
    }


def translated(field_name: str, texts: Mapping[str, str]) -> dict[str, str | None]:
    """The fi/sv/en columns of a translated field. Missing translations are None, so the
    fi → sv → en fallback applies; Finnish is never None (its column is filled from it)."""
    return {
        f"{field_name}_{language}": texts.get(language) or ("" if language == "fi" else None)
        for language in LANGUAGES
    }


def has_text(texts: Mapping[str, str | None]) -> bool:
    return any(texts.values())


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_text(value: Any) -> str:
    """A short identifier or code: strings and numbers as text, anything else as empty."""
    if isinstance(value, str) and len(value) <= 500 and value.isprintable():
        return value.strip()  # the common case, quickly
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return clean_line(value, max_length=500)
    return ""


def parse_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def valid_url(value: str) -> str:
    """``value`` if it is an http(s) address that fits the catalogue, else empty."""
    value = value.strip()
    if not value or len(value) > 500:
        return ""
    if "://" not in value and re.match(r"^www\.", value, re.IGNORECASE):
        value = f"https://{value}"
    try:
        URL_VALIDATOR(value)
    except ValidationError:
        return ""
    return value


def valid_email(value: str) -> str:
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if len(value) > 254:
        return ""
    try:
        EMAIL_VALIDATOR(value)
    except ValidationError:
        return ""
    return value


def valid_phone(value: str) -> str:
    value = re.sub(r"\s+", " ", value.strip().strip("\"'"))
    try:
        validate_phone_number(value)
    except ValidationError:
        return ""
    return value


def valid_contact(kind: str, value: str) -> str:
    """The value as stored for a contact point of ``kind``, or empty when it is not valid."""
    if kind == ContactPoint.Kind.PHONE:
        return valid_phone(value)
    if kind == ContactPoint.Kind.EMAIL:
        return valid_email(value)
    return valid_url(value)


def valid_business_id(value: str) -> str:
    value = value.strip()
    return value if is_valid_business_id(value) else ""


def valid_point(latitude: Any, longitude: Any) -> tuple[float, float] | None:
    """A WGS84 point in Finland, or None."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError, OverflowError):
        return None
    if FINLAND_LAT[0] <= lat <= FINLAND_LAT[1] and FINLAND_LON[0] <= lon <= FINLAND_LON[1]:
        return round(lat, 6), round(lon, 6)
    return None


def parse_time(value: Any) -> dt.time | None:
    """``08:00``, ``8.00``, ``08:00:00`` or ``24:00`` (midnight) as a time, else None."""
    text = as_text(value)
    match = TIME.fullmatch(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24 and minute == 0:
        return MIDNIGHT
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def parse_date(value: Any) -> dt.date | None:
    """The date of ``2024-12-24``, ``2024-12-24T00:00:00`` or ``24.12.2024``, else None."""
    text = as_text(value)
    for pattern, order in DATES:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(part) for part in match.groups()), strict=True))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


def valid_interval(opens: dt.time | None, closes: dt.time | None) -> bool:
    return opens is not None and closes is not None and (closes > opens or closes == MIDNIGHT)


def format_validation_error(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(message) for message in messages)}"
            if name != "__all__"
            else " ".join(str(message) for message in messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(message) for message in error.messages)


class Where:
    """How the report names a record: the file (when there are several) and the record."""

    def __init__(self, file_name: str, several_files: bool) -> None:
        self.file_name = file_name
        self.prefix = f"{file_name}: " if several_files else ""

    def file(self) -> str:
        return self.file_name or _("the file")

    def row(self, number: int) -> str:
        return self.prefix + _("row %(number)d") % {"number": number}

    def record(self, number: int, identifier: str = "") -> str:
        if identifier:
            return self.prefix + _("record %(number)d (id %(id)s)") % {
                "number": number,
                "id": identifier[:100],
            }
        return self.prefix + _("record %(number)d") % {"number": number}


class Importer:
    """Reads files into records. Subclasses implement ``read``; ``records`` hands the
    organisations and services to the writer."""

    def __init__(self, *, report: Report, reference: Reference, options: dict[str, Any]) -> None:
        self.report = report
        self.reference = reference
        self.options = options
        self.services: dict[tuple[str, str], ServiceData] = {}
        self.organisations: dict[tuple[str, str], OrganisationData] = {}
        self.methods: dict[str, MethodData] = {}

    def read(self, file: Any, where: Where) -> None:
        raise NotImplementedError

    def records(self) -> tuple[list[OrganisationData], list[ServiceData]]:
        return list(self.organisations.values()), list(self.services.values())
