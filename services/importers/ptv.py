"""Suomi.fi Service Catalogue (Palvelutietovaranto, PTV) open API v11.

A file holds services, service channels and organisations, in any of the shapes the API
returns: one record; a list page (``{"pageNumber": ..., "itemList": [...]}``); a JSON array;
or an object of records keyed by their ids. An import may have several files (one per page);
services and their channels are matched across all of them.

What becomes what:

- A service: its ``id`` is the external id (source PTV). Names and descriptions in Finnish,
  Swedish and English (``Summary`` → summary, ``Description`` → description,
  ``UserInstruction`` → how to get it, ``requirements`` → who can get it,
  ``ChargeTypeAdditionalInfo`` → cost), with PTV's Draft.js and markdown markup reduced to
  plain text. ``areaType`` Nationwide → whole of Finland; otherwise the municipalities of its
  ``areas`` (former municipality codes are mapped to today's), a whole wellbeing services
  county becoming the county. ``serviceClasses`` → Suomi.fi service classes, ``languages`` →
  languages of service, ``serviceChargeType`` FreeOfCharge → the attribute "free".
- PTV has no tier: a new service gets "universal, individual" (or "digital" when all its
  channels in the import are remote) and status draft, for a coordinator to review. Target
  groups (``TARGET_GROUPS``) and life situations (``SERVICE_CLASS_LIFE_SITUATIONS``) are
  guessed only for a new service; later imports leave them, and the tier, as staff set them.
- The main responsible organisation (``roleType`` Responsible) is the provider, matched by its
  PTV id (or by business ID to an organisation entered by hand). An organisation record in the
  import gives its names, kind (``organizationType``), business ID (Y-tunnus, check digit
  verified), website, e-mail and phone.
- Channels: ServiceLocation → a location (visiting address, ETRS-TM35FIN coordinates
  converted to WGS84, accessibility sentences as notes, service hours as opening hours and
  exceptions) plus its phones, e-mails and web pages as contact points; Phone → phone contact
  points with their hours; EChannel → a chat (or video) link when its name or address says so,
  else a web link; WebPage → a web link and the service's website; PrintableForm is not used.
  Channels add their channel (in person, phone, chat, video) to the service's channels.
- PTV is the master of what it holds: when the import has a service and every channel it
  links to, locations from PTV and contact points that PTV no longer lists are removed.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from pyproj import Transformer

from services.importers.base import (
    ADD,
    LANGUAGES,
    ON_CREATE,
    SET,
    ContactData,
    ExceptionData,
    Hours,
    Importer,
    ImportFileError,
    LocationData,
    OrganisationData,
    ServiceData,
    Where,
    as_dict,
    as_list,
    as_text,
    clean_line,
    clean_text,
    has_text,
    organisation_kind,
    organisation_kind_is_parish,
    parse_date,
    parse_time,
    parse_uuid,
    shorten,
    shortened_note,
    translated,
    valid_business_id,
    valid_contact,
    valid_interval,
    valid_point,
    valid_url,
)
from services.importers.limits import check_records
from services.models import ContactPoint, Organisation, Source, SupportService
from services.models.catalogue import MIDNIGHT

# PTV target groups (koodisto ptvkohderyhmat) that name one of ours.
TARGET_GROUPS = {
    "KR1.2": "PARENTS",  # Lapset ja lapsiperheet / children and families with children
    "KR3": "PROFESSIONALS",  # Viranomaiset / authorities
}
# Families with children (KR1.2) that are also for people with a long-term illness (KR1.4) or
# a disability (KR1.6): families of a child with a disability or long-term illness.
DISABILITY_GROUPS = {"KR1.4", "KR1.6"}
SERVICE_CLASS_TARGET_GROUPS = {
    "P3.1": "COUPLES",  # Parisuhde
    "P3.2": "EXPECTING",  # Lapsen saaminen
    "P4.6": "FOSTER",  # Perhehoito
}
SERVICE_CLASS_LIFE_SITUATIONS = {
    "P3.1": "COUPLE_DIFFICULTIES",  # Parisuhde
    "P3.2": "PREGNANCY",  # Lapsen saaminen
    "P3.5": "SEPARATION",  # Perheasioiden sovittelu ja perheoikeus
}
ORGANISATION_KINDS = {
    "State": Organisation.Kind.PUBLIC,
    "Municipality": Organisation.Kind.PUBLIC,
    "RegionalOrganization": Organisation.Kind.PUBLIC,
    "Region": Organisation.Kind.PUBLIC,
    "SotePublic": Organisation.Kind.PUBLIC,
    "WellbeingServiceCounty": Organisation.Kind.PUBLIC,
    "Organization": Organisation.Kind.NGO,
    "Company": Organisation.Kind.OTHER,
    "SotePrivate": Organisation.Kind.OTHER,
}
DELETED = {"Deleted", "Archived", "Removed", "OldPublished"}
NATIONWIDE = {"Nationwide", "NationwideExceptAlandIslands", "WholeCountry"}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
CHAT_WORDS = re.compile(r"chat|chatt|\bchätti", re.IGNORECASE)
VIDEO_WORDS = re.compile(r"video|etävastaanot|etäyhteys|distansmottagning", re.IGNORECASE)
DEFAULT_TIER = "UNIVERSAL_INDIVIDUAL"
REMOTE_CHANNEL_TYPES = {"Phone", "EChannel", "WebPage"}


MARKUP = re.compile(r"[\[*_•\\]")
MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
MARKDOWN_BULLET = re.compile(r"^\s*[*•]\s+", re.MULTILINE)
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
SERVICE_CLASS_URI = re.compile(r"/code/(P[\d.]+)$")
POSTAL_CODE = re.compile(r"\d{5}")


@cache
def etrs_to_wgs84() -> Transformer:
    """ETRS-TM35FIN (EPSG:3067) metres to WGS84 degrees; building it takes a while."""
    return Transformer.from_crs("EPSG:3067", "EPSG:4326", always_xy=True)


def ptv_point(latitude: Any, longitude: Any) -> tuple[float, float] | None:
    """A WGS84 point from PTV's ``latitude``/``longitude``: ETRS-TM35FIN metres (northing,
    easting) as PTV gives them, or degrees; None when it is not in Finland."""
    try:
        north, east = float(str(latitude).strip()), float(str(longitude).strip())
    except (TypeError, ValueError, OverflowError):
        return None
    if 6_500_000 <= north <= 7_900_000 and 0 <= east <= 900_000:
        lon, lat = etrs_to_wgs84().transform(east, north)
        return valid_point(lat, lon)
    return valid_point(north, east)


def plain_text(value: Any) -> str:
    """PTV text as plain text: Draft.js JSON (newer descriptions) becomes lines, list items
    keep a dash, markdown emphasis and escapes are dropped, links keep their address."""
    text = clean_text(value)
    if text.startswith("{") and '"blocks"' in text:
        try:
            blocks = json.loads(text).get("blocks", [])
            lines = []
            for block in blocks if isinstance(blocks, list) else []:
                block = as_dict(block)
                line = clean_text(block.get("text"))
                kind = as_text(block.get("type"))
                if kind.endswith("list-item") and line:
                    line = f"- {line}"
                lines.append(line)
            text = clean_text("\n".join(lines))
        except (ValueError, AttributeError):
            pass
    if not MARKUP.search(text):
        return text
    text = MARKDOWN_LINK.sub(r"\1 (\2)", text)
    text = MARKDOWN_EMPHASIS.sub(r"\2", text)
    text = MARKDOWN_BULLET.sub("- ", text)
    text = MARKDOWN_ESCAPE.sub(r"\1", text)
    return text.strip()


def localised(items: Any, *, types: tuple[str, ...] | None = None, plain: bool = False) -> dict:
    """``[{"language": "fi", "value": ..., "type": ...}]`` as {"fi": ..., "sv": ..., "en": ...},
    the first of ``types`` that has text winning."""
    texts: dict[str, str] = {}
    candidates = [as_dict(item) for item in as_list(items)]
    for wanted in types or (None,):
        for item in candidates:
            if wanted is not None and as_text(item.get("type")) != wanted:
                continue
            language = as_text(item.get("language"))
            if language not in LANGUAGES or texts.get(language):
                continue
            value = plain_text(item.get("value")) if plain else clean_line(item.get("value"))
            if value:
                texts[language] = value
    return texts


def phone_number(item: dict[str, Any]) -> str:
    number = as_text(item.get("number"))
    prefix = as_text(item.get("prefixNumber"))
    if not number:
        return ""
    if prefix and item.get("isFinnishServiceNumber") is not True and not number.startswith("+"):
        number = f"{prefix} {number[1:] if number.startswith('0') else number}"
    return valid_contact(ContactPoint.Kind.PHONE, number)


@dataclass
class Channel:
    """What one PTV service channel gives the services it is linked to."""

    id: str
    type: str
    where: str
    services: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    locations: list[LocationData] = field(default_factory=list)
    contacts: list[ContactData] = field(default_factory=list)
    website: str = ""
    used: bool = False


@dataclass
class PtvService:
    data: ServiceData
    channel_ids: list[str]
    # Per linked channel: the connection's own service hours, which replace the channel's.
    connection_hours: dict[str, Any] = field(default_factory=dict)


class PtvImporter(Importer):
    source = Source.PTV

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ptv_services: dict[str, PtvService] = {}
        self.channels: dict[str, Channel] = {}
        self.today = timezone.localdate()
        self.free_labels = {
            f"charge_{language}": label for language, label in self.attribute_labels("FREE").items()
        }

    def attribute_labels(self, code: str) -> dict[str, str]:
        from services.models import Attribute

        attribute = Attribute.objects.filter(code=code).values(
            *(f"name_{language}" for language in LANGUAGES)
        )
        row = attribute.first() or {}
        return {language: row.get(f"name_{language}") or "" for language in LANGUAGES}

    # Reading.

    def read(self, file: Any, where: Where) -> None:
        content = file.read()
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ImportFileError(
                _("%(file)s is not UTF-8 text.") % {"file": where.file()}
            ) from None
        except (ValueError, RecursionError) as error:
            raise ImportFileError(
                _("%(file)s is not valid JSON: %(error)s") % {"file": where.file(), "error": error}
            ) from None
        items = self.items(data)
        if items is None:
            raise ImportFileError(
                _(
                    "%(file)s holds no PTV services, service channels or organisations "
                    "(a record, a list page with itemList, a list or an object of records)."
                )
                % {"file": where.file()}
            )
        check_records(len(items), where)
        for number, item in enumerate(items, start=1):
            self.report.records += 1
            self.read_item(item, where.record(number, as_text(as_dict(item).get("id"))))

    @staticmethod
    def record_type(item: dict[str, Any]) -> str | None:
        if "serviceChannelType" in item:
            return "channel"
        if "serviceNames" in item:
            return "service"
        if "organizationNames" in item or "organizationType" in item:
            return "organisation"
        return None

    def items(self, data: Any) -> list[Any] | None:
        if isinstance(data, list):
            return data
        if not isinstance(data, dict):
            return None
        if isinstance(data.get("itemList"), list):
            return data["itemList"]
        if self.record_type(data):
            return [data]
        values = list(data.values())
        if values and all(isinstance(value, dict) for value in values):
            return values
        return None

    def read_item(self, item: Any, where: str) -> None:
        if not isinstance(item, dict):
            self.report.reject(where, _("Not a PTV record (an object was expected)."))
            return
        kind = self.record_type(item)
        identifier = as_text(item.get("id"))
        if kind is None:
            self.report.reject(
                where, _("Not a PTV service, service channel or organisation record.")
            )
            return
        if parse_uuid(identifier) is None:
            self.report.reject(where, _("The record has no valid PTV id."))
            return
        identifier = str(parse_uuid(identifier))
        if as_text(item.get("publishingStatus")) in DELETED:
            self.report.reject(where, _("The record is marked deleted or archived in PTV."))
            return
        if kind == "service":
            self.read_service(item, identifier, where)
        elif kind == "channel":
            self.read_channel(item, identifier, where)
        else:
            self.read_organisation(item, identifier, where)

    def read_service(self, item: dict[str, Any], identifier: str, where: str) -> None:
        if identifier in self.ptv_services:
            self.report.reject(
                where,
                _("The same service is already in the import (%(where)s); this copy was skipped.")
                % {"where": self.ptv_services[identifier].data.where},
            )
            return
        names = localised(item.get("serviceNames"), types=("Name", "AlternativeName", None))
        if not has_text(names):
            self.report.reject(where, _("The service has no name in Finnish, Swedish or English."))
            return
        descriptions = item.get("serviceDescriptions")
        summary = localised(descriptions, types=("Summary", "ShortDescription"), plain=True)
        description = localised(descriptions, types=("Description",), plain=True)
        for language, text in list(summary.items()):
            if len(text) > 150:
                summary[language] = shorten(text, 150)
                description.setdefault(language, text)
                self.report.warn(where, shortened_note("summary", language, 150))
        for language, text in list(names.items()):
            if len(text) > 200:
                names[language] = shorten(text, 200)
        cost = localised(descriptions, types=("ChargeTypeAdditionalInfo",), plain=True)
        for language, text in list(cost.items()):
            if len(text) > 300:
                cost[language] = shorten(text, 300)
                self.report.warn(where, shortened_note("cost_description", language, 300))
        fields = {
            **translated("name", names),
            **translated("summary", summary),
            **translated("description", description),
            **translated(
                "how_to_get",
                localised(
                    descriptions, types=("UserInstruction", "ServiceUserInstruction"), plain=True
                ),
            ),
            **translated("eligibility", localised(item.get("requirements"), plain=True)),
            **translated("cost_description", cost),
        }
        data = ServiceData(
            source=self.source,
            external_id=identifier,
            where=where,
            organisation=None,
            fields=fields,
            initial={"tier_id": DEFAULT_TIER},
        )
        self.read_area(item, data)
        service_classes = self.read_service_classes(item, where)
        data.relate("service_classes", SET, service_classes)
        data.relate("languages", SET, self.read_languages(item.get("languages"), where))
        if as_text(item.get("serviceChargeType")) in {"FreeOfCharge", "Free"}:
            data.relate("attributes", ADD, {"FREE"})
        target_groups = self.read_target_groups(item, service_classes)
        if target_groups:
            data.relate("target_groups", ON_CREATE, target_groups)
        life_situations = {
            SERVICE_CLASS_LIFE_SITUATIONS[code]
            for code in service_classes
            if code in SERVICE_CLASS_LIFE_SITUATIONS
        }
        if life_situations:
            data.relate("life_situations", ON_CREATE, life_situations)
        data.organisation = self.read_service_organisation(item, where)
        if data.organisation is None:
            self.report.reject(where, _("The service names no responsible organisation."))
            return
        channel_ids = []
        connection_hours = {}
        for link in as_list(item.get("serviceChannels")):
            link = as_dict(link)
            channel_id = parse_uuid(as_text(as_dict(link.get("serviceChannel")).get("id")))
            if channel_id is None:
                continue
            channel_ids.append(str(channel_id))
            if as_list(link.get("serviceHours")):
                connection_hours[str(channel_id)] = link.get("serviceHours")
        self.ptv_services[identifier] = PtvService(data, channel_ids, connection_hours)

    def read_area(self, item: dict[str, Any], data: ServiceData) -> None:
        area_type = as_text(item.get("areaType"))
        municipalities: set[str] = set()
        unknown: set[str] = set()
        for area in as_list(item.get("areas")):
            area = as_dict(area)
            for municipality in as_list(area.get("municipalities")):
                code = as_text(as_dict(municipality).get("code"))
                found = self.reference.municipality(code) if code else None
                if found:
                    municipalities.add(found)
                elif code:
                    unknown.add(code)
            if as_text(area.get("type")) == "Municipality" and as_text(area.get("code")):
                code = as_text(area.get("code"))
                found = self.reference.municipality(code)
                if found:
                    municipalities.add(found)
                else:
                    unknown.add(code)
        for code in as_list(item.get("municipalities")):
            found = self.reference.municipality(as_text(as_dict(code).get("code")))
            if found:
                municipalities.add(found)
        if unknown:
            self.report.warn(
                data.where,
                _("Unknown municipality codes in the area served were left out: %(codes)s")
                % {"codes": ", ".join(sorted(unknown)[:20])},
            )
        nationwide = area_type in NATIONWIDE
        if nationwide:
            counties, municipalities = set(), set()
        else:
            counties, municipalities = self.reference.whole_counties(municipalities)
            if not counties and not municipalities:
                self.report.warn(
                    data.where,
                    _("No area served is given; the service reaches no one until it is set."),
                )
        data.fields["is_nationwide"] = nationwide
        data.relate("area_counties", SET, counties)
        data.relate("area_municipalities", SET, municipalities)

    def read_service_classes(self, item: dict[str, Any], where: str) -> set[str]:
        codes = set()
        unknown = set()
        for service_class in as_list(item.get("serviceClasses")):
            service_class = as_dict(service_class)
            code = as_text(service_class.get("code"))
            if not code:
                for uri in (service_class.get("uri"), service_class.get("newUri")):
                    match = SERVICE_CLASS_URI.search(as_text(uri))
                    if match:
                        code = match.group(1)
                        break
            found = self.reference.term("service_classes", code) if code else None
            if found:
                codes.add(found)
            elif code:
                unknown.add(code)
        if unknown:
            self.report.warn(
                where,
                _("Unknown service classes were left out: %(codes)s")
                % {"codes": ", ".join(sorted(unknown)[:20])},
            )
        return codes

    def read_languages(self, value: Any, where: str) -> set[str]:
        codes = set()
        for language in as_list(value):
            code = self.reference.term("languages", as_text(language))
            if code:
                codes.add(code)
            elif as_text(language):
                self.report.warn(
                    where,
                    _("The language %(code)s is not among the catalogue's languages.")
                    % {"code": as_text(language)[:20]},
                )
        return codes

    def read_target_groups(self, item: dict[str, Any], service_classes: set[str]) -> set[str]:
        codes = {as_text(as_dict(group).get("code")) for group in as_list(item.get("targetGroups"))}
        groups = {TARGET_GROUPS[code] for code in codes if code in TARGET_GROUPS}
        if "KR1.2" in codes and codes & DISABILITY_GROUPS:
            groups.add("DISABLED_CHILD")
        groups |= {
            SERVICE_CLASS_TARGET_GROUPS[code]
            for code in service_classes
            if code in SERVICE_CLASS_TARGET_GROUPS
        }
        return groups

    def read_service_organisation(self, item: dict[str, Any], where: str) -> tuple[str, str] | None:
        links = [as_dict(link) for link in as_list(item.get("organizations"))]
        ordered = [link for link in links if as_text(link.get("roleType")) == "Responsible"]
        ordered += [link for link in links if link not in ordered]
        main = as_dict(item.get("mainOrganization"))
        candidates = [main] if main else []
        candidates += [as_dict(link.get("organization")) for link in ordered]
        for organisation in candidates:
            identifier = parse_uuid(as_text(organisation.get("id")))
            if identifier is None:
                continue
            key = (self.source, str(identifier))
            if key not in self.organisations:
                name = clean_line(organisation.get("name"), max_length=200)
                if not name:
                    continue
                kind = organisation_kind(name, as_text(item.get("fundingType")))
                self.organisations[key] = OrganisationData(
                    source=self.source,
                    external_id=str(identifier),
                    where=where,
                    fields={},
                    initial={**translated("name", {"fi": name}), "kind": kind},
                )
            return key
        return None

    def read_organisation(self, item: dict[str, Any], identifier: str, where: str) -> None:
        names = localised(item.get("organizationNames"), types=("Name", "AlternativeName", None))
        if not has_text(names):
            self.report.reject(
                where, _("The organisation has no name in Finnish, Swedish or English.")
            )
            return
        names = {language: shorten(text, 200) for language, text in names.items()}
        kind = ORGANISATION_KINDS.get(as_text(item.get("organizationType")))
        if kind is None or organisation_kind_is_parish(" ".join(names.values())):
            kind = organisation_kind(" ".join(names.values()), "")
        business_code = as_text(item.get("businessCode"))
        business_id = valid_business_id(business_code)
        if business_code and not business_id:
            self.report.warn(
                where,
                _("The business ID %(id)s is not valid (check digit); it was left out.")
                % {"id": business_code[:20]},
            )
        website = next(
            (
                url
                for page in as_list(item.get("webPages"))
                if (url := valid_url(as_text(as_dict(page).get("url"))))
            ),
            "",
        )
        email = next(
            (
                value
                for entry in as_list(item.get("emails"))
                if (value := valid_contact("EMAIL", as_text(as_dict(entry).get("value"))))
            ),
            "",
        )
        phone = next(
            (
                number
                for entry in as_list(item.get("phoneNumbers"))
                if (number := phone_number(as_dict(entry)))
            ),
            "",
        )
        fields = {
            **translated("name", names),
            **translated(
                "description",
                localised(
                    item.get("organizationDescriptions"),
                    types=("Description", "Summary"),
                    plain=True,
                ),
            ),
            "kind": kind,
            "website": website,
            "email": email,
            "phone": phone,
        }
        parent = parse_uuid(as_text(item.get("parentOrganizationId")))
        key = (self.source, identifier)
        previous = self.organisations.get(key)
        if previous is not None and previous.fields:
            self.report.reject(
                where,
                _(
                    "The same organisation is already in the import (%(where)s); this copy was "
                    "skipped."
                )
                % {"where": previous.where},
            )
            return
        self.organisations[key] = OrganisationData(
            source=self.source,
            external_id=identifier,
            where=where,
            fields=fields,
            business_id=business_id,
            parent=(self.source, str(parent)) if parent and str(parent) != identifier else None,
        )

    # Channels.

    def read_channel(self, item: dict[str, Any], identifier: str, where: str) -> None:
        if identifier in self.channels:
            self.report.reject(
                where,
                _("The same channel is already in the import (%(where)s); this copy was skipped.")
                % {"where": self.channels[identifier].where},
            )
            return
        kind = as_text(item.get("serviceChannelType"))
        channel = Channel(id=identifier, type=kind, where=where)
        for link in as_list(item.get("services")):
            service_id = parse_uuid(as_text(as_dict(as_dict(link).get("service")).get("id")))
            if service_id:
                channel.services.add(str(service_id))
        names = localised(item.get("serviceChannelNames"), types=("Name", "AlternativeName", None))
        hours, exceptions, always_open = self.read_hours(item.get("serviceHours"), where)
        if kind == "ServiceLocation":
            channel.channels.add("IN_PERSON")
            channel.locations = self.read_addresses(item, identifier, names, where)
            for location in channel.locations:
                location.hours, location.exceptions = hours, exceptions
            channel.contacts = self.read_channel_contacts(item, names, [], [], where)
        elif kind == "Phone":
            channel.channels.add("PHONE")
            channel.contacts = self.read_channel_contacts(item, names, hours, exceptions, where)
            channel.contacts = [c for c in channel.contacts if c.kind == ContactPoint.Kind.PHONE]
        elif kind == "EChannel":
            channel.contacts = self.read_echannel(item, names, hours, exceptions, channel)
        elif kind == "WebPage":
            channel.contacts = self.read_web_pages(item, names)
            channel.website = channel.contacts[0].value if channel.contacts else ""
        elif kind == "PrintableForm":
            self.report.warn(where, _("Printable forms are not imported."))
            return
        else:
            self.report.reject(
                where, _("Unknown service channel type %(type)s.") % {"type": kind[:40]}
            )
            return
        if always_open:
            channel.channels.add("OPEN_24_7")
        self.channels[identifier] = channel

    def read_addresses(
        self, item: dict[str, Any], identifier: str, names: dict[str, str], where: str
    ) -> list[LocationData]:
        locations = []
        for address in as_list(item.get("addresses")):
            address = as_dict(address)
            if as_text(address.get("type")) not in {"Location", "Visiting", ""}:
                continue
            street = as_dict(address.get("streetAddress"))
            if not street:
                continue
            number = as_text(street.get("streetNumber"))
            streets = {
                language: clean_line(f"{text} {number}", max_length=200)
                for language, text in localised(street.get("street")).items()
            }
            if not has_text(streets):
                self.report.warn(where, _("An address without a street was left out."))
                continue
            postal_code = as_text(street.get("postalCode"))
            municipality = self.reference.municipality(
                as_text(as_dict(street.get("municipality")).get("code"))
            ) or self.reference.postal_codes.get(postal_code)
            if not POSTAL_CODE.fullmatch(postal_code) or municipality is None:
                self.report.warn(
                    where,
                    _(
                        "The address %(address)s has no valid Finnish postal code or "
                        "municipality; it was left out."
                    )
                    % {"address": next(iter(streets.values()))},
                )
                continue
            point = ptv_point(street.get("latitude"), street.get("longitude"))
            if point is None:
                for entrance in as_list(address.get("entrances")):
                    coordinates = as_dict(as_dict(entrance).get("coordinates"))
                    point = ptv_point(coordinates.get("latitude"), coordinates.get("longitude"))
                    if point:
                        break
            if point is None and (street.get("latitude") or street.get("longitude")):
                self.report.warn(
                    where,
                    _("The coordinates of %(address)s are not in Finland; they were left out.")
                    % {"address": next(iter(streets.values()))},
                )
            external_id = identifier if not locations else f"{identifier}/{len(locations) + 1}"
            locations.append(
                LocationData(
                    external_id=external_id,
                    fields={
                        **translated("name", {k: shorten(v, 200) for k, v in names.items()}),
                        **translated("street_address", streets),
                        **translated("accessibility_notes", self.read_accessibility(address)),
                        "postal_code": postal_code,
                        "municipality_id": municipality,
                        "latitude": point[0] if point else None,
                        "longitude": point[1] if point else None,
                    },
                )
            )
        return locations

    @staticmethod
    def read_accessibility(address: dict[str, Any]) -> dict[str, str]:
        """The accessibility sentences of the entrances, one paragraph per group."""
        paragraphs: dict[str, list[str]] = defaultdict(list)
        for entrance in as_list(address.get("entrances")):
            for group in as_list(as_dict(entrance).get("accessibilitySentences")):
                group = as_dict(group)
                titles = localised(group.get("sentenceGroup"))
                sentences: dict[str, list[str]] = defaultdict(list)
                for sentence in as_list(group.get("sentences")):
                    for language, text in localised(as_dict(sentence).get("sentence")).items():
                        sentences[language].append(text)
                for language, texts in sentences.items():
                    title = titles.get(language)
                    body = " ".join(texts)
                    paragraphs[language].append(f"{title}: {body}" if title else body)
        return {language: clean_text("\n\n".join(texts)) for language, texts in paragraphs.items()}

    def read_channel_contacts(
        self,
        item: dict[str, Any],
        names: dict[str, str],
        hours: list[Hours],
        exceptions: list[ExceptionData],
        where: str,
    ) -> list[ContactData]:
        contacts: dict[tuple[str, str], ContactData] = {}
        for entry in as_list(item.get("phoneNumbers")):
            entry = as_dict(entry)
            if as_text(entry.get("type")) == "Fax":
                continue
            number = phone_number(entry)
            if not number:
                if as_text(entry.get("number")):
                    self.report.warn(
                        where,
                        _("The phone number %(number)s is not valid; it was left out.")
                        % {"number": as_text(entry.get("number"))[:40]},
                    )
                continue
            contact = contacts.setdefault(
                ("PHONE", number),
                ContactData(ContactPoint.Kind.PHONE, number, {}, hours, exceptions),
            )
            language = as_text(entry.get("language"))
            language = language if language in LANGUAGES else "fi"
            label = clean_line(entry.get("additionalInformation"), max_length=200)
            if label:
                contact.fields.setdefault(f"label_{language}", label)
            charge = clean_line(entry.get("chargeDescription"), max_length=200)
            if as_text(entry.get("serviceChargeType")) in {"FreeOfCharge", "Free"}:
                for name, text in self.free_labels.items():
                    contact.fields.setdefault(name, text)
            elif charge:
                contact.fields.setdefault(f"charge_{language}", charge)
        for entry in as_list(item.get("emails")) + as_list(item.get("supportEmails")):
            email = valid_contact("EMAIL", as_text(as_dict(entry).get("value")))
            if email:
                contacts.setdefault(
                    ("EMAIL", email), ContactData(ContactPoint.Kind.EMAIL, email, {})
                )
        for contact in self.read_web_pages(item, names):
            contacts.setdefault(contact.key(), contact)
        for contact in contacts.values():
            contact.fields = {
                **translated(
                    "label", {k[6:]: v for k, v in contact.fields.items() if k.startswith("label_")}
                ),
                **translated(
                    "charge",
                    {k[7:]: v for k, v in contact.fields.items() if k.startswith("charge_")},
                ),
            }
        return list(contacts.values())

    def read_web_pages(self, item: dict[str, Any], names: dict[str, str]) -> list[ContactData]:
        pages: dict[str, dict[str, str]] = {}
        for page in as_list(item.get("webPages")) + as_list(item.get("urls")):
            page = as_dict(page)
            url = valid_url(as_text(page.get("url")) or as_text(page.get("value")))
            if not url:
                continue
            labels = pages.setdefault(url, {})
            language = as_text(page.get("language"))
            label = clean_line(page.get("value"), max_length=200)
            if language in LANGUAGES and label and label != url:
                labels.setdefault(language, label)
        return [
            ContactData(ContactPoint.Kind.WEB, url, translated("label", labels or names))
            for url, labels in pages.items()
        ]

    def read_echannel(
        self,
        item: dict[str, Any],
        names: dict[str, str],
        hours: list[Hours],
        exceptions: list[ExceptionData],
        channel: Channel,
    ) -> list[ContactData]:
        words = " ".join(
            [*names.values(), *localised(item.get("serviceChannelDescriptions")).values()]
        )
        contacts = self.read_web_pages(item, names)
        kind = ContactPoint.Kind.WEB
        if CHAT_WORDS.search(words) or any(CHAT_WORDS.search(c.value) for c in contacts):
            kind = ContactPoint.Kind.CHAT
            channel.channels.add("CHAT")
        elif VIDEO_WORDS.search(words):
            kind = ContactPoint.Kind.VIDEO
            channel.channels.add("VIDEO")
        for contact in contacts:
            contact.kind = kind
            contact.fields = translated("label", names) if has_text(names) else contact.fields
            contact.hours, contact.exceptions = hours, exceptions
        return contacts

    def read_hours(self, items: Any, where: str) -> tuple[list[Hours], list[ExceptionData], bool]:
        """Weekly hours valid today, exceptions that have not ended, and whether open 24/7."""
        hours: set[Hours] = set()
        exceptions: list[ExceptionData] = []
        always_open = False
        for item in as_list(items):
            item = as_dict(item)
            kind = as_text(item.get("serviceHourType"))
            valid_from = parse_date(item.get("validFrom"))
            valid_to = parse_date(item.get("validTo"))
            if kind in {"Exceptional", "Exception"}:
                exception = self.read_exception(item, valid_from, valid_to)
                if exception:
                    exceptions.append(exception)
                continue
            if (valid_to and valid_to < self.today) or (valid_from and valid_from > self.today):
                continue
            if item.get("isClosed") is True:
                continue
            if item.get("isAlwaysOpen") is True:
                always_open = True
                hours |= {(day, MIDNIGHT, MIDNIGHT) for day in range(7)}
                continue
            for opening in as_list(item.get("openingHour")):
                opening = as_dict(opening)
                first = WEEKDAYS.get(as_text(opening.get("dayFrom")).lower())
                last = WEEKDAYS.get(as_text(opening.get("dayTo")).lower(), first)
                opens, closes = parse_time(opening.get("from")), parse_time(opening.get("to"))
                if first is None or last is None or opens is None or closes is None:
                    self.report.warn(where, _("Unreadable opening hours were left out."))
                    continue
                days = [(first + n) % 7 for n in range((last - first) % 7 + 1)]
                for day in days:
                    if valid_interval(opens, closes):
                        hours.add((day, opens, closes))
                    elif closes < opens:  # over midnight
                        hours.add((day, opens, MIDNIGHT))
                        if closes != MIDNIGHT:
                            hours.add(((day + 1) % 7, MIDNIGHT, closes))
        return sorted(hours), exceptions, always_open

    def read_exception(self, item: dict[str, Any], start: Any, end: Any) -> ExceptionData | None:
        if start is None:
            return None
        end = end if end and end >= start else start
        if end < self.today:
            return None
        note = {
            f"note_{language}": shorten(text, 200)
            for language, text in localised(item.get("additionalInformation")).items()
        }
        openings = [as_dict(opening) for opening in as_list(item.get("openingHour"))]
        if item.get("isClosed") is True or not openings:
            return ExceptionData(start, end, None, None, note)
        opens, closes = parse_time(openings[0].get("from")), parse_time(openings[0].get("to"))
        if not valid_interval(opens, closes):
            return None
        return ExceptionData(start, end, opens, closes, note)

    # Putting services and channels together.

    def records(self) -> tuple[list[OrganisationData], list[ServiceData]]:
        services = self.attach_channels()
        for channel in self.channels.values():
            if not channel.used:
                self.report.reject(
                    channel.where,
                    _(
                        "None of the services of this channel is in the import or in the "
                        "catalogue; it was not imported."
                    ),
                )
        organisations = [
            organisation
            for organisation in self.organisations.values()
            if organisation.fields or any(s.organisation == organisation.key for s in services)
        ]
        return organisations, services

    def attach_channels(self) -> list[ServiceData]:
        linked: dict[str, list[str]] = defaultdict(list)
        for service_id, service in self.ptv_services.items():
            for channel_id in service.channel_ids:
                if channel_id in self.channels:
                    linked[service_id].append(channel_id)
        for channel in self.channels.values():
            for service_id in sorted(channel.services):
                if channel.id not in linked[service_id]:
                    linked[service_id].append(channel.id)
        stored = self.stored_services(
            [service_id for service_id in linked if service_id not in self.ptv_services]
        )
        services = []
        for service_id, service in self.ptv_services.items():
            complete = all(channel_id in self.channels for channel_id in service.channel_ids)
            self.apply_channels(service.data, linked.get(service_id, []), service, complete)
            services.append(service.data)
        for service_id, channel_ids in linked.items():
            if service_id in self.ptv_services or service_id not in stored or not channel_ids:
                continue
            data = ServiceData(
                source=self.source,
                external_id=service_id,
                where=self.channels[channel_ids[0]].where,
                organisation=None,
                fields={},
            )
            self.apply_channels(data, channel_ids, None, complete=False)
            services.append(data)
        return services

    def stored_services(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            found.update(
                SupportService.objects.filter(
                    source=self.source, external_id__in=ids[start : start + 500]
                ).values_list("external_id", flat=True)
            )
        return found

    def apply_channels(
        self,
        data: ServiceData,
        channel_ids: list[str],
        service: PtvService | None,
        complete: bool,
    ) -> None:
        channels = [self.channels[channel_id] for channel_id in channel_ids]
        if not channels and not complete:
            return
        locations: list[LocationData] = []
        contacts: list[ContactData] = []
        codes: set[str] = set()
        for channel in channels:
            channel.used = True
            override = service.connection_hours.get(channel.id) if service else None
            hours = self.read_hours(override, channel.where) if override else None
            for location in channel.locations:
                if hours:
                    location = LocationData(
                        location.external_id, location.fields, hours[0], hours[1], location.uuid
                    )
                locations.append(location)
            for contact in channel.contacts:
                if hours and contact.kind != ContactPoint.Kind.WEB:
                    contact = ContactData(
                        contact.kind, contact.value, contact.fields, hours[0], hours[1]
                    )
                contacts.append(contact)
            codes |= channel.channels
            if channel.website and "website" not in data.fields:
                data.fields["website"] = channel.website
        attributes = {"OPEN_24_7"} & codes
        if attributes:
            mode, keys = data.relations.get("attributes", (ADD, set()))
            data.relate("attributes", mode, keys | attributes)
        codes -= {"OPEN_24_7"}
        data.relate("channels", ADD, codes)
        if channels and all(channel.type in REMOTE_CHANNEL_TYPES for channel in channels):
            data.initial["tier_id"] = "DIGITAL"
        data.locations = locations
        data.contacts = contacts
        data.prune_locations = data.prune_contacts = complete
