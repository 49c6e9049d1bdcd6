"""Open Referral HSDS 3.0: JSON documents and CSV data packages.

Accepted files: a CSV data package (a directory, its ``datapackage.json``, or a zip of them);
JSON documents of the HSDS API (``service_full``, ``organization_full``,
``service_at_location_full``, paginated lists with ``contents``, ``tabular.json``, arrays,
or one document per line); documents that are not catalogue records (taxonomies, the API
root) are read without complaint. Every input is first flattened into HSDS tables (rows with
ids and foreign keys, as in the CSV package); records are built from the tables.

The mapping is the reverse of ``services.hsds.documents`` (the export): the taxonomy terms,
``translation`` and ``field`` attributes of our own export restore tiers, channels, target
groups, life situations, attributes, service classes, methods, area served, texts in Finnish,
Swedish and English, locations with their accessibility and hours, contact points (virtual
locations), and group sessions. From any other HSDS publisher the importer takes what HSDS
itself says: names and descriptions (in the language given with the ``text_language``
option, Finnish by default), how to apply, eligibility, fees (amount 0: free), ages 0–17,
languages, area served by municipality or county name, physical locations with a Finnish
address, phones, e-mails and web links.

Imported services get source HSDS and the HSDS id as external id (and as their uuid, when it
is a free UUID). New services are drafts; "last confirmed accurate" is never imported: a
person confirms a listing here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from services.hsds.taxonomies import TAXONOMY_BY_KEY, TermRegistry
from services.importers.base import (
    ADD,
    LANGUAGES,
    SET,
    ContactData,
    ExceptionData,
    Hours,
    Importer,
    ImportFileError,
    LocationData,
    MethodData,
    OrganisationData,
    ServiceData,
    SessionData,
    Where,
    as_dict,
    as_list,
    as_text,
    clean_line,
    clean_text,
    fold,
    organisation_kind,
    parse_date,
    parse_time,
    parse_uuid,
    shorten,
    shortened_note,
    translated,
    valid_business_id,
    valid_contact,
    valid_email,
    valid_interval,
    valid_phone,
    valid_point,
    valid_url,
)
from services.importers.limits import at_most_records, check_records, check_unpacked_size
from services.models import ContactPoint, Organisation, Source
from services.models.catalogue import MIDNIGHT

# Arrays of a nested HSDS object: property -> (child table, the child's key to the parent).
NESTED: dict[str, dict[str, tuple[str, str]]] = {
    "service": {
        "phones": ("phone", "service_id"),
        "schedules": ("schedule", "service_id"),
        "service_areas": ("service_area", "service_id"),
        "service_at_locations": ("service_at_location", "service_id"),
        "languages": ("language", "service_id"),
        "cost_options": ("cost_option", "service_id"),
        "contacts": ("contact", "service_id"),
    },
    "organization": {
        "phones": ("phone", "organization_id"),
        "organization_identifiers": ("organization_identifier", "organization_id"),
        "contacts": ("contact", "organization_id"),
        "locations": ("location", "organization_id"),
        "services": ("service", "organization_id"),
    },
    "service_at_location": {
        "contacts": ("contact", "service_at_location_id"),
        "phones": ("phone", "service_at_location_id"),
        "schedules": ("schedule", "service_at_location_id"),
    },
    "location": {
        "languages": ("language", "location_id"),
        "addresses": ("address", "location_id"),
        "contacts": ("contact", "location_id"),
        "accessibility": ("accessibility", "location_id"),
        "phones": ("phone", "location_id"),
        "schedules": ("schedule", "location_id"),
    },
    "phone": {"languages": ("language", "phone_id")},
    "contact": {"phones": ("phone", "contact_id")},
    "taxonomy_term": {},
}
# Single nested objects: property -> (table, the parent's key to it).
SINGLE: dict[str, dict[str, tuple[str, str]]] = {
    "service": {"organization": ("organization", "organization_id")},
    "service_at_location": {
        "location": ("location", "location_id"),
        "service": ("service", "service_id"),
    },
    "attribute": {"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "taxonomy_id")},
}
TABLES = {
    "organization",
    "service",
    "service_at_location",
    "location",
    "address",
    "phone",
    "contact",
    "schedule",
    "service_area",
    "language",
    "cost_option",
    "accessibility",
    "attribute",
    "taxonomy_term",
    "taxonomy",
    "organization_identifier",
}
# Keys that tell the kind of a top-level JSON object.
SIGNS = {
    "service": {
        "service_at_locations",
        "service_areas",
        "application_process",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "fees_description",
        "program",
        "cost_options",
    },
    "organization": {
        "legal_status",
        "tax_status",
        "year_incorporated",
        "organization_identifiers",
        "parent_organization_id",
        "services",
        "website",
        "funding",
        "programs",
    },
    "location": {"location_type", "addresses", "transportation", "latitude", "accessibility"},
    "service_at_location": {"location", "service"},
    "taxonomy_term": {"taxonomy_id", "term_uri", "taxonomy_detail", "code", "parent_id"},
    "taxonomy": {"version", "uri"},
    "root": {"openapi_url", "profile"},
}
WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
NATIONWIDE_NAMES = {fold(n) for n in ("Finland", "Suomi", "koko Suomi", "hela Finland")}
BUSINESS_ID_SCHEMES = {"FI-PRO", "FI-YTJ", "FI:PRO", "FI:YTJ"}
BUSINESS_ID_TYPES = {fold(t) for t in ("Y-tunnus", "business id", "FO-nummer", "business code")}
SERVICE_TEXTS = ("name", "summary", "description", "how_to_get", "eligibility", "cost_description")
RELATIONS = {
    "channel": "channels",
    "target_group": "target_groups",
    "life_situation": "life_situations",
    "low_threshold": "attributes",
    "service_class": "service_classes",
    "method": "methods",
}
TEXT_LIMITS = {"name": 200, "summary": 150, "cost_description": 300}


def table_name(name: str) -> str:
    """``organizations.csv``, ``taxonomies`` → ``organization``, ``taxonomy``."""
    name = PurePosixPath(name).name.removesuffix(".csv")
    if name in TABLES:
        return name
    for plural, singular in (("ies", "y"), ("sses", "ss"), ("s", "")):
        if name.endswith(plural) and name[: -len(plural)] + singular in TABLES:
            return name[: -len(plural)] + singular
    return name


class Tables:
    """HSDS rows by table and id; a row seen twice (nested in several places) is merged."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.complete_services: set[str] = set()
        self.counter = 0

    def add(self, table: str, row: dict[str, Any]) -> str:
        identifier = as_text(row.get("id"))
        if not identifier:
            self.counter += 1
            identifier = f"_{table}_{self.counter}"
        row = {key: value for key, value in row.items() if not isinstance(value, (dict, list))}
        row["id"] = identifier
        stored = self.rows[table].get(identifier)
        if stored is None:
            self.rows[table][identifier] = row
        else:
            for key, value in row.items():
                if stored.get(key) in (None, "") and value not in (None, ""):
                    stored[key] = value
        return identifier

    def flatten(self, table: str, obj: dict[str, Any], keys: dict[str, str] | None = None) -> str:
        row = dict(obj)
        for key, value in (keys or {}).items():
            row[key] = value
        for prop, (child_table, key) in SINGLE.get(table, {}).items():
            child = obj.get(prop)
            if isinstance(child, dict):
                row[key] = self.flatten(child_table, child)
        identifier = self.add(table, row)
        for prop, (child_table, key) in NESTED.get(table, {}).items():
            for child in as_list(obj.get(prop)):
                if isinstance(child, dict):
                    self.flatten(child_table, child, {key: identifier})
        for child in as_list(obj.get("attributes")):
            if isinstance(child, dict):
                self.flatten("attribute", child, {"link_id": identifier, "link_entity": table})
        if table == "service" and "service_at_locations" in obj:
            self.complete_services.add(identifier)
        return identifier

    def table(self, name: str) -> list[dict[str, Any]]:
        return list(self.rows.get(name, {}).values())

    def get(self, name: str, identifier: Any) -> dict[str, Any] | None:
        return self.rows.get(name, {}).get(as_text(identifier))


