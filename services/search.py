"""The public search: parse the query parameters, filter, match text, rank, page.

``parse_search`` turns query parameters into a ``SearchRequest`` and never raises: unknown
codes, bad numbers, overlong or binary input become translated messages. ``run_search`` answers
it from the in-memory index (``services.search_index``), then reads only the services of the
page from the database. ``filter_services`` applies the same filters to a queryset in SQL (the
REST API's filters use it); both give the same services.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import (
    Case,
    Exists,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from services import availability
from services.id_queries import ValuesByIds
from services.models import (
    EXAMPLE_SOURCES,
    ContactPoint,
    Location,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    SupportService,
)
from services.opening_hours import HELSINKI, intervals_on, is_open
from services.places import MAX_PLACE_LENGTH, Place, is_postal_code, resolve_place
from services.search_index import (
    COMPOUND_REST_MIN,
    COVERAGE_EPSILON,
    FACETS,
    LANGUAGES,
    Lookup,
    Snapshot,
    TextMatch,
    current_snapshot,
    match_rule,
    query_words,
)
from services.search_query import QueryPlan, plan_query
from services.templatetags.text_language import active_language, fallback_language

PER_PAGE = 20
# A service with no service point and no remote channel: its place counts this much.
UNLOCATED_FACTOR = 0.5
# A service reaching the family wherever it lives (by phone, online, home visits) ranks as
# local: like a service point about 3 km away (``place_factor``).
REMOTE_FACTOR = 0.9
# Remote services an empty result suggests.
SUGGESTED_SERVICES = 5
MAX_TEXT_LENGTH = 200
MAX_VALUES = 40  # codes per filter; there are at most 25 of any kind
MAX_SHOWN_CODE = 40  # characters of an unknown code repeated in a message
MAX_AGE = 17
SORTS = ("relevance", "distance")
TRUE_VALUES = {"1", "on", "true", "yes"}
FALSE_VALUES = {"", "0", "off", "false", "no"}
# Multi-valued code filters: query parameter -> (SearchRequest attribute, snapshot facet).
CODE_FILTERS = {
    "tier": ("tiers", "tier"),
    "channel": ("channels", "channel"),
    "target_group": ("target_groups", "target_group"),
    "life_situation": ("life_situations", "life_situation"),
    "language": ("languages", "language"),
}
FLAGS = ("free", "no_referral", "anonymous", "evenings")
# Flags that are no low-threshold attribute: "open now" (by the opening hours, at the moment of
# the search) and "my words only" (no lexicon, no spelling correction).
OPEN_NOW = "open_now"
EXACT = "exact"
SWITCHES = (OPEN_NOW, EXACT)
# Which low-threshold attributes each flag asks for (any of them).
FLAG_ATTRIBUTES = {
    "free": ("FREE",),
    "no_referral": ("NO_REFERRAL",),
    "anonymous": ("ANONYMOUS",),
    "evenings": ("EVENINGS_WEEKENDS", "OPEN_24_7"),
}
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def filter_names() -> dict[str, str]:
    """Each filter's name as the messages and the removal links say it."""
    return _filter_names(get_language())


@functools.cache
def _filter_names(language: str) -> dict[str, str]:
    return {
        "tier": _("tier"),
        "channel": _("channel"),
        "target_group": _("target group"),
        "life_situation": _("life situation"),
        "language": _("language"),
        "age": _("child's age"),
        "free": _("free of charge"),
        "no_referral": _("no referral needed"),
        "anonymous": _("anonymous"),
        "evenings": _("open evenings or weekends"),
        "open_now": _("open now"),
        "exact": _("my words only"),
    }


