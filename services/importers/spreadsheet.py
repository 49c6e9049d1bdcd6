"""A coordinator's spreadsheet: one row per service, CSV or XLSX, from the import template.

The template (``template_csv``, ``template_xlsx``; described in
``services/data/spreadsheet_template/README.md``) has one column per field, headed in Finnish;
Swedish and English headers and a few other spellings are accepted too (``COLUMNS``). Only
the columns a sheet has are imported: a sheet without location columns leaves the services'
locations alone. Lists (target groups, channels, area served, ...) are separated by ``;`` and
given as codes or as names in Finnish, Swedish or English.

CSV files may use ``;``, ``,``, tab or ``|`` between values and be UTF-8 (with or without a
byte order mark), UTF-16 or Windows-1252/Latin-1. XLSX files are read from the first sheet
that has known column headers.

A row is a service whose external id is the ``id`` column. When that column is headed as a
PTV id (``PTV-tunniste``, ``ptv_service_id``), the services are kept under source PTV, so
that a later PTV import completes the same services; otherwise under source SPREADSHEET.
Rows without an id are recognised by their provider and Finnish name. A later row with the
same id is taken as the same service in more places: its area served is added to the first
row's; when anything else differs it is rejected.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.codes import TERM_RELATIONS
from services.importers.base import (
    LANGUAGES,
    SET,
    ContactData,
    Importer,
    ImportFileError,
    LocationData,
    OrganisationData,
    ServiceData,
    Where,
    clean_line,
    clean_text,
    fold,
    has_text,
    organisation_kind,
    shorten,
    shortened_note,
    translated,
    valid_business_id,
    valid_contact,
    valid_point,
    valid_url,
)
from services.importers.limits import at_most_records, check_unpacked_size
from services.models import (
    Attribute,
    Channel,
    Language,
    LifeSituation,
    Organisation,
    Source,
    TargetGroup,
    Tier,
)

# Identifies rows without an id: uuid5(namespace, provider + Finnish name).
ROW_NAMESPACE = uuid.UUID("8f0d7c1e-5b0a-4f3c-9c55-3e0f1f6a2b71")
NATIONWIDE_WORDS = {
    fold(word)
    for word in (
        "koko Suomi",
        "Suomi",
        "valtakunnallinen",
        "valtakunnalliset",
        "kansallinen",
        "kansalliset",
        "hela Finland",
        "Finland",
        "riksomfattande",
        "nationwide",
        "national",
        "whole of Finland",
        "all of Finland",
    )
}
YES = {fold(w) for w in ("kyllä", "k", "x", "1", "true", "yes", "y", "ja", "on")}
NO = {fold(w) for w in ("ei", "e", "0", "false", "no", "n", "nej", "off", "")}
DEFAULT_TIER = "UNIVERSAL_INDIVIDUAL"
PROVIDER_KINDS = {
    **{fold(code): code for code in Organisation.Kind.values},
    **{
        fold(word): kind
        for kind, words in {
            "PUBLIC": ("julkinen", "kunta", "hyvinvointialue", "offentlig", "public"),
            "NGO": ("järjestö", "yhdistys", "organisation", "förening", "ngo"),
            "PARISH": ("seurakunta", "församling", "parish"),
            "OTHER": ("muu", "yritys", "säätiö", "annan", "företag", "other", "company"),
        }.items()
        for word in words
    },
}


@dataclass(frozen=True)
class Column:
    key: str
    fi: str
    sv: str
    en: str
    help: Promise
    aliases: tuple[str, ...] = ()
    example: str = ""

    def headers(self) -> set[str]:
        return {fold(name) for name in (self.fi, self.sv, self.en, self.key, *self.aliases)}

    def header(self, language: str) -> str:
        return {"fi": self.fi, "sv": self.sv}.get(language, self.en)


def text_columns(
    key: str, fi: str, sv: str, en: str, help: Promise, example: str = ""
) -> list[Column]:
    names = {"fi": ("suomi", "finska", "Finnish"), "sv": ("ruotsi", "svenska", "Swedish")}
    names["en"] = ("englanti", "engelska", "English")
    return [
        Column(
            f"{key}_{language}",
            f"{fi} ({names[language][0]})",
            f"{sv} ({names[language][1]})",
            f"{en} ({names[language][2]})",
            help,
            aliases=(f"{key} {language}", f"{fi} {language}", f"{en} {language}")
            + ((fi, sv, en) if language == "fi" else ()),
            example=example if language == "fi" else "",
        )
        for language in LANGUAGES
    ]


COLUMNS: list[Column] = [
    Column(
        "id",
        "Tunniste",
        "Identifierare",
        "ID",
        gettext_lazy(
            "A stable identifier of the service in your own records. The same id updates the "
            "same service on the next import. Head the column “PTV-tunniste” when the ids are "
            "Suomi.fi PTV ids."
        ),
        aliases=("external id", "ulkoinen tunniste", "tunnus", "extern identifierare"),
        example="perhetyo-1",
    ),
    Column(
        "ptv_id",
        "PTV-tunniste",
        "PTV-identifierare",
        "PTV ID",
        gettext_lazy("Suomi.fi PTV id of the service, instead of the ID column."),
        aliases=("ptv_service_id", "ptv service id", "ptv-id", "ptv id"),
    ),
    *text_columns(
        "name",
        "Nimi",
        "Namn",
        "Name",
        gettext_lazy("Name of the service, at most 200 characters. Required in one language."),
        "Perhetyö",
    ),
    *text_columns(
        "summary",
        "Tiivistelmä",
        "Sammanfattning",
        "Summary",
        gettext_lazy("One or two sentences, at most 150 characters."),
        "Ohjausta ja tukea lapsiperheen arkeen kotona.",
    ),
    *text_columns(
        "description",
        "Kuvaus",
        "Beskrivning",
        "Description",
        gettext_lazy("What the service offers."),
    ),
    *text_columns(
        "how_to_get",
        "Näin saat palvelun",
        "Så här får du tjänsten",
        "How to get it",
        gettext_lazy("How to start: call, book online, come in, referral needed ..."),
    ),
    *text_columns(
        "eligibility",
        "Kenelle",
        "För vem",
        "Who can get it",
        gettext_lazy("Who can get the service."),
    ),
    *text_columns(
        "cost_description",
        "Hinta",
        "Pris",
        "Cost",
        gettext_lazy("Fees in words, at most 300 characters. Mark free services as FREE."),
    ),
    Column(
        "provider",
        "Palveluntuottaja",
        "Tjänsteproducent",
        "Provider",
        gettext_lazy(
            "Name of the organisation that provides the service. Matched by business ID, then "
            "by name; a new one is created when none matches."
        ),
        aliases=("organisaatio", "organisation", "organization", "tuottaja"),
        example="Etelä-Savon hyvinvointialue",
    ),
    Column(
        "provider_business_id",
        "Y-tunnus",
        "FO-nummer",
        "Business ID",
        gettext_lazy("The provider's business ID (Y-tunnus), e.g. 1234567-8."),
        aliases=("business id", "ytunnus", "y tunnus"),
        example="3221308-6",
    ),
    Column(
        "provider_kind",
        "Palveluntuottajan tyyppi",
        "Typ av tjänsteproducent",
        "Provider kind",
        gettext_lazy("PUBLIC, NGO, PARISH or OTHER (for a new provider)."),
        example="PUBLIC",
    ),
    Column(
        "tier",
        "Palvelutaso",
        "Servicenivå",
        "Tier",
        gettext_lazy(
            "DIGITAL, UNIVERSAL_INDIVIDUAL, UNIVERSAL_GROUP or SPECIALIST. Empty: "
            "UNIVERSAL_INDIVIDUAL for a new service."
        ),
        aliases=("taso", "porras", "nivå"),
        example="UNIVERSAL_INDIVIDUAL",
    ),
    Column(
        "channels",
        "Kanavat",
        "Kanaler",
        "Channels",
        gettext_lazy("Channels separated by semicolons, e.g. IN_PERSON; HOME_VISIT; PHONE."),
        aliases=("kanava", "channel", "asiointikanavat"),
        example="HOME_VISIT; PHONE",
    ),
    Column(
        "target_groups",
        "Kohderyhmät",
        "Målgrupper",
        "Target groups",
        gettext_lazy("Target groups separated by semicolons, e.g. PARENTS; FATHERS."),
        aliases=("kohderyhmä", "target group", "målgrupp"),
        example="PARENTS",
    ),
    Column(
        "life_situations",
        "Elämäntilanteet",
        "Livssituationer",
        "Life situations",
        gettext_lazy("Life situations separated by semicolons, e.g. BABY; SEPARATION."),
        aliases=("elämäntilanne", "life situation", "livssituation"),
        example="BABY; TODDLER_PRESCHOOL",
    ),
    Column(
        "attributes",
        "Matalan kynnyksen ominaisuudet",
        "Lågtröskelegenskaper",
        "Low-threshold attributes",
        gettext_lazy("FREE, NO_REFERRAL, ANONYMOUS, OPEN_24_7, EVENINGS_WEEKENDS."),
        aliases=("ominaisuudet", "attributes", "egenskaper"),
        example="FREE; NO_REFERRAL",
    ),
    Column(
        "languages",
        "Palvelukielet",
        "Servicespråk",
        "Languages",
        gettext_lazy("Languages of service as ISO 639 codes, e.g. fi; sv; en."),
        aliases=("kielet", "kieli", "språk", "language"),
        example="fi; sv",
    ),
    Column(
        "min_age",
        "Lapsen ikä vähintään",
        "Barnets ålder minst",
        "Minimum age",
        gettext_lazy("The youngest child's age in years (0–17)."),
        aliases=("ikä alkaen", "min age"),
        example="0",
    ),
    Column(
        "max_age",
        "Lapsen ikä enintään",
        "Barnets ålder högst",
        "Maximum age",
        gettext_lazy("The oldest child's age in years (0–17)."),
        aliases=("ikä asti", "max age"),
        example="6",
    ),
    Column(
        "prenatal",
        "Odotusaika",
        "Väntetiden",
        "Prenatal",
        gettext_lazy("“kyllä” / “yes” when the service is for expecting families."),
        aliases=("raskausaika", "expecting"),
        example="ei",
    ),
    Column(
        "area",
        "Palvelualue",
        "Serviceområde",
        "Area served",
        gettext_lazy(
            "Municipalities (codes or names) and wellbeing services counties separated by "
            "semicolons, or “koko Suomi” for the whole of Finland."
        ),
        aliases=("alue", "kunnat", "area", "municipalities", "list", "lista", "område"),
        example="Mikkeli; 740",
    ),
    Column(
        "service_classes",
        "Palveluluokat",
        "Serviceklasser",
        "Service classes",
        gettext_lazy("Suomi.fi service classes, e.g. P3.6; P3.7."),
        aliases=("palveluluokka", "service class"),
        example="P3.6",
    ),
    Column(
        "methods",
        "Menetelmät",
        "Metoder",
        "Methods",
        gettext_lazy("Evidence-based methods by their identifier in the catalogue."),
        aliases=("menetelmä", "method"),
    ),
    Column(
        "website",
        "Verkkosivu",
        "Webbplats",
        "Website",
        gettext_lazy("The service's web page (https://...)."),
        aliases=("www", "url", "kotisivu", "web"),
        example="https://www.esshva.fi/",
    ),
    Column(
        "phone",
        "Puhelin",
        "Telefon",
        "Phone",
        gettext_lazy("Phone number, e.g. 015 123 4567 or +358 15 123 4567."),
        aliases=("puhelinnumero", "phone number", "telefonnummer"),
        example="015 211 4000",
    ),
    Column(
        "email",
        "Sähköposti",
        "E-post",
        "E-mail",
        gettext_lazy("E-mail address."),
        aliases=("email", "e-mail", "sähköpostiosoite"),
    ),
    Column(
        "chat",
        "Chat",
        "Chatt",
        "Chat link",
        gettext_lazy("Address of a chat (https://...)."),
        aliases=("chat-linkki", "chat link"),
    ),
    Column(
        "location_name",
        "Toimipisteen nimi",
        "Verksamhetsställets namn",
        "Location name",
        gettext_lazy("Name of the service point, if it is given in person."),
        aliases=("toimipiste", "location"),
        example="Mikkelin perhekeskus",
    ),
    Column(
        "street_address",
        "Katuosoite",
        "Gatuadress",
        "Street address",
        gettext_lazy("Street address of the service point."),
        aliases=("osoite", "address", "adress"),
        example="Porrassalmenkatu 21",
    ),
    Column(
        "postal_code",
        "Postinumero",
        "Postnummer",
        "Postal code",
        gettext_lazy("Five-digit postal code of the service point."),
        aliases=("postal code", "zip"),
        example="50100",
    ),
    Column(
        "municipality",
        "Kunta",
        "Kommun",
        "Municipality",
        gettext_lazy(
            "Municipality of the service point (name or code); else from the postal code."
        ),
        aliases=("kotikunta", "kaupunki", "city"),
        example="Mikkeli",
    ),
    Column(
        "latitude",
        "Leveysaste",
        "Latitud",
        "Latitude",
        gettext_lazy("WGS84 latitude in degrees, e.g. 61.6886 (optional)."),
        aliases=("lat",),
    ),
    Column(
        "longitude",
        "Pituusaste",
        "Longitud",
        "Longitude",
        gettext_lazy("WGS84 longitude in degrees, e.g. 27.2723 (optional)."),
        aliases=("lon", "lng"),
    ),
]
HEADERS = {header: column.key for column in COLUMNS for header in column.headers()}
CONTACT_COLUMNS = {"phone": "PHONE", "email": "EMAIL", "chat": "CHAT"}
LOCATION_COLUMNS = {"street_address", "postal_code", "municipality", "location_name"}
LIST_SPLIT = re.compile(r"\s*[;\n]\s*")


def column_key(header: str) -> str | None:
    folded = fold(header)
    return HEADERS.get(folded) or HEADERS.get(re.sub(r"[-_.]+", " ", folded))


# Reading the file.


def decode(content: bytes) -> str:
    """Text of a CSV file in any of the encodings spreadsheet programs write."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def csv_rows(content: bytes, where: Where) -> list[list[str]]:
    text = decode(content).replace("\x00", "")
    first = next((line for line in io.StringIO(text) if line.strip()), "").rstrip("\r\n")
    if not first:
        raise ImportFileError(_("%(file)s is empty.") % {"file": where.file()})

    def score(delimiter: str) -> tuple[int, int]:
        try:
            header = next(csv.reader([first], delimiter=delimiter))
        except csv.Error:
            return (0, 0)
        return (sum(1 for cell in header if column_key(cell)), len(header))

    delimiter = max(";,\t|", key=score)
    try:
        return list(
            at_most_records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), where)
        )
    except csv.Error as error:
        raise ImportFileError(
            _("%(file)s is not a readable CSV file: %(error)s")
            % {"file": where.file(), "error": error}
        ) from None


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "kyllä" if value else "ei"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def xlsx_rows(content: bytes, where: Where) -> list[list[str]]:
    from openpyxl import load_workbook

    unreadable = _("%(file)s is not a readable XLSX workbook.") % {"file": where.file()}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            check_unpacked_size(archive, where)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds of errors for damaged files
        raise ImportFileError(unreadable) from None
    try:
        first: list[list[str]] | None = None
        for sheet in workbook.worksheets:
            rows = [
                [cell_text(value) for value in row]
                for row in at_most_records(sheet.iter_rows(values_only=True), where, sheet.title)
            ]
            header = next((row for row in rows if any(cell.strip() for cell in row)), [])
            if any(column_key(cell) for cell in header):
                return rows
            first = rows if first is None else first
        return first or []
    except ImportFileError:
        raise
    except Exception:  # a damaged sheet fails only while it is read
        raise ImportFileError(unreadable) from None
    finally:
        workbook.close()


