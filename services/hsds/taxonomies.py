"""Our code lists published as HSDS taxonomies and taxonomy terms.

Every taxonomy and term has a stable UUID derived from its key and code (``uuid5``), so the
same term has the same id in every database, API response and export. Besides the taxonomies
of DOMAIN.md (tiers, channels, target groups, life situations, low-threshold attributes,
languages) and the official Suomi.fi service classes, municipalities and wellbeing services
counties, two technical taxonomies carry what HSDS has no field for (see ``documents``):

Term codes are ``<taxonomy>:<code>`` (``tier:DIGITAL``, ``service_class:P3.1``), because HSDS
wants codes unique in the whole data set and some of ours repeat across taxonomies.

- ``translation``: terms ``<field>:<language>``; an attribute with such a term holds the text
  of that field in that language (HSDS documents are in one language).
- ``field``: terms named after our own fields (``prenatal``, ``seats``, ...); the attribute's
  ``value`` holds the value.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from services.models import (
    Attribute,
    Channel,
    ContactPoint,
    Language,
    LifeSituation,
    Method,
    Municipality,
    Organisation,
    ServiceClass,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)

if TYPE_CHECKING:
    from django.utils.functional import Promise

# Namespace of every derived id: never change it, or every published id changes.
HSDS_NAMESPACE = uuid.UUID("3d5f1b9e-2c47-4e8a-9f61-7a0b8c2d4e15")
LANGUAGES = ("fi", "sv", "en")
SERVICE_CLASS_URI = "http://uri.suomi.fi/codelist/ptv/ptvserclass2"

# Fields translated into fi/sv/en in our model (services/translation.py), across all models.
TRANSLATED_FIELDS = (
    "name",
    "description",
    "summary",
    "how_to_get",
    "eligibility",
    "cost_description",
    "street_address",
    "accessibility_notes",
    "label",
    "charge",
    "note",
    "title",
    "place",
)

# Our own fields that HSDS has no place for; the attribute's value holds the value.
FIELD_TERMS = {
    "source": "Where the record came from (MANUAL, PTV, HSDS, SPREADSHEET, EXAMPLE, GENERATED).",
    "external_id": "The record's identifier in its source.",
    "status": "Status of the listing: DRAFT, PENDING_REVIEW, PUBLISHED or ARCHIVED.",
    "verified_at": "When a person last confirmed the listing accurate (ISO 8601).",
    "prenatal": "The service is for expecting families (pregnancy and birth): true.",
    "is_nationwide": "The service area is the whole of Finland: true.",
    "capacity": "Families the service point can serve in a week.",
    "contact_value": "A contact point's address that is not a valid URL or e-mail address.",
    "order": "Position of the contact point among the service's contact points.",
    "starts_at": "Start of a group session (ISO 8601 with offset).",
    "ends_at": "End of a group session (ISO 8601 with offset).",
    "online_url": "Online link of a group session.",
    "registration_url": "Registration link of a group session.",
    "seats": "Seats in a group session.",
    "session_language": "Language of a group session (ISO 639 code).",
    "rating": "Rating of an evidence-based method in the Kasvun tuki method bank (1–5).",
    "rated_on": "Date of the method's rating (ISO 8601).",
    "timezone": "The time zone of a schedule's dates and times (IANA name): Europe/Helsinki. "
    "The schedule's timezone holds its UTC offset (for weekly schedules, on the day the "
    "document was made).",
    "closed": "A dated schedule on which the location or phone line is closed, replacing its "
    "weekly schedules on those days: true.",
}

ACCESSIBILITY_FEATURES = {
    "STEP_FREE": _("step-free access"),
    "STROLLER_ACCESS": _("room for prams"),
    "HEARING_LOOP": _("hearing loop"),
}


NAMESPACE_BYTES = HSDS_NAMESPACE.bytes


def derived_id(*parts: object) -> str:
    """A stable UUID (as text) for a record that has none of its own.

    ``str(uuid.uuid5(HSDS_NAMESPACE, "part:part"))``, computed without building UUID objects:
    the export makes one for every row.
    """
    name = ":".join(map(str, parts))
    digest = bytearray(hashlib.sha1(NAMESPACE_BYTES + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# The low bits of a keyed id hold a row number (primary key) of ours.
KEY_BITS = 40
KEY_MASK = (1 << KEY_BITS) - 1


def keyed_id(*parts: object, key: int) -> str:
    """A derived id that carries ``key`` (a primary key) in its last 40 bits.

    For records with no uuid of their own that the API must find by id (contact points and
    service_at_location links): the rest of the id is derived from ``parts`` (which include
    a uuid), so ids stay unique across databases, and ``id_key`` reads the key back.
    """
    base = int(derived_id(*parts).replace("-", ""), 16)
    text = f"{(base & ~KEY_MASK) | (key & KEY_MASK):032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def id_key(value: uuid.UUID) -> int:
    return value.int & KEY_MASK


@cache
def taxonomy_id(key: str) -> str:
    return derived_id("taxonomy", key)


@lru_cache(maxsize=16384)
def term_id(key: str, code: str) -> str:
    return derived_id("term", key, code)


def translated(obj: object, field: str, language: str) -> str:
    """``field`` in ``language``, falling back fi → sv → en like the rest of the site."""
    for candidate in (language, *(code for code in LANGUAGES if code != language)):
        value = getattr(obj, f"{field}_{candidate}", None)
        if value:
            return value
    return ""


@dataclass(frozen=True)
class TaxonomySpec:
    key: str
    name: str | Promise
    description: str | Promise
    model: type[models.Model] | None = None
    uri: str = ""


TAXONOMIES = (
    TaxonomySpec(
        "tier",
        Tier._meta.verbose_name_plural,
        _("Tiers of support: digital, universal individual, universal group, specialist."),
        Tier,
    ),
    TaxonomySpec(
        "channel",
        Channel._meta.verbose_name_plural,
        _("How a service is delivered: in person, home visit, phone, chat, online group …"),
        Channel,
    ),
    TaxonomySpec(
        "target_group",
        TargetGroup._meta.verbose_name_plural,
        _("Whom a service is for: parents, fathers, couples, stepfamilies …"),
        TargetGroup,
    ),
    TaxonomySpec(
        "life_situation",
        LifeSituation._meta.verbose_name_plural,
        _("Situations of family life a service helps with."),
        LifeSituation,
    ),
    TaxonomySpec(
        "low_threshold",
        Attribute._meta.verbose_name_plural,
        _("Free, no referral, anonymous, open 24/7, evenings and weekends."),
        Attribute,
    ),
    TaxonomySpec(
        "language",
        Language._meta.verbose_name_plural,
        _("Languages of service, by ISO 639 code."),
        Language,
    ),
    TaxonomySpec(
        "service_class",
        ServiceClass._meta.verbose_name_plural,
        _("Suomi.fi service classification (ptvserclass2)."),
        ServiceClass,
        SERVICE_CLASS_URI,
    ),
    TaxonomySpec(
        "method",
        Method._meta.verbose_name_plural,
        _("Evidence-based methods rated in the Kasvun tuki method bank."),
        Method,
    ),
    TaxonomySpec(
        "municipality",
        Municipality._meta.verbose_name_plural,
        _("Finnish municipalities by official municipality code."),
        Municipality,
    ),
    TaxonomySpec(
        "wellbeing_services_county",
        WellbeingServicesCounty._meta.verbose_name_plural,
        _("Wellbeing services counties by official code."),
        WellbeingServicesCounty,
    ),
    TaxonomySpec(
        "organisation_kind",
        _("kinds of provider"),
        _("Public sector, non-governmental organisation, parish or other."),
    ),
    TaxonomySpec(
        "contact_point_kind",
        _("kinds of contact point"),
        _("Phone, chat, video, web page or form, e-mail."),
    ),
    TaxonomySpec(
        "accessibility",
        _("accessibility features"),
        _("Step-free access, room for prams, hearing loop; the value is true or false."),
    ),
    TaxonomySpec(
        "translation",
        "translation",
        "Texts in Finnish, Swedish and English: the term <field>:<language> names the field "
        "and language, the attribute's value holds the text.",
    ),
    TaxonomySpec(
        "field",
        "field",
        "Fields of the Perhekeskus catalogue that HSDS has no place for; the attribute's value "
        "holds the value.",
    ),
)
TAXONOMY_BY_KEY = {spec.key: spec for spec in TAXONOMIES}


@dataclass(frozen=True)
class Term:
    key: str  # taxonomy key
    code: str
    names: dict[str, str]  # language -> name
    descriptions: dict[str, str]
    parent_code: str = ""
    uri: str = ""

    @property
    def id(self) -> str:
        return term_id(self.key, self.code)

    @property
    def hsds_code(self) -> str:
        """HSDS wants codes unique in the whole data set: ``<taxonomy>:<our code>``."""
        return f"{self.key}:{self.code}"

    def name(self, language: str) -> str:
        return pick(self.names, language) or self.code

    def language(self, language: str) -> str:
        """The language the name is given in (``language``, or the one it fell back to)."""
        for candidate in (language, *(code for code in LANGUAGES if code != language)):
            if self.names.get(candidate):
                return candidate
        return language

    def description(self, language: str) -> str:
        # HSDS requires a description; a term without one is described by its name.
        return pick(self.descriptions, language) or self.name(language)


def pick(texts: dict[str, str], language: str) -> str:
    for candidate in (language, *(code for code in LANGUAGES if code != language)):
        if texts.get(candidate):
            return texts[candidate]
    return ""


def texts_of(obj: object, field: str) -> dict[str, str]:
    return {language: getattr(obj, f"{field}_{language}", "") or "" for language in LANGUAGES}


def lazy_texts(text: str | Promise) -> dict[str, str]:
    texts = {}
    for language in LANGUAGES:
        with override(language):
            texts[language] = str(text)
    return texts


NAME_COLUMNS = ("name_fi", "name_sv", "name_en")
DESCRIPTION_COLUMNS = ("description_fi", "description_sv", "description_en")


def texts(values: tuple) -> dict[str, str]:
    return {language: value or "" for language, value in zip(LANGUAGES, values, strict=True)}


def model_terms(key: str, model: type[models.Model]) -> Iterator[Term]:
    """The terms of a taxonomy kept in a table: one query, no model instances."""
    if model is Method:
        rows = Method.objects.order_by("slug").values_list(
            "slug", *NAME_COLUMNS, *DESCRIPTION_COLUMNS, "source_url"
        )
        for slug, *columns, source_url in rows:
            yield Term(key, slug, texts(columns[:3]), texts(columns[3:]), uri=source_url)
        return
    if model is ServiceClass:
        rows = ServiceClass.objects.order_by("order", "code").values_list(
            "code", "parent_id", *NAME_COLUMNS, *DESCRIPTION_COLUMNS
        )
        for code, parent, *columns in rows:
            yield Term(
                key,
                code,
                texts(columns[:3]),
                texts(columns[3:]),
                parent_code=parent or "",
                uri=f"{SERVICE_CLASS_URI}/code/{code}",
            )
        return
    ordering = ["order", "code"] if hasattr(model, "order") else ["code"]
    for code, *names in model.objects.order_by(*ordering).values_list("code", *NAME_COLUMNS):
        yield Term(key, code, texts(names), {})


@cache
def static_terms(key: str) -> tuple[Term, ...]:
    """Terms defined in code (their labels translated once per process)."""
    return tuple(_static_terms(key))


def _static_terms(key: str) -> Iterator[Term]:
    if key == "organisation_kind":
        for value, label in Organisation.Kind.choices:
            yield Term(key, value, lazy_texts(label), {})
    elif key == "contact_point_kind":
        for value, label in ContactPoint.Kind.choices:
            yield Term(key, value, lazy_texts(label), {})
    elif key == "accessibility":
        for code, label in ACCESSIBILITY_FEATURES.items():
            yield Term(key, code, lazy_texts(label), {})
    elif key == "translation":
        language_names = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
        for field in TRANSLATED_FIELDS:
            for language in LANGUAGES:
                code = f"{field}:{language}"
                text = f"The {field.replace('_', ' ')} in {language_names[language]}."
                yield Term(key, code, {"en": code}, {"en": text})
    elif key == "field":
        for code, text in FIELD_TERMS.items():
            yield Term(key, code, {"en": code}, {"en": text})


class TermRegistry:
    """All taxonomy terms, read once (one query per taxonomy backed by a table)."""

    def __init__(self) -> None:
        self.terms: list[Term] = []
        for spec in TAXONOMIES:
            source = model_terms(spec.key, spec.model) if spec.model else static_terms(spec.key)
            self.terms.extend(source)
        self.by_id = {term.id: term for term in self.terms}

    def get(self, term_uuid: str) -> Term | None:
        return self.by_id.get(term_uuid)


def taxonomy_document(spec: TaxonomySpec, language: str) -> dict[str, str]:
    return dict(_taxonomy_document(spec.key, language))


@cache
def _taxonomy_document(key: str, language: str) -> dict[str, str]:
    spec = TAXONOMY_BY_KEY[key]
    with override(language):
        document = {
            "id": taxonomy_id(spec.key),
            "name": str(spec.name),
            "description": str(spec.description),
        }
    if spec.uri:
        document["uri"] = spec.uri
    return document


def term_document(term: Term, language: str, *, detail: bool = True) -> dict[str, object]:
    spec = TAXONOMY_BY_KEY[term.key]
    document: dict[str, object] = {
        "id": term.id,
        "code": term.hsds_code,
        "name": term.name(language),
        "description": term.description(language),
    }
    if term.parent_code:
        document["parent_id"] = term_id(term.key, term.parent_code)
    document["taxonomy"] = spec.key
    if detail:
        document["taxonomy_detail"] = dict(_taxonomy_document(spec.key, language))
    document["language"] = term.language(language)
    document["taxonomy_id"] = taxonomy_id(term.key)
    if term.uri:
        document["term_uri"] = term.uri
    return document