@dataclass
class SearchRequest:
    text: str = ""
    place_text: str = ""
    place: Place | None = None
    tiers: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    life_situations: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    age: int | None = None
    free: bool = False
    no_referral: bool = False
    anonymous: bool = False
    evenings: bool = False
    open_now: bool = False
    exact: bool = False
    sort: str = "relevance"
    page: int = 1
    messages: list[str] = field(default_factory=list)
    snapshot: Snapshot | None = field(default=None, repr=False, compare=False)
    plan: QueryPlan | None = field(default=None, repr=False, compare=False)
    now: dt.datetime | None = field(default=None, repr=False, compare=False)  # for "open now"

    def params(self, *, page: int | None = None, sort: str | None = None) -> list[tuple[str, str]]:
        """The request as canonical query parameters (for links that keep the search)."""
        return self.search_params() + self.order_params(page=page, sort=sort)

    def search_params(self) -> list[tuple[str, str]]:
        """What is searched for, as canonical query parameters: words, place and filters."""
        result: list[tuple[str, str]] = []
        if self.text:
            result.append(("q", self.text))
        if self.place:
            result.append(("place", self.place.param))
        for param, (attribute, _facet) in CODE_FILTERS.items():
            result += [(param, code) for code in getattr(self, attribute)]
        if self.age is not None:
            result.append(("age", str(self.age)))
        result += [(flag, "1") for flag in (*FLAGS, *SWITCHES) if getattr(self, flag)]
        return result

    def order_params(
        self, *, page: int | None = None, sort: str | None = None
    ) -> list[tuple[str, str]]:
        """The order and page, as canonical query parameters (the current ones, or these)."""
        result: list[tuple[str, str]] = []
        chosen_sort = sort or self.sort
        if chosen_sort != "relevance":
            result.append(("sort", chosen_sort))
        if (page or self.page) > 1:
            result.append(("page", str(page or self.page)))
        return result

    def active_filters(self) -> list[tuple[str, str]]:
        """(parameter, value) of every filter that narrows the results, place included."""
        skipped = ("q", "sort", "page", EXACT)
        return [(param, value) for param, value in self.params() if param not in skipped]

    def demand_filters(self) -> tuple[str, str, str, str]:
        """(tier, target group, life situation, other filters) as the demand signal keeps
        them: one code in its own column, several in ``other`` with the rest, canonically."""
        single = {}
        other: list[tuple[str, str]] = []
        for param, attribute in (
            ("tier", "tiers"),
            ("target_group", "target_groups"),
            ("life_situation", "life_situations"),
        ):
            codes = getattr(self, attribute)
            if len(codes) == 1:
                single[param] = codes[0]
            else:
                other += [(param, code) for code in sorted(codes)]
        other += [("channel", code) for code in sorted(self.channels)]
        other += [("language", code) for code in sorted(self.languages)]
        if self.age is not None:
            other.append(("age", str(self.age)))
        other += [(flag, "1") for flag in (*FLAGS, OPEN_NOW) if getattr(self, flag)]
        return (
            single.get("tier", ""),
            single.get("target_group", ""),
            single.get("life_situation", ""),
            "&".join(f"{param}={value}" for param, value in sorted(other)),
        )


# What a result card shows of a service, read as plain values (``CardService``).
HIT_FIELDS = [
    "pk",
    "source",
    *(f"{name}_{language}" for name in ("name", "summary") for language in LANGUAGES),
    "organisation_id",
    *(f"organisation__name_{language}" for language in LANGUAGES),
    "tier_id",
    *(f"tier__name_{language}" for language in LANGUAGES),
]


def _card_rows(ids: list[int]) -> QuerySet:
    # The call button's number, in the same query.
    first_phone = ContactPoint.objects.filter(
        service=OuterRef("pk"), kind=ContactPoint.Kind.PHONE
    ).order_by("order", "pk")
    return (
        SupportService.objects.published()
        .rewrite(False)
        .filter(pk__in=ids)
        .annotate(first_phone=Subquery(first_phone.values("value")[:1]))
        .values(*HIT_FIELDS, "first_phone")
    )


# The fields of the published services ``ids`` a result card shows.
card_rows = ValuesByIds(SupportService, _card_rows)
# The cards' services kept with each index (``Snapshot.per_service``), per language: a page of
# results reads only those it has not shown before. At most this many per language (about 4 KB
# each with their markup: 8 MB per language and web process).
CARDS_KEPT = 2000


def card_services(snapshot: Snapshot, ids: list[int], language: str) -> dict[int, CardService]:
    """The published services ``ids`` as result cards show them in ``language`` (without those
    no longer published)."""

    def make(missing: list[int]) -> dict[int, CardService]:
        return {row["pk"]: CardService(row, language) for row in card_rows(missing)}

    return snapshot.per_service(("cards", language), ids, make, limit=CARDS_KEPT)


def _in_language(texts: Mapping[str, str | None], active: str) -> str:
    """The text shown on a page in ``active``, falling back as the models' fields do."""
    language = fallback_language(texts.get, active)
    return (texts[language] or "") if language else ""


class Named:
    """A tier or organisation as a result card shows it: ``name`` and ``name_<language>``."""

    def __init__(self, pk: object, names: dict[str, str | None], active: str) -> None:
        self.pk = self.code = pk
        for language, text in names.items():
            setattr(self, f"name_{language}", text)
        self.name = _in_language(names, active)

    def __str__(self) -> str:
        return self.name