def read_rows(content: bytes, where: Where) -> list[list[str]]:
    if content.startswith(b"PK\x03\x04"):
        return xlsx_rows(content, where)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("%(file)s is an old Excel workbook (.xls); save it as XLSX or CSV.")
            % {"file": where.file()}
        )
    return csv_rows(content, where)


# Rows into records.


class SpreadsheetImporter(Importer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.first_rows: dict[tuple[str, str], tuple[dict[str, str], ServiceData]] = {}
        self.organisation_names = self.stored_organisation_names()
        self.default_organisation = self.options.get("organisation")

    @staticmethod
    def stored_organisation_names() -> dict[str, int | None]:
        """Folded names of stored organisations; None where two share a name."""
        names: dict[str, int | None] = {}
        for pk, *values in Organisation.objects.values_list("pk", "name_fi", "name_sv", "name_en"):
            for value in {fold(v) for v in values if v}:
                names[value] = None if value in names and names[value] != pk else pk
        return names

    def read(self, file: Any, where: Where) -> None:
        rows = read_rows(file.read(), where)
        start = next((n for n, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
        if start is None:
            raise ImportFileError(_("%(file)s is empty.") % {"file": where.file()})
        header = rows[start]
        keys = [column_key(cell) for cell in header]
        unknown = [
            clean_line(cell, max_length=60)
            for cell, key in zip(header, keys, strict=True)
            if not key
        ]
        unknown = [name for name in unknown if name]
        if not any(key and key.startswith("name_") for key in keys):
            raise ImportFileError(
                _(
                    "%(file)s has no name column. The first row must hold the column headers of "
                    "the import template (for example “Nimi (suomi)” or “Name (Finnish)”)."
                )
                % {"file": where.file()}
            )
        if unknown:
            self.report.warn(
                where.file(),
                _("Columns the import does not know were ignored: %(columns)s")
                % {"columns": ", ".join(unknown[:30])},
            )
        present = {key for key in keys if key}
        source = Source.PTV if "ptv_id" in present and "id" not in present else Source.SPREADSHEET
        for number, row in enumerate(rows[start + 1 :], start=start + 2):
            if not any(cell.strip() for cell in row):
                continue
            self.report.records += 1
            values: dict[str, str] = {}
            for key, cell in zip(keys, row, strict=False):
                if key and key not in values:
                    values[key] = clean_text(cell)
            self.read_row(values, present, source, where.row(number))

    def read_row(self, values: dict[str, str], present: set[str], source: str, where: str) -> None:
        texts = {
            field: {
                language: values.get(f"{field}_{language}", "")
                for language in LANGUAGES
                if f"{field}_{language}" in present
            }
            for field in (
                "name",
                "summary",
                "description",
                "how_to_get",
                "eligibility",
                "cost_description",
            )
        }
        names = {language: clean_line(text) for language, text in texts["name"].items()}
        if not has_text(names):
            self.report.reject(where, _("The row has no name."))
            return
        for language, name in names.items():
            if len(name) > 200:
                self.report.reject(
                    where,
                    _("The name (%(language)s) is longer than 200 characters.")
                    % {"language": language},
                )
                return
        texts["name"] = names
        for field, limit in (("summary", 150), ("cost_description", 300)):
            for language, text in list(texts[field].items()):
                if len(text) > limit:
                    texts[field][language] = shorten(clean_line(text), limit)
                    if field == "summary" and not texts["description"].get(language):
                        texts["description"][language] = text
                    self.report.warn(where, shortened_note(field, language, limit))
        fields: dict[str, Any] = {}
        for field, by_language in texts.items():
            if by_language:
                fields.update(
                    {
                        f"{field}_{language}": text or ("" if language == "fi" else None)
                        for language, text in by_language.items()
                    }
                )
        organisation = self.read_provider(values, present, names, where)
        if organisation is None:
            return
        identifier = clean_line(values.get("id") or values.get("ptv_id") or "", max_length=100)
        if not identifier:
            provider = values.get("provider") or values.get("provider_business_id") or ""
            key = f"{fold(provider)}/{fold(names.get('fi') or next(iter(names.values())))}"
            identifier = str(uuid.uuid5(ROW_NAMESPACE, key))
        data = ServiceData(
            source=source,
            external_id=identifier,
            where=where,
            organisation=organisation,
            fields=fields,
            initial={"tier_id": DEFAULT_TIER},
        )
        if "website" in present:
            website = values.get("website", "")
            fields["website"] = valid_url(website)
            if website and not fields["website"]:
                self.warn_value(where, _("website"), website)
        if values.get("tier"):
            tier = self.reference.term("tier", values["tier"])
            if tier:
                fields["tier_id"] = tier
            else:
                self.warn_value(where, _("tier"), values["tier"])
        for relation in TERM_RELATIONS:
            if relation in present:
                data.relate(relation, SET, self.codes(relation, values.get(relation, ""), where))
        if "methods" in present:
            slugs = set()
            for value in LIST_SPLIT.split(values.get("methods", "")):
                if value and value in self.reference.methods:
                    slugs.add(value)
                elif value:
                    self.warn_value(where, _("method"), value)
            data.relate("methods", SET, slugs)
        for field in ("min_age", "max_age"):
            if field in present:
                fields[field] = self.age(values.get(field, ""), where)
        if "prenatal" in present:
            value = fold(values.get("prenatal", ""))
            if value in YES or value in NO:
                fields["prenatal"] = value in YES
            else:
                self.warn_value(where, _("prenatal"), values["prenatal"])
        if "area" in present:
            self.read_area(values.get("area", ""), data)
        if present & CONTACT_COLUMNS.keys():
            data.contacts = self.read_contacts(values, where)
            data.prune_contacts = True
        if present & LOCATION_COLUMNS:
            data.locations = self.read_location(values, names, where)
            data.prune_locations = True
        self.add(data, values)

    def warn_value(self, where: str, what: str, value: str) -> None:
        self.report.warn(
            where,
            _("%(what)s “%(value)s” is not known; it was left out.")
            % {"what": capfirst(what), "value": clean_line(value, max_length=80)},
        )

    def codes(self, relation: str, value: str, where: str) -> set[str]:
        codes = set()
        what = {
            "channels": Channel._meta.verbose_name,
            "target_groups": TargetGroup._meta.verbose_name,
            "life_situations": LifeSituation._meta.verbose_name,
            "attributes": Attribute._meta.verbose_name,
            "languages": Language._meta.verbose_name,
            "service_classes": _("service class"),
        }[relation]
        for item in LIST_SPLIT.split(value):
            item = item.strip().strip(",")
            if not item:
                continue
            code = self.reference.term(relation, item)
            if code:
                codes.add(code)
            else:
                self.warn_value(where, str(what), item)
        return codes

    def age(self, value: str, where: str) -> int | None:
        value = value.strip()
        if not value:
            return None
        if value.isdigit() and int(value) <= 17:
            return int(value)
        self.report.warn(
            where,
            _("The age “%(value)s” is not a child's age from 0 to 17; it was left out.")
            % {"value": clean_line(value, max_length=20)},
        )
        return None

    def read_area(self, value: str, data: ServiceData) -> None:
        municipalities, counties, nationwide = set(), set(), False
        for item in LIST_SPLIT.split(value):
            item = item.strip().strip(",")
            if not item:
                continue
            if fold(item) in NATIONWIDE_WORDS:
                nationwide = True
            elif code := self.reference.municipality(item):
                municipalities.add(code)
            elif county := self.reference.county(item):
                counties.add(county)
            else:
                self.report.warn(
                    data.where,
                    _(
                        "The area “%(value)s” is not a municipality or a wellbeing services "
                        "county; it was left out."
                    )
                    % {"value": clean_line(item, max_length=80)},
                )
        if nationwide:
            municipalities, counties = set(), set()
        data.fields["is_nationwide"] = nationwide
        data.relate("area_municipalities", SET, municipalities)
        data.relate("area_counties", SET, counties)

    def read_provider(
        self, values: dict[str, str], present: set[str], names: dict[str, str], where: str
    ) -> tuple[str, str] | int | None:
        name = clean_line(values.get("provider", ""), max_length=200)
        raw_business_id = values.get("provider_business_id", "").strip()
        business_id = valid_business_id(raw_business_id)
        if raw_business_id and not business_id:
            self.report.warn(
                where,
                _("The business ID %(id)s is not valid (check digit); it was left out.")
                % {"id": raw_business_id[:20]},
            )
        if not name and not business_id:
            if self.default_organisation:
                return int(self.default_organisation)
            return self.unknown_provider(where)
        if not business_id and self.organisation_names.get(fold(name)):
            return self.organisation_names[fold(name)]
        kind_value = fold(values.get("provider_kind", ""))
        kind = PROVIDER_KINDS.get(kind_value) or organisation_kind(name)
        if kind_value and kind_value not in PROVIDER_KINDS:
            self.warn_value(where, _("provider kind"), values["provider_kind"])
        external_id = f"y:{business_id}" if business_id else f"name:{fold(name)}"[:100]
        key = (Source.SPREADSHEET, external_id)
        if key not in self.organisations:
            self.organisations[key] = OrganisationData(
                source=Source.SPREADSHEET,
                external_id=external_id,
                where=where,
                fields={},
                initial={**translated("name", {"fi": name or business_id}), "kind": kind},
                business_id=business_id,
            )
        return key

    def unknown_provider(self, where: str) -> tuple[str, str]:
        key = (Source.SPREADSHEET, "unknown-provider")
        if key not in self.organisations:
            self.report.warn(
                where,
                _(
                    "Rows without a provider were given the provider “Unknown provider”; "
                    "correct them when reviewing the drafts."
                ),
            )
            self.organisations[key] = OrganisationData(
                source=Source.SPREADSHEET,
                external_id="unknown-provider",
                where=where,
                fields={},
                initial={
                    "name_fi": "Tuntematon palveluntuottaja",
                    "name_sv": "Okänd serviceproducent",
                    "name_en": "Unknown provider",
                    "kind": Organisation.Kind.OTHER,
                },
            )
        return key

    def read_contacts(self, values: dict[str, str], where: str) -> list[ContactData]:
        contacts = []
        for column, kind in CONTACT_COLUMNS.items():
            for item in LIST_SPLIT.split(values.get(column, "")):
                if not item.strip():
                    continue
                value = valid_contact(kind, item)
                if value:
                    contacts.append(ContactData(kind, value, translated("label", {})))
                else:
                    what = {"PHONE": _("Phone number"), "EMAIL": _("E-mail address")}
                    self.report.warn(
                        where,
                        _("%(what)s “%(value)s” is not valid; it was left out.")
                        % {
                            "what": what.get(kind, _("Chat link")),
                            "value": clean_line(item, max_length=80),
                        },
                    )
        return contacts

    def read_location(
        self, values: dict[str, str], names: dict[str, str], where: str
    ) -> list[LocationData]:
        street = clean_line(values.get("street_address", ""), max_length=200)
        postal_code = values.get("postal_code", "").strip()
        if postal_code.isdigit() and len(postal_code) < 5:
            postal_code = postal_code.zfill(5)  # a spreadsheet program dropped leading zeros
        if not street and not postal_code:
            return []
        municipality = None
        if values.get("municipality"):
            municipality = self.reference.municipality(values["municipality"])
        municipality = municipality or self.reference.postal_codes.get(postal_code)
        if not street or not re.fullmatch(r"\d{5}", postal_code) or municipality is None:
            self.report.warn(
                where,
                _(
                    "The service point needs a street address, a five-digit postal code and a "
                    "known municipality; it was left out."
                ),
            )
            return []
        point = None
        if values.get("latitude") or values.get("longitude"):
            point = valid_point(
                values.get("latitude", "").replace(",", "."),
                values.get("longitude", "").replace(",", "."),
            )
            if point is None:
                self.report.warn(
                    where,
                    _("The coordinates are not WGS84 degrees in Finland; they were left out."),
                )
        location_name = clean_line(values.get("location_name", ""), max_length=200)
        return [
            LocationData(
                external_id="spreadsheet",
                fields={
                    **translated("name", {"fi": location_name}),
                    **translated("street_address", {"fi": street}),
                    "postal_code": postal_code,
                    "municipality_id": municipality,
                    "latitude": point[0] if point else None,
                    "longitude": point[1] if point else None,
                },
            )
        ]

    def add(self, data: ServiceData, values: dict[str, str]) -> None:
        key = (data.source, data.external_id)
        if key not in self.services:
            self.services[key] = data
            self.first_rows[key] = (values, data)
            return
        first_values, first = self.first_rows[key]
        differing = {
            name
            for name in set(values) | set(first_values)
            if name != "area" and values.get(name, "") != first_values.get(name, "")
        }
        if differing:
            self.report.reject(
                data.where,
                _("The id %(id)s is already used on %(where)s for a different service.")
                % {"id": data.external_id, "where": first.where},
            )
            return
        if "area_municipalities" in data.relations and "area_municipalities" in first.relations:
            nationwide = first.fields.get("is_nationwide") or data.fields.get("is_nationwide")
            for relation in ("area_municipalities", "area_counties"):
                keys = set() if nationwide else first.relations[relation][1]
                keys |= set() if nationwide else data.relations[relation][1]
                first.relate(relation, SET, keys)
            first.fields["is_nationwide"] = bool(nationwide)
        self.report.warn(
            data.where,
            _("The same service as on %(where)s; its area served was added to that row's.")
            % {"where": first.where},
        )


# The template staff download.


def template_rows(language: str) -> list[list[str]]:
    return [
        [column.header(language) for column in COLUMNS if column.key != "ptv_id"],
        [column.example for column in COLUMNS if column.key != "ptv_id"],
    ]


def template_csv(language: str = settings.LANGUAGE_CODE) -> bytes:
    """The template as CSV: UTF-8 with a byte order mark and semicolons, as Excel in Finland
    expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(template_rows(language))
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def template_xlsx(language: str = settings.LANGUAGE_CODE) -> bytes:
    """The template as XLSX: the services sheet, instructions, and the codes to use."""
    from django.utils import translation
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from services.models import ServiceClass, WellbeingServicesCounty

    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Services")
        for row in template_rows(language):
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        instructions = workbook.create_sheet(_("Instructions"))
        instructions.append([_("Column"), _("Meaning"), _("Also accepted as header")])
        for column in COLUMNS:
            others = [
                name
                for name in (column.fi, column.sv, column.en)
                if name != column.header(language)
            ]
            instructions.append([column.header(language), str(column.help), " / ".join(others)])
        instructions.append([])
        instructions.append(
            [
                _(
                    "One row per service. Lists are separated by semicolons. New services become "
                    "drafts for review; importing the same sheet again changes nothing."
                )
            ]
        )
        for cell in instructions[1]:
            cell.font = Font(bold=True)
        codes = workbook.create_sheet(_("Codes"))
        codes.append([_("Column"), _("Code"), _("Name")])
        lists = [
            (Tier, "tier"),
            (Channel, "channels"),
            (TargetGroup, "target_groups"),
            (LifeSituation, "life_situations"),
            (Attribute, "attributes"),
            (Language, "languages"),
            (WellbeingServicesCounty, "area"),
            (ServiceClass, "service_classes"),
        ]
        headers = {column.key: column.header(language) for column in COLUMNS}
        for model, key in lists:
            for term in model.objects.order_by("pk"):
                codes.append([headers[key], term.pk, str(term.name)])
        for cell in codes[1]:
            cell.font = Font(bold=True)
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