def object_kind(obj: dict[str, Any]) -> str | None:
    keys = set(obj)
    if keys & SIGNS["root"]:
        return "root"
    if isinstance(obj.get("location"), dict) or isinstance(obj.get("service"), dict):
        return "service_at_location"
    scores = {
        kind: len(keys & signs)
        for kind, signs in SIGNS.items()
        if kind not in {"root", "service_at_location"}
    }
    if "name" in keys and ("organization" in keys or "organization_id" in keys or "url" in keys):
        scores["service"] += 1
    kind, score = max(scores.items(), key=lambda item: item[1])
    if score == 0:
        return "service" if {"id", "name", "description"} <= keys else None
    return kind


def closing_time(value: Any) -> dt.time | None:
    """A closing time of opening hours; ``23:59:59``, the last second of the day (HSDS times
    cannot say 24:00; our export writes midnight so), is midnight."""
    return MIDNIGHT if as_text(value) == "23:59:59" else parse_time(value)


class HsdsImporter(Importer):
    source = Source.HSDS

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tables = Tables()
        self.text_language = self.options.get("text_language") or "fi"
        self.today = timezone.localdate()
        self.where: dict[tuple[str, str], str] = {}
        self.ignored_attributes = 0

    # Reading files into tables.

    def read(self, file: Any, where: Where) -> None:
        if file.path is not None and file.path.is_dir():
            self.read_package_dir(file.path, where)
        elif file.name.endswith("datapackage.json") and file.path is not None:
            self.read_package_dir(file.path.parent, where)
        else:
            content = file.read()
            if content.startswith(b"PK\x03\x04"):
                self.read_package_zip(content, where)
            else:
                self.read_json(content, where)
        # Name the file of each record in the report when there are several files.
        for table in ("service", "organization"):
            for row_id in self.tables.rows.get(table, {}):
                self.where.setdefault((table, row_id), where.prefix)

    def read_package_dir(self, directory: Path, where: Where) -> None:
        descriptor_path = directory / "datapackage.json"
        if not descriptor_path.is_file():
            raise ImportFileError(
                _("%(file)s is a directory without datapackage.json.") % {"file": where.file()}
            )

        def read(path: str) -> bytes | None:
            target = (directory / path).resolve()
            if directory.resolve() not in target.parents or not target.is_file():
                return None
            return target.read_bytes()

        self.read_package(descriptor_path.read_bytes(), read, where)

    def read_package_zip(self, content: bytes, where: Where) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
            names = archive.namelist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise ImportFileError(
                _("%(file)s is not a readable zip file.") % {"file": where.file()}
            ) from None
        check_unpacked_size(archive, where)
        descriptors = sorted(
            (name for name in names if PurePosixPath(name).name == "datapackage.json"),
            key=len,
        )
        if not descriptors:
            raise ImportFileError(_("%(file)s holds no datapackage.json.") % {"file": where.file()})
        base = PurePosixPath(descriptors[0]).parent

        def read(path: str) -> bytes | None:
            name = str(base / path) if str(base) != "." else path
            if name not in names:
                return None
            return archive.read(name)

        try:
            self.read_package(archive.read(descriptors[0]), read, where)
        except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError):
            raise ImportFileError(
                _("%(file)s is not a readable zip file.") % {"file": where.file()}
            ) from None

    def read_package(self, descriptor: bytes, read: Any, where: Where) -> None:
        try:
            resources = as_list(json.loads(descriptor.decode("utf-8-sig")).get("resources"))
        except (ValueError, UnicodeDecodeError, AttributeError, RecursionError):
            raise ImportFileError(
                _("The datapackage.json of %(file)s is not valid JSON.") % {"file": where.file()}
            ) from None
        found = False
        for resource in resources:
            resource = as_dict(resource)
            path = as_text(resource.get("path"))
            table = table_name(as_text(resource.get("name")) or path)
            if table not in TABLES or not path or ".." in PurePosixPath(path).parts:
                continue
            content = read(path)
            if content is None:
                continue
            found = True
            for row in self.csv_rows(content, path, where):
                self.tables.add(table, row)
        if not found:
            raise ImportFileError(
                _("The data package %(file)s has none of the HSDS tables.") % {"file": where.file()}
            )
        self.tables.complete_services |= {row["id"] for row in self.tables.table("service")}

    def csv_rows(self, content: bytes, path: str, where: Where) -> list[dict[str, Any]]:
        try:
            text = content.decode("utf-8-sig").replace("\x00", "")
            return [
                {key: value for key, value in row.items() if key is not None and value != ""}
                for row in at_most_records(
                    csv.DictReader(io.StringIO(text, newline="")), where, path
                )
            ]
        except (UnicodeDecodeError, csv.Error) as error:
            raise ImportFileError(
                _("%(path)s in %(file)s is not a readable UTF-8 CSV file: %(error)s")
                % {"path": path, "file": where.file(), "error": error}
            ) from None

    def read_json(self, content: bytes, where: Where) -> None:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(
                _("%(file)s is not UTF-8 text.") % {"file": where.file()}
            ) from None
        try:
            documents = [json.loads(text)]
        except RecursionError:
            raise ImportFileError(
                _("%(file)s is nested too deeply.") % {"file": where.file()}
            ) from None
        except ValueError as error:
            lines = [line for line in text.splitlines() if line.strip()]
            try:
                documents = [json.loads(line) for line in lines]  # one document per line
            except (ValueError, RecursionError):
                raise ImportFileError(
                    _("%(file)s is not valid JSON: %(error)s")
                    % {"file": where.file(), "error": error}
                ) from None
            if not documents:
                raise ImportFileError(_("%(file)s is empty.") % {"file": where.file()}) from None
        check_records(len(documents), where)
        recognised = 0
        for document in documents:
            recognised += self.read_document(document, where)
        check_records(recognised, where)
        if not recognised:
            raise ImportFileError(
                _(
                    "%(file)s holds no HSDS records (services, organizations, locations, "
                    "taxonomies, as documents, lists or tabular JSON)."
                )
                % {"file": where.file()}
            )

    def read_document(self, document: Any, where: Where) -> int:
        """Flatten one JSON document; the number of HSDS objects it held."""
        if isinstance(document, list):
            return sum(self.read_document(item, where) for item in document)
        if not isinstance(document, dict):
            return 0
        if isinstance(document.get("contents"), list):
            return max(1, sum(self.read_document(i, where) for i in document["contents"]))
        if document and all(str(key).endswith(".csv") for key in document):
            count = 0
            for name, rows in document.items():
                table = table_name(name)
                for row in as_list(rows):
                    if table in TABLES and isinstance(row, dict):
                        self.tables.add(table, row)
                        count += 1
            self.tables.complete_services |= {r["id"] for r in self.tables.table("service")}
            return count
        kind = object_kind(document)
        if kind is None:
            return 0
        if kind == "root":
            self.report.warn(where.file(), _("The API's root document holds no records."))
            return 1
        self.tables.flatten(kind, document)
        return 1

    # Tables into records.

    def records(self) -> tuple[list[OrganisationData], list[ServiceData]]:
        self.index()
        if not self.tables.table("service"):
            self.report.warn(self.first_file, _("The files hold no services to import."))
        for row in self.tables.table("taxonomy_term"):
            self.read_method(row)
        for row in self.tables.table("organization"):
            self.read_organisation(row)
        for row in self.tables.table("service"):
            self.report.records += 1
            self.read_service(row)
        unused = [
            row["id"]
            for row in self.tables.table("location")
            if row["id"] not in self.used_locations
        ]
        if unused and self.tables.table("service"):
            self.report.warn(
                self.first_file,
                _("%(count)d locations linked to no service were not imported.")
                % {"count": len(unused)},
            )
        if self.ignored_attributes:
            self.report.warn(
                self.first_file,
                _("%(count)d attributes of taxonomies the catalogue does not use were ignored.")
                % {"count": self.ignored_attributes},
            )
        return list(self.organisations.values()), list(self.services.values())

    @property
    def first_file(self) -> str:
        return self.report.files[0] if self.report.files else _("the file")

    def index(self) -> None:
        self.by_key: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for table in ("phone", "contact", "schedule", "service_area", "language", "cost_option"):
            for row in self.tables.table(table):
                for key in (
                    "service_id",
                    "organization_id",
                    "location_id",
                    "service_at_location_id",
                    "contact_id",
                ):
                    if row.get(key):
                        self.by_key[(table, key, as_text(row[key]))].append(row)
        for table in ("address", "accessibility", "organization_identifier"):
            for row in self.tables.table(table):
                for key in ("location_id", "organization_id"):
                    if row.get(key):
                        self.by_key[(table, key, as_text(row[key]))].append(row)
        for row in self.tables.table("service_at_location"):
            if row.get("service_id"):
                self.by_key[
                    ("service_at_location", "service_id", as_text(row["service_id"]))
                ].append(row)
        self.attributes: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        terms = self.term_index()
        # Data from our own export: its translation and field attributes say so.
        self.perhekeskus = False
        for row in self.tables.table("attribute"):
            term = terms.get(as_text(row.get("taxonomy_term_id")))
            if term is None:
                self.ignored_attributes += 1
                continue
            key, code = term
            self.perhekeskus = self.perhekeskus or key in {"translation", "field"}
            self.attributes[as_text(row.get("link_id"))].append(
                (key, code, clean_text(row.get("value")))
            )
        self.used_locations: set[str] = set()

    def term_index(self) -> dict[str, tuple[str, str]]:
        """Taxonomy term id → (our taxonomy key, our code) for the terms we publish."""
        index: dict[str, tuple[str, str]] = {}
        for row in self.tables.table("taxonomy_term"):
            key, _, code = as_text(row.get("code")).partition(":")
            if key in TAXONOMY_BY_KEY and code and as_text(row.get("taxonomy")) in {key, ""}:
                index[as_text(row.get("id"))] = (key, code)
        wanted = {as_text(row.get("taxonomy_term_id")) for row in self.tables.table("attribute")}
        # Terms the package describes itself and that are not ours need no further look-up.
        described = {as_text(row.get("id")) for row in self.tables.table("taxonomy_term")}
        if wanted - index.keys() - described:
            for term in TermRegistry().terms:
                index.setdefault(term.id, (term.key, term.code))
        return index

    def ours(self, link_id: str) -> dict[str, list[tuple[str, str]]]:
        """Our terms of a record: taxonomy key → [(code, value)]."""
        result: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for key, code, value in self.attributes.get(link_id, []):
            result[key].append((code, value))
        return result

    def texts(self, link_id: str, fields: dict[str, Any]) -> tuple[dict[str, dict[str, str]], bool]:
        """Texts of a record by field and language: from our translation attributes when the
        record has any, else the document's own text in the text language."""
        translations: dict[str, dict[str, str]] = defaultdict(dict)
        for code, value in self.ours(link_id).get("translation", []):
            field, _, language = code.partition(":")
            if language in LANGUAGES:
                translations[field][language] = value
        if translations:
            return translations, True
        return {
            field: {self.text_language: clean_text(value)}
            for field, value in fields.items()
            if clean_text(value)
        }, False

    def text_fields(
        self, texts: dict[str, dict[str, str]], exact: bool, fields: tuple[str, ...]
    ) -> dict[str, str | None]:
        """Columns to set: every language when the texts are our exact translations; else
        only the columns of the text language, leaving the other languages as they are."""
        if exact:
            return {
                column: value
                for field in fields
                for column, value in translated(field, texts.get(field, {})).items()
            }
        return {
            f"{field}_{language}": value
            for field in fields
            for language, value in texts.get(field, {}).items()
        }

    def field_values(self, link_id: str) -> dict[str, str]:
        return dict(self.ours(link_id).get("field", []))

    def read_method(self, row: dict[str, Any]) -> None:
        key, _, code = as_text(row.get("code")).partition(":")
        if key != "method" or not code:
            return
        slug = code[:80]
        texts, exact = self.texts(row["id"], {"name": row.get("name")})
        texts["name"] = {k: shorten(v, 200) for k, v in texts.get("name", {}).items()}
        fields_attrs = self.field_values(row["id"])
        # A plain HSDS term (no attributes of ours, as in the package's NDJSON documents) carries
        # one name and no rating: it sets that name and leaves the rest of a known method alone.
        fields: dict[str, Any] = {
            **self.text_fields(texts, exact, ("name", "description") if exact else ("name",)),
            "source_url": valid_url(as_text(row.get("term_uri"))),
        }
        if exact or fields_attrs:
            rating = as_text(fields_attrs.get("rating"))
            fields["rating"] = int(rating) if rating in {"1", "2", "3", "4", "5"} else None
            fields["rated_on"] = (
                parse_date(fields_attrs.get("rated_on")) if fields["rating"] else None
            )
        if not any(fields.get(f"name_{language}") for language in LANGUAGES):
            return
        self.methods[slug] = MethodData(slug=slug, where=slug, fields=fields)

    def read_organisation(self, row: dict[str, Any]) -> None:
        identifier = row["id"]
        where = self.where.get(("organization", identifier), "") + _("organization %(id)s") % {
            "id": identifier[:100]
        }
        texts, exact = self.texts(
            identifier, {"name": row.get("name"), "description": row.get("description")}
        )
        names = {k: shorten(clean_line(v), 200) for k, v in texts.get("name", {}).items() if v}
        if not names:
            self.report.reject(where, _("The organization has no name."))
            return
        ours = self.ours(identifier)
        texts["name"] = names
        fields: dict[str, Any] = {
            **self.text_fields(texts, exact, ("name", "description")),
            "website": valid_url(as_text(row.get("website"))),
            "email": valid_email(as_text(row.get("email"))),
            "phone": self.organisation_phone(identifier),
        }
        initial: dict[str, Any] = translated("name", names)
        kinds = [code for code, _value in ours.get("organisation_kind", [])]
        kind = kinds[0] if kinds and kinds[0] in Organisation.Kind.values else None
        if kind is None:
            kind = self.kind_from_legal_status(as_text(row.get("legal_status")))
        if kind:
            fields["kind"] = kind
        else:
            initial["kind"] = organisation_kind(" ".join(names.values()))
        business_id = ""
        for identifier_row in self.by_key[
            ("organization_identifier", "organization_id", identifier)
        ]:
            scheme = as_text(identifier_row.get("identifier_scheme")).upper()
            kind_name = fold(as_text(identifier_row.get("identifier_type")))
            if scheme in BUSINESS_ID_SCHEMES or kind_name in BUSINESS_ID_TYPES:
                value = as_text(identifier_row.get("identifier"))
                business_id = valid_business_id(value)
                if value and not business_id:
                    self.report.warn(
                        where,
                        _("The business ID %(id)s is not valid (check digit); it was left out.")
                        % {"id": value[:20]},
                    )
        if self.perhekeskus and not exact:
            # Our export's short form of an organisation (nested in a service): enough to
            # create it, not to overwrite the full record.
            initial, fields = {**initial, **fields}, {}
        parent = as_text(row.get("parent_organization_id"))
        self.organisations[(self.source, identifier)] = OrganisationData(
            source=self.source,
            external_id=identifier[:100],
            where=where,
            fields=fields,
            initial=initial,
            business_id=business_id,
            uuid=parse_uuid(identifier),
            parent=(self.source, parent[:100]) if parent and parent != identifier else None,
        )

    def organisation_phone(self, identifier: str) -> str:
        """The organisation's own phone: one not of its locations, contacts or services."""
        rows = self.by_key[("phone", "organization_id", identifier)]
        rows = sorted(
            rows,
            key=lambda row: any(row.get(k) for k in ("location_id", "contact_id", "service_id")),
        )
        for row in rows:
            if number := valid_phone(as_text(row.get("number"))):
                return number
        return ""

    @staticmethod
    def kind_from_legal_status(value: str) -> str | None:
        if not value:
            return None
        folded = fold(value)
        for code, label in Organisation.Kind.choices:
            if folded == fold(code):
                return code
            for language in LANGUAGES:
                with translation.override(language):
                    if folded == fold(str(label)):
                        return code
        return None

    def read_service(self, row: dict[str, Any]) -> None:
        identifier = row["id"]
        where = self.where.get(("service", identifier), "") + _("service %(id)s") % {
            "id": identifier[:100]
        }
        if len(identifier) > 100:
            self.report.reject(where, _("The id is longer than 100 characters."))
            return
        texts, exact = self.texts(
            identifier,
            {
                "name": row.get("name"),
                "description": row.get("description"),
                "how_to_get": row.get("application_process"),
                "eligibility": row.get("eligibility_description"),
                "cost_description": row.get("fees_description"),
            },
        )
        for field, limit in TEXT_LIMITS.items():
            for language, text in list(texts.get(field, {}).items()):
                if len(text) > limit:
                    texts[field][language] = shorten(clean_line(text), limit)
                    if field != "name":
                        self.report.warn(where, shortened_note(field, language, limit))
        if not any(texts.get("name", {}).values()):
            self.report.reject(where, _("The service has no name."))
            return
        fields: dict[str, Any] = {}
        initial: dict[str, Any] = {"tier_id": "UNIVERSAL_INDIVIDUAL"}
        if self.perhekeskus and not exact:
            # Our export's short form of a service (in a list): its texts create it, they do
            # not overwrite the full record.
            initial.update(translated("name", texts.get("name", {})))
        else:
            fields.update(self.text_fields(texts, exact, SERVICE_TEXTS))
        fields["website"] = valid_url(as_text(row.get("url")))
        fields.update(self.ages(row, where))
        organisation_id = as_text(row.get("organization_id"))
        if not organisation_id:
            self.report.reject(where, _("The service names no organization."))
            return
        data = ServiceData(
            source=self.source,
            external_id=identifier,
            where=where,
            organisation=(self.source, organisation_id[:100]),
            fields=fields,
            initial=initial,
            uuid=parse_uuid(identifier),
        )
        ours = self.ours(identifier)
        complete = identifier in self.tables.complete_services
        if any(key in ours for key in ("tier", *RELATIONS, "field")):
            self.read_our_terms(data, ours)
        else:
            free = any(
                as_text(cost.get("amount")) in {"0", "0.0", "0.00"}
                for cost in self.by_key[("cost_option", "service_id", identifier)]
            )
            if free:
                data.relate("attributes", ADD, {"FREE"})
        languages = self.by_key[("language", "service_id", identifier)]
        if languages or complete:
            data.relate("languages", SET, self.language_codes(languages, where))
        self.read_area(data, complete)
        self.read_places(data, row, complete)
        self.services[(self.source, identifier)] = data

    def ages(self, row: dict[str, Any], where: str) -> dict[str, int | None]:
        ages: dict[str, int | None] = {}
        for field, column in (("min_age", "minimum_age"), ("max_age", "maximum_age")):
            value = as_text(row.get(column))
            if not value:
                ages[field] = None
                continue
            try:
                age = int(float(value))
            except (ValueError, OverflowError):
                age = -1
            if 0 <= age <= 17:
                ages[field] = age
            else:
                ages[field] = None
                label = _("Minimum age") if field == "min_age" else _("Maximum age")
                self.report.warn(
                    where,
                    _("%(field)s %(value)s is not a child's age from 0 to 17; it was left out.")
                    % {"field": label, "value": value[:20]},
                )
        if (
            ages["min_age"] is not None
            and ages["max_age"] is not None
            and ages["min_age"] > ages["max_age"]
        ):
            self.report.warn(
                where, _("The minimum age is above the maximum age; both were left out.")
            )
            ages = {"min_age": None, "max_age": None}
        return ages

    def read_our_terms(self, data: ServiceData, ours: dict[str, list[tuple[str, str]]]) -> None:
        tiers = [self.reference.term("tier", code) for code, _value in ours.get("tier", [])]
        tiers = [tier for tier in tiers if tier]
        if tiers:
            data.fields["tier_id"] = tiers[0]
        for key, relation in RELATIONS.items():
            codes = set()
            for code, _value in ours.get(key, []):
                found = code if relation == "methods" else self.reference.term(relation, code)
                if found:
                    codes.add(found)
                else:
                    self.report.warn(
                        data.where,
                        _("The code %(code)s is not known; it was left out.") % {"code": code[:40]},
                    )
            data.relate(relation, SET, codes)
        data.fields["prenatal"] = self.field_values(data.external_id).get("prenatal") == "true"

    def language_codes(self, rows: list[dict[str, Any]], where: str) -> set[str]:
        codes = set()
        for row in rows:
            code = as_text(row.get("code"))
            found = self.reference.term("languages", code) if code else None
            found = found or self.reference.term("languages", as_text(row.get("name")))
            if found:
                codes.add(found)
            elif code or row.get("name"):
                self.report.warn(
                    where,
                    _("The language %(code)s is not among the catalogue's languages.")
                    % {"code": (code or as_text(row.get("name")))[:40]},
                )
        return codes

    def read_area(self, data: ServiceData, complete: bool) -> None:
        rows = self.by_key[("service_area", "service_id", data.external_id)]
        if not rows and not complete:
            return
        nationwide = False
        municipalities: set[str] = set()
        counties: set[str] = set()
        for row in rows:
            ours = self.ours(row["id"])
            if self.field_values(row["id"]).get("is_nationwide") == "true":
                nationwide = True
            known = False
            for code, _value in ours.get("municipality", []):
                if found := self.reference.municipality(code):
                    municipalities.add(found)
                    known = True
            for code, _value in ours.get("wellbeing_services_county", []):
                if found := self.reference.county(code):
                    counties.add(found)
                    known = True
            if ours or known:
                continue
            name = clean_line(row.get("name"), max_length=200)
            if fold(name) in NATIONWIDE_NAMES:
                nationwide = True
            elif found := self.reference.municipality(name):
                municipalities.add(found)
            elif found := self.reference.county(name):
                counties.add(found)
            elif name:
                self.report.warn(
                    data.where,
                    _(
                        "The service area “%(name)s” is not a Finnish municipality or wellbeing "
                        "services county; it was left out."
                    )
                    % {"name": shorten(name, 80)},
                )
        if nationwide:
            municipalities, counties = set(), set()
        elif not municipalities and not counties:
            self.report.warn(
                data.where,
                _("No area served is given; the service reaches no one until it is set."),
            )
        data.fields["is_nationwide"] = nationwide
        data.relate("area_municipalities", SET, municipalities)
        data.relate("area_counties", SET, counties)

    # Locations, contact points and sessions.

    def read_places(self, data: ServiceData, row: dict[str, Any], complete: bool) -> None:
        service_id = data.external_id
        locations: list[LocationData] = []
        contacts: list[tuple[int, ContactData]] = []
        links = self.by_key[("service_at_location", "service_id", service_id)]
        by_link: dict[str, str] = {}
        for link in links:
            location = self.tables.get("location", link.get("location_id"))
            if location is None:
                continue
            by_link[link["id"]] = location["id"]
            self.used_locations.add(location["id"])
            schedules = self.schedules_of(location["id"], link["id"])
            kinds = [code for code, _v in self.ours(location["id"]).get("contact_point_kind", [])]
            if kinds:
                contact = self.our_contact(location, kinds[0], schedules, data.where)
                if contact:
                    contacts.append(contact)
                continue
            if as_text(location.get("location_type")) != "virtual":
                place = self.physical_location(location, schedules, data.where)
                if place:
                    locations.append(place)
            elif url := valid_url(as_text(location.get("url"))):
                label = clean_line(location.get("name"), max_length=200)
                hours, exceptions = self.hours(schedules, data.where)
                contacts.append(
                    (
                        10_000,
                        ContactData(
                            ContactPoint.Kind.WEB,
                            url,
                            translated("label", {self.text_language: label} if label else {}),
                            hours,
                            exceptions,
                        ),
                    )
                )
            for key, value in (
                ("location_id", location["id"]),
                ("service_at_location_id", link["id"]),
            ):
                contacts.extend(self.generic_contacts(key, value, data.where))
        contacts.extend(self.generic_contacts("service_id", service_id, data.where))
        email = valid_email(as_text(row.get("email")))
        if email:
            contacts.append(
                (20_000, ContactData(ContactPoint.Kind.EMAIL, email, translated("label", {})))
            )
        if links or complete or contacts:
            data.locations = locations
            data.prune_locations = complete
        if links or complete or contacts:
            data.contacts = [contact for _order, contact in sorted(contacts, key=lambda c: c[0])]
            data.prune_contacts = complete
        sessions = self.sessions(service_id, by_link, data.where)
        if sessions is not None or complete:
            data.sessions = sessions or []

    def schedules_of(self, location_id: str, link_id: str) -> list[dict[str, Any]]:
        rows = {}
        for key, value in (("location_id", location_id), ("service_at_location_id", link_id)):
            for row in self.by_key[("schedule", key, value)]:
                if not self.is_session(row):
                    rows[row["id"]] = row
        return list(rows.values())

    def is_session(self, row: dict[str, Any]) -> bool:
        fields = self.field_values(row["id"])
        return "starts_at" in fields or (
            as_text(row.get("count")) == "1" and bool(row.get("dtstart"))
        )

    def hours(
        self, schedules: list[dict[str, Any]], where: str
    ) -> tuple[list[Hours], list[ExceptionData]]:
        hours: set[Hours] = set()
        exceptions: list[ExceptionData] = []
        expired = False
        for row in schedules:
            opens, closes = parse_time(row.get("opens_at")), closing_time(row.get("closes_at"))
            days = [
                WEEKDAYS[day[-2:]]
                for day in as_text(row.get("byday")).upper().replace(" ", "").split(",")
                if day[-2:] in WEEKDAYS
            ]
            valid_from, valid_to = (
                parse_date(row.get("valid_from")),
                parse_date(row.get("valid_to")),
            )
            exceptional = (
                valid_from
                and valid_to
                and not row.get("dtstart")
                and not row.get("count")
                and (opens is None or len(set(days)) == 7)
            )
            if exceptional:
                if valid_to < valid_from:
                    continue
                note = self.texts(row["id"], {"note": row.get("description")})[0].get("note", {})
                if opens is not None and not valid_interval(opens, closes):
                    continue
                exceptions.append(
                    ExceptionData(
                        valid_from,
                        valid_to,
                        opens,
                        closes if opens is not None else None,
                        {f"note_{k}": shorten(clean_line(v), 200) for k, v in note.items() if v},
                    )
                )
                continue
            if valid_to and valid_to < self.today:
                expired = True
                continue
            if opens is None or closes is None or not days:
                continue
            for day in days:
                if valid_interval(opens, closes):
                    hours.add((day, opens, closes))
                elif closes < opens:
                    hours.add((day, opens, MIDNIGHT))
                    if closes != MIDNIGHT:
                        hours.add(((day + 1) % 7, MIDNIGHT, closes))
        if expired:
            self.report.warn(where, _("Opening hours that are no longer valid were left out."))
        return sorted(hours), exceptions

    def physical_location(
        self, location: dict[str, Any], schedules: list[dict[str, Any]], where: str
    ) -> LocationData | None:
        identifier = location["id"]
        texts, exact = self.texts(identifier, {"name": location.get("name")})
        addresses = self.by_key[("address", "location_id", identifier)]
        addresses.sort(key=lambda a: as_text(a.get("address_type")) in {"postal", "mailing"})
        address = addresses[0] if addresses else {}
        street_texts = texts.get("street_address") if exact else None
        if not street_texts:
            street = clean_line(
                " ".join(as_text(address.get(key)) for key in ("address_1",) if address.get(key)),
                max_length=200,
            )
            street_texts = {self.text_language: street} if street else {}
        postal_code = as_text(address.get("postal_code")).replace(" ", "")
        municipality = None
        for code, _value in self.ours(as_text(address.get("id"))).get("municipality", []):
            municipality = self.reference.municipality(code)
        if municipality is None and address.get("city"):
            municipality = self.reference.municipality(as_text(address.get("city")))
        municipality = municipality or self.reference.postal_codes.get(postal_code)
        label = next(iter(street_texts.values()), "") or as_text(location.get("name"))
        country = as_text(address.get("country")).upper()
        if (
            not street_texts
            or not re.fullmatch(r"\d{5}", postal_code)
            or municipality is None
            or country not in {"", "FI", "FIN", "FINLAND", "SUOMI"}
        ):
            self.report.warn(
                where,
                _(
                    "The location %(name)s has no Finnish street address, postal code and "
                    "municipality; it was left out."
                )
                % {"name": shorten(clean_line(label), 80) or identifier[:40]},
            )
            return None
        point = None
        if location.get("latitude") not in (None, "") or location.get("longitude") not in (
            None,
            "",
        ):
            point = valid_point(location.get("latitude"), location.get("longitude"))
            if point is None:
                self.report.warn(
                    where,
                    _("The coordinates of %(name)s are not in Finland; they were left out.")
                    % {"name": shorten(clean_line(label), 80)},
                )
        features: dict[str, bool | None] = {
            "step_free": None,
            "stroller_access": None,
            "hearing_loop": None,
        }
        notes: list[str] = []
        for row in self.by_key[("accessibility", "location_id", identifier)]:
            feature = self.ours(row["id"]).get("accessibility", [])
            if feature:
                code, value = feature[0]
                name = {
                    "STEP_FREE": "step_free",
                    "STROLLER_ACCESS": "stroller_access",
                    "HEARING_LOOP": "hearing_loop",
                }.get(code)
                if name and value in {"true", "false"}:
                    features[name] = value == "true"
                continue
            notes.append(
                " ".join(
                    clean_text(row.get(key)) for key in ("description", "details") if row.get(key)
                )
            )
        note_texts = (
            texts.get("accessibility_notes", {})
            if exact
            else (
                {self.text_language: clean_text("\n\n".join(n for n in notes if n))}
                if notes
                else {}
            )
        )
        capacity = self.field_values(identifier).get("capacity", "")
        hours, exceptions = self.hours(schedules, where)
        return LocationData(
            external_id=identifier[:100],
            fields={
                **translated(
                    "name",
                    {k: shorten(clean_line(v), 200) for k, v in texts.get("name", {}).items()},
                ),
                **translated(
                    "street_address", {k: shorten(v, 200) for k, v in street_texts.items()}
                ),
                **translated("accessibility_notes", note_texts),
                "postal_code": postal_code,
                "municipality_id": municipality,
                "latitude": point[0] if point else None,
                "longitude": point[1] if point else None,
                "capacity": int(capacity) if capacity.isdigit() else None,
                **features,
            },
            hours=hours,
            exceptions=exceptions,
            uuid=parse_uuid(identifier),
        )

    def our_contact(
        self, location: dict[str, Any], kind: str, schedules: list[dict[str, Any]], where: str
    ) -> tuple[int, ContactData] | None:
        """A contact point of ours, exported as a virtual location."""
        identifier = location["id"]
        fields = self.field_values(identifier)
        value = fields.get("contact_value", "")
        if not value and kind in {"CHAT", "VIDEO", "WEB"}:
            value = as_text(location.get("url"))
        if not value and kind == "PHONE":
            phones = self.by_key[("phone", "location_id", identifier)]
            value = as_text(phones[0].get("number")) if phones else ""
        if not value and kind == "EMAIL":
            emails = self.by_key[("contact", "location_id", identifier)]
            value = as_text(emails[0].get("email")) if emails else ""
        if kind not in ContactPoint.Kind.values or not value:
            return None
        checked = valid_contact(kind, value)
        if not checked:
            self.report.warn(
                where,
                _("The contact %(value)s is not valid; it was left out.") % {"value": value[:80]},
            )
            return None
        texts, _exact = self.texts(identifier, {})
        hours, exceptions = self.hours(schedules, where)
        order = fields.get("order", "")
        contact_fields: dict[str, Any] = {
            **translated("label", {k: shorten(v, 200) for k, v in texts.get("label", {}).items()}),
            **translated(
                "charge", {k: shorten(v, 200) for k, v in texts.get("charge", {}).items()}
            ),
        }
        if order.isdigit():
            contact_fields["order"] = int(order)
        return (
            int(order) if order.isdigit() else 1_000,
            ContactData(kind, checked, contact_fields, hours, exceptions),
        )

    def generic_contacts(self, key: str, value: str, where: str) -> list[tuple[int, ContactData]]:
        contacts: list[tuple[int, ContactData]] = []
        contact_rows = self.by_key[("contact", key, value)]
        phone_rows = list(self.by_key[("phone", key, value)])
        for contact in contact_rows:
            phone_rows += self.by_key[("phone", "contact_id", contact["id"])]
            email = valid_email(as_text(contact.get("email")))
            if email:
                contacts.append(
                    (20_000, ContactData(ContactPoint.Kind.EMAIL, email, translated("label", {})))
                )
        for phone in phone_rows:
            if self.ours(phone["id"]) or as_text(phone.get("type")).lower() in {"fax"}:
                continue
            number = valid_phone(as_text(phone.get("number")))
            if not number:
                if as_text(phone.get("number")):
                    self.report.warn(
                        where,
                        _("The phone number %(number)s is not valid; it was left out.")
                        % {"number": as_text(phone.get("number"))[:40]},
                    )
                continue
            contacts.append(
                (10_000, ContactData(ContactPoint.Kind.PHONE, number, translated("label", {})))
            )
        return contacts

    def sessions(
        self, service_id: str, by_link: dict[str, str], where: str
    ) -> list[SessionData] | None:
        rows = {
            row["id"]: row
            for row in self.by_key[("schedule", "service_id", service_id)]
            if self.is_session(row)
        }
        for link_id in by_link:
            for row in self.by_key[("schedule", "service_at_location_id", link_id)]:
                if self.is_session(row):
                    rows[row["id"]] = row
        if not rows:
            return None
        sessions = []
        for row in rows.values():
            fields = self.field_values(row["id"])
            starts = (
                parse_datetime(fields.get("starts_at", "")) if fields.get("starts_at") else None
            )
            ends = parse_datetime(fields.get("ends_at", "")) if fields.get("ends_at") else None
            if starts is None or ends is None:
                starts, ends = self.session_times(row)
            if starts is None or ends is None or ends <= starts:
                self.report.warn(
                    where,
                    _("A session without a valid start and end was left out."),
                )
                continue
            texts, exact = self.texts(
                row["id"],
                {"title": "", "description": row.get("description"), "place": row.get("notes")},
            )
            seats = fields.get("seats", "")
            language = (
                self.reference.term("languages", fields.get("session_language", ""))
                if fields.get("session_language")
                else None
            )
            link_id = as_text(row.get("service_at_location_id"))
            online = valid_url(fields.get("online_url", ""))
            registration = valid_url(fields.get("registration_url", ""))
            if not exact:
                link = valid_url(as_text(row.get("schedule_link")))
                online = online or (link if as_text(row.get("attending_type")) == "online" else "")
                registration = registration or (link if not online else "")
            sessions.append(
                SessionData(
                    uuid=parse_uuid(row["id"]),
                    fields={
                        **translated(
                            "title", {k: shorten(v, 200) for k, v in texts.get("title", {}).items()}
                        ),
                        **translated("description", texts.get("description", {})),
                        **translated(
                            "place", {k: shorten(v, 200) for k, v in texts.get("place", {}).items()}
                        ),
                        "starts_at": starts,
                        "ends_at": ends,
                        "online_url": online,
                        "registration_url": registration,
                        "seats": int(seats) if seats.isdigit() else None,
                        "language_id": language,
                    },
                    location=by_link.get(link_id),
                )
            )
        return sessions

    @staticmethod
    def session_times(row: dict[str, Any]) -> tuple[dt.datetime | None, dt.datetime | None]:
        day = parse_date(row.get("dtstart"))
        opens, closes = parse_time(row.get("opens_at")), parse_time(row.get("closes_at"))
        if day is None or opens is None or closes is None:
            return None, None
        try:
            offset = dt.timezone(dt.timedelta(hours=float(as_text(row.get("timezone")) or 0)))
        except (ValueError, OverflowError):
            return None, None
        end_day = parse_date(row.get("valid_to")) or day
        return dt.datetime.combine(day, opens, offset), dt.datetime.combine(end_day, closes, offset)