class CardService:
    """A published service as a result card shows it, from one row of plain values: a page
    of results builds no model instances. The texts fall back across languages as the
    model's fields do (``name``, ``summary`` in the page's language ``active``; ``name_fi`` …
    for the ``lang`` attribute)."""

    def __init__(self, row: dict[str, Any], active: str) -> None:
        self.pk = self.id = row["pk"]
        self.source = row["source"]
        names = {language: row[f"name_{language}"] for language in LANGUAGES}
        summaries = {language: row[f"summary_{language}"] for language in LANGUAGES}
        for language in LANGUAGES:
            setattr(self, f"name_{language}", names[language])
            setattr(self, f"summary_{language}", summaries[language])
        self.name = _in_language(names, active)
        self.summary = _in_language(summaries, active)
        self.organisation = Named(
            row["organisation_id"],
            {language: row[f"organisation__name_{language}"] for language in LANGUAGES},
            active,
        )
        self.tier = Named(
            row["tier_id"],
            {language: row[f"tier__name_{language}"] for language in LANGUAGES},
            active,
        )
        self.first_phone = row["first_phone"]
        # The card's markup that depends on the service alone, once made
        # (``services.cards.card_markup``).
        self.markup: Any = None

    @property
    def is_example(self) -> bool:
        return self.source in EXAMPLE_SOURCES

    def get_absolute_url(self) -> str:
        return reverse("services:service_detail", args=[self.pk])


@dataclass
class Hit:
    """One result. ``service`` comes with the fields a result card shows (``HIT_FIELDS``)
    and its tier and organisation; its channels and low-threshold attributes are given as
    labels in the active language (from the index, so that a page of results costs no
    queries for them)."""

    service: CardService
    distance_km: float | None = None
    remote_for: Municipality | None = None
    channels: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    phone: str = ""  # the first phone number, for a call button


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    request: SearchRequest
    place: Place | None
    found_local: bool = False
    suggestions: Suggestions | None = None  # when nothing was found

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def services(self) -> list[SupportService]:
        return [hit.service for hit in self.hits]


# Parsing.


