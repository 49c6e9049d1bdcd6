"""The home page and the search page.

Both are plain GET pages that set no cookie. For visitors who send no cookie at all each web
process keeps the rendered pages in memory (the most recently used
``SEARCH_PAGE_CACHE_ENTRIES``), keyed by the full address and the search index version: any
catalogue change makes every kept page obsolete at once. The home page's key also holds the
minute, because "open now" changes with the clock. A page served from memory still counts in
the demand signal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from services import tiers
from services.cards import PageCards
from services.demand import demand_key, record_search
from services.opening_hours import HELSINKI
from services.page_cache import PageCache
from services.search import (
    CODE_FILTERS,
    EXACT,
    FLAGS,
    MAX_AGE,
    OPEN_NOW,
    SearchRequest,
    SearchResults,
    filter_names,
    parse_search,
    remote_services_open_now,
    run_search,
)
from services.search_index import Snapshot, current_snapshot, index_version
from services.support_list import PARAM as LIST_PARAM
from services.support_list import SupportList, ToggleLinks, parse_support_list, service_links
from services.templatetags.text_language import active_language
from services.views.common import example_content

# "All services by phone, chat or video" on the home page.
REMOTE_CONTACT_CHANNELS = ("PHONE", "CHAT", "VIDEO")
# Legends of the filter groups, in the order the form shows them.
FACET_LEGENDS = {
    "life_situation": lambda: _("What is on your mind"),
    "target_group": lambda: _("Who the support is for"),
    "tier": lambda: _("Kind of service"),
    "channel": lambda: _("How the support is given"),
    "language": lambda: _("Language of service"),
}
# What the demand signal counts for a search page: (municipality code, filters, found local).
Demand = tuple[str, tuple[str, str, str, str], bool]


@dataclass(frozen=True)
class CachedPage:
    content: bytes
    content_type: str
    demand: Demand | None  # None for pages that are no new search (later pages of results)


pages: PageCache[CachedPage] = PageCache(
    entries=lambda: settings.SEARCH_PAGE_CACHE_ENTRIES,
    max_bytes=lambda: settings.SEARCH_PAGE_CACHE_BYTES,
)


def _page_key(request: HttpRequest, version: str, extra: str = "") -> tuple[str, ...] | None:
    """Only pages for visitors without any cookie are kept: nothing on them is personal."""
    if settings.SEARCH_PAGE_CACHE_ENTRIES <= 0 or request.COOKIES:
        return None
    return (version, extra, request.get_full_path())


def _from_cache(key: tuple[str, ...] | None) -> HttpResponse | None:
    cached = pages.get(key) if key else None
    if cached is None:
        return None
    if cached.demand is not None:
        _count(cached.demand)
    return HttpResponse(cached.content, content_type=cached.content_type)


def _store(
    key: tuple[str, ...] | None,
    request: HttpRequest,
    response: HttpResponse,
    demand: Demand | None,
) -> None:
    if key is None or response.status_code != 200 or response.cookies:
        return
    session = getattr(request, "session", None)
    if (
        response.has_header("Vary")
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.accessed)
    ):
        return  # something on the page depends on the visitor
    pages.put(key, CachedPage(response.content, response["Content-Type"], demand))


def _count(demand: Demand) -> None:
    municipality_code, filters, found_local = demand
    record_search(
        demand_key(municipality_code=municipality_code, filters=filters, found_local=found_local)
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    version = index_version()
    minute = now.astimezone(HELSINKI).strftime("%Y%m%d%H%M")
    key = _page_key(request, version, minute)
    if cached := _from_cache(key):
        return cached
    snapshot = current_snapshot(version)
    language = active_language()
    search_url = reverse("services:search")
    life_situations = [
        {
            "label": snapshot.label("life_situation", code, language),
            "url": f"{search_url}?{urlencode({'life_situation': code})}",
        }
        for code in snapshot.codes["life_situation"]
    ]
    open_now = remote_services_open_now(now=now, snapshot=snapshot)
    remote = [("channel", code) for code in REMOTE_CONTACT_CHANNELS]
    response = render(
        request,
        "services/home.html",
        {
            "life_situations": life_situations,
            "open_now": open_now,
            "remote_url": f"{search_url}?{urlencode(remote)}",
            "example_content": example_content(item.service for item in open_now),
        },
    )
    _store(key, request, response, None)
    return response


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    version = index_version()
    # "Open now" changes with the clock: such a page is kept for the minute only.
    minute = timezone.now().astimezone(HELSINKI).strftime("%Y%m%d%H%M")
    key = _page_key(request, version, minute if OPEN_NOW in request.GET else "")
    if cached := _from_cache(key):
        return cached
    snapshot = current_snapshot(version)
    search_request = parse_search(request.GET, snapshot=snapshot)
    support_list = parse_support_list(request.GET.get(LIST_PARAM))
    request.support_list = support_list  # what the layout's links carry
    searched = _normalise_address(request, search_request, support_list)
    new_search = search_request.page == 1  # later pages are the same search again
    results = run_search(search_request)
    demand = None
    if new_search:
        demand = (
            search_request.place.municipality.code if search_request.place else "",
            search_request.demand_filters(),
            results.found_local,
        )
        _count(demand)
    # The Jinja2 engine's template, without first asking Django's engine, which has none (15 µs).
    template = engines["jinja2"].get_template("services/search.html")
    toggle = ToggleLinks(request.path, support_list, before=searched)
    context = _search_context(snapshot, results, support_list, toggle)
    response = HttpResponse(template.render(context, request))
    _store(key, request, response, demand)
    return response


def _normalise_address(
    request: HttpRequest, search_request: SearchRequest, support_list: SupportList
) -> str:
    """Links the page builds from its own address (other languages, the support list
    buttons) carry the search as understood, not overlong, unknown or binary input: the
    search's parameters, then the support list. Returns the search's part, encoded."""
    query = QueryDict(mutable=True)
    for key, value in search_request.params():
        query.appendlist(key, value)
    searched = query.urlencode(safe=",")
    full = searched
    if support_list.ids:
        query.appendlist(LIST_PARAM, support_list.param)
        full = "&".join(part for part in (searched, f"{LIST_PARAM}={support_list.param}") if part)
    request.GET = query
    request.META["QUERY_STRING"] = full
    return searched


def _search_context(
    snapshot: Snapshot, results: SearchResults, support_list: SupportList, toggle: ToggleLinks
) -> dict:
    search_request = results.request
    language = active_language()
    kept = [(LIST_PARAM, support_list.param)] if support_list.ids else []
    encoded: dict[tuple[str, str], str] = {}  # the page's links share most parameters

    def link(params: list[tuple[str, str]]) -> str:
        """``?`` and ``params`` with the support list, as ``urlencode`` writes them."""
        parts = []
        for pair in [*params, *kept]:
            if (part := encoded.get(pair)) is None:
                part = encoded[pair] = urlencode([pair])
            parts.append(part)
        return "?" + "&".join(parts)

    searched = search_request.search_params()

    def params(page: int | None = None, sort: str | None = None) -> list[tuple[str, str]]:
        """``SearchRequest.params``, with what is searched for worked out once."""
        return searched + search_request.order_params(page=page, sort=sort)

    names = filter_names()
    removals = []
    active = search_request.active_filters()
    for param, value in active:
        if param == "place":
            label = _("place: %(place)s") % {"place": search_request.place.label}
        elif param in CODE_FILTERS:
            label = _code_label(snapshot, param, value, language)
        elif param == "age":
            label = _age_label(int(value))
        else:
            label = names[param]
        remaining = [p for p in params() if p != (param, value) and p[0] != "page"]
        if param == "place":
            remaining = [p for p in remaining if p != ("sort", "distance")]
        removals.append({"label": label, "url": link(remaining)})

    facets = []
    for param in FACET_LEGENDS:
        attribute = CODE_FILTERS[param][0]
        chosen = getattr(search_request, attribute)
        facets.append(
            {
                "param": param,
                "legend": FACET_LEGENDS[param](),
                "open": bool(chosen),
                "choices": _choices(snapshot, param, language, chosen),
            }
        )
    chosen_flags = {flag for flag in (*FLAGS, OPEN_NOW) if getattr(search_request, flag)}

    page_links = []
    if results.pages > 1:
        low = max(1, results.page - 3)
        high = min(results.pages, results.page + 3)
        for number in sorted({1, *range(low, high + 1), results.pages}):
            page_links.append(
                {
                    "number": number,
                    "url": link(params(page=number)),
                    "current": number == results.page,
                }
            )
    without_place = [p for p in params() if p[0] not in ("place", "page")]
    without_place = [p for p in without_place if p != ("sort", "distance")]
    suggested = results.suggestions
    counts = {(r.param, r.value): r.count for r in suggested.removals} if suggested else {}
    for removal, (param, value) in zip(removals, active, strict=True):
        removal["count"] = counts.get((param, value), 0)
    return {
        **_understood(snapshot, search_request, language, link),
        "order_note": _order_note(search_request, results),
        "suggested_situations": [
            {
                "label": snapshot.label("life_situation", code, language),
                "url": link(
                    [("life_situation", code)]
                    + ([("place", search_request.place.param)] if search_request.place else [])
                ),
            }
            for code in (suggested.situations if suggested else [])
        ],
        "suggested_remote": suggested.remote if suggested else [],
        "search": search_request,
        "results": results,
        "messages_": search_request.messages + support_list.messages,
        "facets": facets,
        "flag_choices": _chosen(_flag_choices(language), chosen_flags),
        "age_options": _chosen(_age_options(language), {str(search_request.age)}),
        "removals": removals,
        "page_links": page_links,
        "previous_url": link(params(page=results.page - 1)) if results.has_previous else "",
        "next_url": link(params(page=results.page + 1)) if results.has_next else "",
        "sort_relevance_url": link(params(page=1, sort="relevance")),
        "sort_distance_url": link(params(page=1, sort="distance")) if search_request.place else "",
        "whole_country_url": link(without_place) if search_request.place else "",
        "national_url": link([("tier", "DIGITAL")]),
        "list_param": support_list.param,
        "service_url": (service_url := service_links(support_list)),
        "cards": PageCards(
            service_url,
            toggle,
            support_list,
            search_request.place.municipality.name if search_request.place else None,
        ),
        "found": _found,
        "example_content": example_content(
            [*results.services, *(suggested.remote if suggested else [])]
        ),
    }


def _found(count: int) -> str:
    return ngettext("%(counter)s service found", "%(counter)s services found", count) % {
        "counter": count
    }


def _understood(
    snapshot: Snapshot, search_request: SearchRequest, language: str, link: Callable
) -> dict:
    """How the words were read: the support they were taken to be about (with a way to search
    the words only), spelling corrections (with a way back to the words as typed), and words
    that matched nothing."""
    plan = search_request.plan
    if plan is None:
        return {}
    params = [p for p in search_request.params(page=1) if p[0] != EXACT]
    concepts = [
        snapshot.label(facet, code, language)
        for facet in ("life_situation", "target_group")
        for code in plan.concepts.get(facet, [])
    ]
    return {
        "concepts": concepts,
        "corrections": [
            {"typed": typed, "searched": searched} for typed, searched in plan.corrections
        ],
        "unmatched": plan.unmatched,
        "words_only_url": link([*params, (EXACT, "1")]),
        "related_words_url": link(params) if search_request.exact else "",
    }


def _order_note(search_request: SearchRequest, results: SearchResults) -> str:
    """How the results are ordered, in a sentence."""
    place = search_request.place
    if not results.total:
        return ""
    if search_request.sort == "distance" and place is not None:
        return _("Nearest first; services by phone or online after those with a distance.")
    if place is not None and search_request.plan is not None:
        return _(
            "Best match first, nearer services before equal ones farther from %(place)s; "
            "services by phone or online count as near."
        ) % {"place": place.label}
    if place is not None:
        return _(
            "Nearer services first, from %(place)s; services by phone or online count as near."
        ) % {"place": place.label}
    if search_request.plan is not None:
        return _("Best match first: services matching more of your words rank higher.")
    return _("In alphabetical order.")


def _code_label(snapshot: Snapshot, facet: str, code: str, language: str) -> str:
    """A filter value's label: the taxonomy's, except the tiers, which parents read in plain
    words (``services.tiers``)."""
    formal = snapshot.label(facet, code, language)
    return tiers.for_parents(code, formal) if facet == "tier" else formal


# The filter form's choices as HTML, each one's markup made once per language (and, for the
# taxonomies' choices, per index): as template loops they were a third of the page's rendering.
# (value, markup, markup when chosen) for each choice.
Choices = list[tuple[str, SafeString, SafeString]]


def _chosen(choices: Choices, chosen: Collection[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - joined from format_html() pieces
        "".join(marked if value in chosen else plain for value, plain, marked in choices)
    )


def _choices(snapshot: Snapshot, facet: str, language: str, chosen: tuple[str, ...]) -> SafeString:
    """A facet's checkboxes as HTML (each one's markup made once per index and language)."""
    markup = (
        '<li class="choice"><input type="checkbox" id="f-{0}-{1}" name="{0}" '
        'value="{1}"{2}> <label for="f-{0}-{1}">{3}</label></li>'
    )

    def snippet(code: str) -> tuple[str, SafeString, SafeString]:
        label = capfirst(_code_label(snapshot, facet, code, language))
        checked = format_html(markup, facet, code, mark_safe(" checked"), label)
        return code, format_html(markup, facet, code, "", label), checked

    snippets = snapshot.once(
        ("choices", facet, language), lambda: [snippet(code) for code in snapshot.codes[facet]]
    )
    return _chosen(snippets, chosen)


@functools.cache
def _age_options(language: str) -> Choices:
    """The child's age: an ``<option>`` for each age, in ``language`` (the active one)."""
    markup = '<option value="{}"{}>{}</option>'
    options = []
    for age in range(MAX_AGE + 1):
        label = _age_label(age)
        selected = format_html(markup, age, mark_safe(" selected"), label)
        options.append((str(age), format_html(markup, age, "", label), selected))
    return options


@functools.cache
def _flag_choices(language: str) -> Choices:
    """The low-threshold filters' checkboxes, in ``language`` (the active one)."""
    markup = (
        '<li class="choice"><input type="checkbox" id="f-{0}" name="{0}" value="1"{1}> '
        '<label for="f-{0}">{2}</label></li>'
    )
    choices = []
    for flag in (*FLAGS, OPEN_NOW):
        label = capfirst(filter_names()[flag])
        checked = format_html(markup, flag, mark_safe(" checked"), label)
        choices.append((flag, format_html(markup, flag, "", label), checked))
    return choices


def _age_label(age: int) -> str:
    if age == 0:
        return _("under 1 year")
    return ngettext("%(age)d year", "%(age)d years", age) % {"age": age}