def _values(params: Mapping[str, str | list[str]], key: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    if getlist is not None:
        values = getlist(key)
    else:
        raw = params.get(key)
        values = [] if raw is None else [raw] if isinstance(raw, str) else list(raw)
    return [str(value) for value in values]


def _first(params: Mapping[str, str | list[str]], key: str) -> str:
    values = _values(params, key)
    return values[0] if values else ""


def clean_text(text: str, limit: int) -> tuple[str, bool]:
    """Control characters (NUL included) out, whitespace collapsed, at most ``limit``
    characters. Returns (text, was_shortened)."""
    text = " ".join(_CONTROL_RE.sub(" ", text).split())
    if len(text) > limit:
        return text[:limit].rstrip(), True
    return text, False


def _shown(value: str) -> str:
    value, shortened = clean_text(value, MAX_SHOWN_CODE)
    return f"{value}…" if shortened else value


def parse_search(
    params: Mapping[str, str | list[str]], *, snapshot: Snapshot | None = None
) -> SearchRequest:
    """Read the search's query parameters. Never raises: what cannot be used is left out and
    explained in ``messages``. ``snapshot``: the index to check codes against (the current
    one by default)."""
    snapshot = snapshot or current_snapshot()
    request = SearchRequest(snapshot=snapshot, now=timezone.now())
    messages = request.messages
    names = filter_names()

    request.text, shortened = clean_text(_first(params, "q"), MAX_TEXT_LENGTH)
    if shortened:
        messages.append(
            _("The search words were shortened to %(count)d characters.")
            % {"count": MAX_TEXT_LENGTH}
        )
    if request.text and not query_words(request.text):
        messages.append(
            _("The search words are too short or too common to search by; all services are shown.")
        )

    place_text, _shortened = clean_text(_first(params, "place"), MAX_PLACE_LENGTH)
    request.place_text = place_text
    if place_text:
        request.place = resolve_place(place_text, gazetteer=snapshot.gazetteer)
        if request.place is None:
            if is_postal_code(place_text):
                messages.append(
                    _(
                        "Postal code %(code)s was not found. Check the number, or give the "
                        "name of your municipality instead."
                    )
                    % {"code": place_text[:5]}
                )
            else:
                messages.append(
                    _(
                        "No place called “%(place)s” was found. Enter a Finnish postal code (five "
                        "digits) or the name of a municipality in Finnish or Swedish."
                    )
                    % {"place": _shown(place_text)}
                )

    for param, (attribute, facet) in CODE_FILTERS.items():
        known = snapshot.codes[facet]
        chosen: list[str] = []
        for raw in _values(params, param)[:MAX_VALUES]:
            value, _shortened = clean_text(raw, 100)
            if not value:
                continue
            code = value.lower() if param == "language" else value.upper()
            if code in known:
                if code not in chosen:
                    chosen.append(code)
            else:
                messages.append(
                    _("The filter “%(code)s” (%(filter)s) is not known and was left out.")
                    % {"code": _shown(value), "filter": names[param]}
                )
        # Keep the taxonomy's order, so that equal searches look equal.
        setattr(request, attribute, tuple(code for code in known if code in chosen))

    age_text, _shortened = clean_text(_first(params, "age"), 20)
    if age_text:
        if age_text.isascii() and age_text.isdigit() and int(age_text) <= MAX_AGE:
            request.age = int(age_text)
        else:
            messages.append(
                _("The child's age is given in whole years from 0 to 17; the age was left out.")
            )

    for flag in (*FLAGS, *SWITCHES):
        value, _shortened = clean_text(_first(params, flag), 20)
        if value.lower() in TRUE_VALUES:
            setattr(request, flag, True)
        elif value.lower() not in FALSE_VALUES:
            messages.append(
                _("The filter “%(filter)s” takes no value “%(value)s”; it was left out.")
                % {"filter": names[flag], "value": _shown(value)}
            )

    sort, _shortened = clean_text(_first(params, "sort"), 20)
    if sort in SORTS:
        request.sort = sort
    elif sort:
        messages.append(_("Unknown sort order; the results are sorted by relevance."))
    if request.sort == "distance" and request.place is None:
        request.sort = "relevance"
        if not place_text:
            messages.append(
                _("Sorting by distance needs a place; the results are sorted by relevance.")
            )

    page_text, _shortened = clean_text(_first(params, "page"), 20)
    if page_text:
        if page_text.isascii() and page_text.isdigit() and 1 <= int(page_text) <= 10**6:
            request.page = int(page_text)
        else:
            messages.append(
                _("There is no page “%(page)s”; the first page is shown.")
                % {"page": _shown(page_text)}
            )
    if request.text and query_words(request.text):
        request.plan = plan_query(request.text, snapshot, exact=request.exact)
    return request


# Running a search in memory.


def filter_mask(snapshot: Snapshot, request: SearchRequest) -> np.ndarray:
    """Rows of the snapshot that pass every filter (text aside)."""
    n = len(snapshot)
    mask = np.ones(n, dtype=bool)
    if request.tiers:
        mask &= _any_of(snapshot, "tier", request.tiers)
    for attribute, facet in (
        ("channels", "channel"),
        ("life_situations", "life_situation"),
        ("languages", "language"),
    ):
        codes = getattr(request, attribute)
        if codes:
            mask &= _any_of(snapshot, facet, codes)
    if request.target_groups:
        mask &= _target_group_mask(snapshot, request.target_groups)
    for flag in FLAGS:
        if getattr(request, flag):
            mask &= _any_of(snapshot, "attribute", FLAG_ATTRIBUTES[flag])
    if request.age is not None:
        age = request.age
        mask &= (snapshot.min_age <= age) & ((snapshot.max_age < 0) | (snapshot.max_age >= age))
    if request.place is not None:
        mask &= snapshot.serving(request.place.municipality)
    if request.open_now:
        mask &= open_now_mask(snapshot, request.now or timezone.now())
    return mask


def _any_of(snapshot: Snapshot, facet: str, codes: Sequence[str]) -> np.ndarray:
    mask = np.zeros(len(snapshot), dtype=bool)
    mask[snapshot.code_rows(facet, codes)] = True
    return mask


def _target_group_mask(snapshot: Snapshot, codes: Sequence[str]) -> np.ndarray:
    listed, unlisted_counts = availability.listings_counting_for(codes)
    mask = _any_of(snapshot, "target_group", sorted(listed))
    if unlisted_counts:
        mask |= snapshot.unlisted("target_group")
    return mask


def place_factor(snapshot: Snapshot, rows: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """How much a result's place raises it, from 1 down: one with a service point counts
    ``1 / (1 + distance / reach of its tier)`` — about 0.96 a kilometre away, a half at the
    reach distance (25 km for universal services), a fifth at 100 km; one without any point a
    half. A service that reaches the family wherever it lives (``availability``: remote or
    home visits) counts as local: at least ``REMOTE_FACTOR``, as a service point about 3 km
    away would."""
    reach = np.array([availability.reach_km(code) for code in snapshot.codes["tier"]])
    factor = 1.0 / (1.0 + distances / reach[snapshot.tier[rows]])
    factor[np.isinf(distances)] = UNLOCATED_FACTOR
    everywhere = snapshot.everywhere[rows]
    factor[everywhere] = np.maximum(factor[everywhere], REMOTE_FACTOR)
    return factor


def open_now_mask(snapshot: Snapshot, now: dt.datetime) -> np.ndarray:
    """Rows open at ``now`` (Helsinki time): marked open 24/7, or one of the service's
    locations or contact points open by its hours and exceptions."""
    mask = _any_of(snapshot, "attribute", (ALWAYS_OPEN,))
    mask[snapshot.open_rows(now.astimezone(HELSINKI))] = True
    return mask


def run_search(request: SearchRequest, *, per_page: int = PER_PAGE) -> SearchResults:
    snapshot = request.snapshot or current_snapshot()
    mask = filter_mask(snapshot, request)
    match: TextMatch | None = None
    if request.plan is not None:
        match = snapshot.text_match(request.plan.slots)
        mask &= match.keep
    rows = np.flatnonzero(mask)
    total = len(rows)
    place = request.place
    distances = None
    if place is not None:
        distances = snapshot.nearest_km(rows, place.latitude, place.longitude)

    language = active_language()
    keys: list[np.ndarray] = [snapshot.name_rank[language][rows]]
    if request.sort == "distance" and distances is not None:
        keys += [distances, np.isinf(distances)]
    else:
        relevance = np.ones(total) if match is None else match.score[rows]
        if distances is not None:
            relevance = relevance * place_factor(snapshot, rows, distances)
        if match is not None:
            keys.append(snapshot.name_words[language][rows])
        keys.append(-np.round(relevance, 6))
        if match is not None:
            keys.append(-np.round(match.coverage[rows], 2))
    order = np.lexsort(keys) if total else np.empty(0, dtype=np.int64)

    pages = max(1, math.ceil(total / per_page))
    if request.page > pages:
        if total:
            request.messages.append(
                ngettext(
                    "There is only %(pages)d page of results; it is shown.",
                    "There are only %(pages)d pages of results; the last one is shown.",
                    pages,
                )
                % {"pages": pages}
            )
        request.page = pages
    start = (request.page - 1) * per_page
    page_positions = order[start : start + per_page]
    page_rows = rows[page_positions]
    service_ids = snapshot.ids[page_rows].tolist()
    services = card_services(snapshot, service_ids, language)
    hits = []
    channels = _labels(snapshot, "channel", page_rows, language)
    attributes = _labels(snapshot, "attribute", page_rows, language)
    for number, (position, row, service_id) in enumerate(
        zip(page_positions, page_rows, service_ids, strict=True)
    ):
        service = services.get(service_id)
        if service is None:  # changed since the index was read
            continue
        hit = Hit(
            service=service,
            channels=channels[number],
            attributes=attributes[number],
            phone=service.first_phone or "",
        )
        if distances is not None and not np.isinf(distances[position]):
            hit.distance_km = float(distances[position])
        if place is not None and snapshot.remote[row]:
            hit.remote_for = place.municipality
        hits.append(hit)

    found_local = False
    if place is not None and total:
        reach = np.array([availability.reach_km(code) for code in snapshot.codes["tier"]])
        within = distances <= reach[snapshot.tier[rows]]
        found_local = bool((snapshot.everywhere[rows] | within).any())
    return SearchResults(
        hits=hits,
        total=total,
        page=request.page,
        pages=pages,
        request=request,
        place=place,
        found_local=found_local,
        suggestions=None if total else suggest(snapshot, request, language),
    )


# What an empty result offers instead.


@dataclass
class FilterRemoval:
    param: str
    value: str
    count: int


@dataclass
class Suggestions:
    """For a search that found nothing: the life situations its words are about, remote
    services for them available where the family lives, and the filters that, left out,
    would find something (with how many)."""

    situations: list[str] = field(default_factory=list)
    remote: list[CardService] = field(default_factory=list)
    removals: list[FilterRemoval] = field(default_factory=list)


def suggest(snapshot: Snapshot, request: SearchRequest, language: str) -> Suggestions:
    suggestions = Suggestions()
    plan = request.plan
    situations: list[str] = list(plan.concepts.get("life_situation", [])) if plan else []
    if plan:
        for slot in plan.slots:
            if slot.lookup is not None:
                for code in snapshot.label_matches(slot.lookup.variants, slot.lookup.ends).get(
                    "life_situation", (set(), set())
                )[0]:
                    if code not in situations:
                        situations.append(code)
    suggestions.situations = situations

    # Remote services for those situations (else for the words), available where the family
    # lives, best match first.
    match = snapshot.text_match(plan.slots) if plan is not None else None
    base = SearchRequest(place=request.place, life_situations=tuple(situations), snapshot=snapshot)
    mask = filter_mask(snapshot, base) & snapshot.remote
    if not situations:
        mask &= match.keep if match is not None else False
    rows = np.flatnonzero(mask)
    keys = [snapshot.name_rank[language][rows]]
    if match is not None:
        keys.append(-np.round(match.score[rows], 6))
    rows = rows[np.lexsort(keys)][:SUGGESTED_SERVICES] if len(rows) else rows
    ids = snapshot.ids[rows].tolist()
    if ids:
        found = card_services(snapshot, ids, language)
        suggestions.remote = [found[pk] for pk in ids if pk in found]

    # Each filter that, removed, would give results.
    for param, value in request.active_filters():
        fewer = _without(request, param, value)
        mask = filter_mask(snapshot, fewer)
        if match is not None:
            mask &= match.keep
        count = int(mask.sum())
        if count:
            suggestions.removals.append(FilterRemoval(param, value, count))
    return suggestions


def _without(request: SearchRequest, param: str, value: str) -> SearchRequest:
    """The request with one filter (one value of a multi-valued one) left out."""
    fewer = dataclasses.replace(request, messages=[])
    if param == "place":
        fewer.place = None
    elif param in CODE_FILTERS:
        attribute = CODE_FILTERS[param][0]
        setattr(fewer, attribute, tuple(c for c in getattr(request, attribute) if c != value))
    elif param == "age":
        fewer.age = None
    else:
        setattr(fewer, param, False)
    return fewer


def _labels(snapshot: Snapshot, facet: str, rows: np.ndarray, language: str) -> list[list[str]]:
    """The labels of each of ``rows``' terms of ``facet``, in the taxonomy's order."""
    shown = snapshot.once(
        ("labels", facet, language),
        lambda: [snapshot.label(facet, code, language) for code in snapshot.codes[facet]],
    )
    labels: list[list[str]] = [[] for _row in rows]
    found, columns = np.nonzero(snapshot.facets[facet][rows])
    for position, column in zip(found.tolist(), columns.tolist(), strict=True):
        labels[position].append(shown[column])
    return labels


# The same filters in SQL, for querysets (the REST API).


def published_ids(request: SearchRequest) -> np.ndarray:
    """The ids, ascending, of the published services the request's filters and words find,
    read from the index: ``filter_services`` over the published services, without the
    database (tests/search/test_sql_filters.py pins the two together)."""
    snapshot = request.snapshot or current_snapshot()
    mask = filter_mask(snapshot, request)
    if request.text and request.plan is None and query_words(request.text):
        request.plan = plan_query(request.text, snapshot, exact=request.exact)
    if request.plan is not None:
        mask &= snapshot.text_match(request.plan.slots).keep
    return snapshot.ids[mask]


def filter_services(queryset: QuerySet, request: SearchRequest) -> QuerySet:
    """``queryset`` (of ``SupportService``) narrowed by the request's filters and words,
    exactly as the public search narrows the published services. No ordering is applied."""
    if request.tiers:
        queryset = queryset.filter(tier_id__in=request.tiers)
    for attribute, facet in (
        ("channels", "channel"),
        ("life_situations", "life_situation"),
        ("languages", "language"),
    ):
        codes = getattr(request, attribute)
        if codes:
            queryset = queryset.filter(_has_any(facet, codes))
    if request.target_groups:
        listed, unlisted_counts = availability.listings_counting_for(request.target_groups)
        condition = _has_any("target_group", sorted(listed))
        if unlisted_counts:
            _model, through, _column = FACETS["target_group"]
            condition |= ~Exists(through.objects.filter(supportservice_id=OuterRef("pk")))
        queryset = queryset.filter(condition)
    for flag in FLAGS:
        if getattr(request, flag):
            queryset = queryset.filter(_has_any("attribute", FLAG_ATTRIBUTES[flag]))
    if request.age is not None:
        queryset = queryset.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=request.age),
            Q(max_age__isnull=True) | Q(max_age__gte=request.age),
        )
    if request.place is not None:
        queryset = queryset.serving(request.place.municipality)
    if request.open_now:
        queryset = queryset.filter(_open_now_condition(request.now or timezone.now()))
    if request.text and request.plan is None and query_words(request.text):
        # A request made in code (the HSDS API's ``search``) is planned here, as parse_search
        # plans the page's.
        snapshot = request.snapshot or current_snapshot()
        request.plan = plan_query(request.text, snapshot, exact=request.exact)
    if request.plan is not None:
        if not request.plan.slots:
            return queryset.none()  # no word matches anything: nothing is found
        queryset = _text_filter(queryset, request)
    return queryset


def _text_filter(queryset: QuerySet, request: SearchRequest) -> QuerySet:
    """The in-memory rule (``Snapshot.text_match``) in SQL: each word's share matched per
    service, weighted as the coverage weighs it, at least the threshold. The words' readings, their
    rarities and the threshold come from the index; which services match each reading is
    decided here, by the database."""
    snapshot = request.snapshot or current_snapshot()
    plan = request.plan
    assert plan is not None
    match = snapshot.text_match(plan.slots)
    total = sum(match.weights)
    if total <= 0:
        return queryset.none()
    coverage: Any = Value(0.0, output_field=FloatField())
    for slot, word_weight, part_idf in zip(plan.slots, match.weights, match.part_idf, strict=True):
        if word_weight <= 0:
            continue
        whole = Q(pk__in=[])
        if slot.lookup is not None:
            whole |= _lookup_condition(snapshot, slot.lookup)
        for facet, codes in slot.concepts.items():
            whole |= _has_any(facet, sorted(codes))
        share: Any = Value(0.0, output_field=FloatField())
        parts_total = sum(part_idf)
        if slot.parts and parts_total > 0:
            for part, weight in zip(slot.parts, part_idf, strict=True):
                share = share + Case(
                    When(_lookup_condition(snapshot, part), then=Value(weight / parts_total)),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
        share = Case(When(whole, then=Value(1.0)), default=share, output_field=FloatField())
        coverage = coverage + share * Value(word_weight / total)
    return queryset.alias(text_coverage=coverage).filter(
        text_coverage__gt=0, text_coverage__gte=match.threshold - COVERAGE_EPSILON
    )


def _lookup_condition(snapshot: Snapshot, lookup: Lookup) -> Q:
    """One reading of a word: its variants by the length rules, its base forms as whole
    terms, and the classifications whose labels it names (*chat*, *isät*, *skilsmässa*)."""
    variants = snapshot.effective_variants(lookup.variants, lookup.ends)
    condition = _text_condition(variants, lookup.whole, lookup.ends)
    for facet, (full, partial) in snapshot.label_matches(variants, lookup.ends).items():
        codes = sorted(full | partial)
        condition |= Q(tier_id__in=codes) if facet == "tier" else _has_any(facet, codes)
    return condition


def _open_now_condition(now: dt.datetime) -> Q:
    """Services open at ``now`` in SQL, as ``open_now_mask`` reads the index."""
    local = now.astimezone(HELSINKI)
    day, moment = local.date(), local.time().replace(second=0, microsecond=0)
    closes_later = Q(closes__gt=moment) | Q(closes=dt.time(0, 0))
    condition = _has_any("attribute", [ALWAYS_OPEN])
    for owner in ("location", "contact_point"):
        today = OpeningHoursException.objects.filter(
            **{f"{owner}_id": OuterRef("pk")}, start_date__lte=day, end_date__gte=day
        )
        open_exception = today.filter(Q(opens__lte=moment) & closes_later)
        weekly = OpeningHours.objects.filter(
            Q(opens__lte=moment) & closes_later,
            **{f"{owner}_id": OuterRef("pk")},
            weekday=local.weekday(),
        )
        model = Location if owner == "location" else ContactPoint
        owners = model.objects.filter(service_id=OuterRef("pk")).filter(
            Exists(open_exception) | (~Exists(today) & Exists(weekly))
        )
        condition |= Exists(owners)
    return condition


def _has_any(facet: str, codes: Sequence[str]) -> Exists:
    _model, through, column = FACETS[facet]
    return Exists(
        through.objects.filter(supportservice_id=OuterRef("pk"), **{f"{column}__in": codes})
    )


def _text_condition(variants: Sequence[str], whole: Sequence[str] = (), ends: bool = False) -> Q:
    """One reading of a query word: any variant in any field, by the same rules as the
    in-memory index; base forms as whole terms."""
    condition = Q(pk__in=[])
    for variant in variants:
        rule = match_rule(variant, ends=ends)
        for column in ("name_terms", "summary_terms", "keyword_terms", "description_terms"):
            lookup = f"search_index__{column}"
            if rule == "end":
                condition |= Q(**{f"{lookup}__contains": f"{variant} "})
            elif rule == "infix":
                condition |= Q(**{f"{lookup}__contains": variant})
            elif rule == "prefix":
                # Both SQLite (Python's re) and PostgreSQL read this regular expression alike.
                rest = f"[^ ]{{{COMPOUND_REST_MIN},}}"
                condition |= Q(**{f"{lookup}__contains": f" {variant} "})
                condition |= Q(**{f"{lookup}__regex": f" {re.escape(variant)}{rest} "})
            else:
                condition |= Q(**{f"{lookup}__contains": f" {variant} "})
    for base in whole:
        for column in ("name_terms", "summary_terms", "keyword_terms", "description_terms"):
            condition |= Q(**{f"search_index__{column}__contains": f" {base} "})
    return condition


# What the home page and an empty result list offer besides search results.


REMOTE_CONTACT_KINDS = (ContactPoint.Kind.PHONE, ContactPoint.Kind.CHAT, ContactPoint.Kind.VIDEO)
ALWAYS_OPEN = "OPEN_24_7"


@dataclass
class OpenContact:
    contact: ContactPoint
    closes_at: dt.time | None = None  # None: open round the clock; 00:00 means midnight


@dataclass
class OpenNow:
    """A remote service someone can contact right now, and how."""

    service: SupportService
    contacts: list[OpenContact]
    always_open: bool


def remote_services_open_now(
    *, now: dt.datetime, limit: int = 12, snapshot: Snapshot | None = None
) -> list[OpenNow]:
    """Published nationwide services with a phone line, chat or video contact open at
    ``now`` (Helsinki time), by name (the page's language), at most ``limit``. A service
    marked open 24/7 is always open.

    The index names the candidates (nationwide, and open now by any of their locations and
    contact points, or marked 24/7: ``open_now_mask``) in name order; the database decides
    for them a batch at a time, until ``limit`` are found: a few queries per batch, and
    usually one batch, however many nationwide services the catalogue holds."""
    snapshot = snapshot or current_snapshot()
    rows = np.flatnonzero(snapshot.nationwide & open_now_mask(snapshot, now))
    rows = rows[np.argsort(snapshot.name_rank[active_language()][rows], kind="stable")]
    candidates = snapshot.ids[rows].tolist()
    result: list[OpenNow] = []
    batch = 2 * limit
    for start in range(0, len(candidates), batch):
        result += _open_now_among(candidates[start : start + batch], now)
        if len(result) >= limit:
            break
    result.sort(key=lambda item: ((item.service.name or "").casefold(), item.service.pk))
    return result[:limit]


def _open_now_among(service_ids: list[int], now: dt.datetime) -> list[OpenNow]:
    contacts = ContactPoint.objects.filter(kind__in=REMOTE_CONTACT_KINDS).prefetch_related(
        "opening_hours", "opening_hours_exceptions"
    )
    services = (
        SupportService.objects.published()
        .filter(pk__in=service_ids, is_nationwide=True)
        .remote()
        .filter(
            Exists(
                ContactPoint.objects.filter(service=OuterRef("pk"), kind__in=REMOTE_CONTACT_KINDS)
            )
        )
        .select_related("organisation", "tier")
        .prefetch_related(
            Prefetch("contact_points", queryset=contacts, to_attr="remote_contacts"),
            "attributes",
        )
    )
    local = now.astimezone(HELSINKI)
    result = []
    for service in services:
        always_open = any(attribute.code == ALWAYS_OPEN for attribute in service.attributes.all())
        open_contacts = []
        for contact in service.remote_contacts:
            if always_open:
                open_contacts.append(OpenContact(contact))
                continue
            hours = list(contact.opening_hours.all())
            exceptions = list(contact.opening_hours_exceptions.all())
            if is_open(now, hours, exceptions):
                current = next(
                    interval
                    for interval in intervals_on(local.date(), hours, exceptions)
                    if interval.contains(local.time())
                )
                open_contacts.append(OpenContact(contact, current.closes))
        if open_contacts:
            result.append(OpenNow(service, open_contacts, always_open))
    return result
