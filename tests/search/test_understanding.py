"""How the search reads what parents type (issue 11): everyday words mapped to the support they
are about, spelling corrected, words that match nothing left out, place-aware order; each said
on the page with a way back to the words as typed."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from services.search import parse_search, run_search

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings: object) -> None:
    settings.SEARCH_PAGE_CACHE_ENTRIES = 0  # type: ignore[attr-defined]


def keys(world: dict, params: dict) -> list[str]:
    by_pk = {service.pk: key for key, service in world.items()}
    return [by_pk[hit.service.pk] for hit in run_search(parse_search(params), per_page=50).hits]


def page(client: Client, query: str, language: str = "en") -> str:
    response = client.get(f"/{language}/search/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_word_that_matches_nothing_does_not_empty_the_result(world: dict) -> None:
    assert keys(world, {"q": "väkivalta kotona"})[0] == "nettiturvakoti"
    assert keys(world, {"q": "minä en enää jaksa"})  # stop words and all
    # Support for exhaustion, if none for exhausted mothers in particular.
    assert "uupumus_chat" in keys(world, {"q": "väsynyt äiti"})


def test_everyday_words_find_the_support_they_are_about(world: dict) -> None:
    for query in ("avioero", "avioeroon", "erota"):
        assert {"eropalvelut", "eroperheet_verkossa"} <= set(keys(world, {"q": query})), query
    assert "nettiturvakoti" in keys(world, {"q": "pahoinpitely"})
    assert keys(world, {"q": "velka"})[0] == "velkaneuvonta"
    assert keys(world, {"q": "juominen"})[0] == "paihdeperhetyo"
    assert "uupumus_chat" in keys(world, {"q": "masennus"})


def test_services_matching_more_of_the_query_rank_first(world: dict) -> None:
    found = keys(world, {"q": "chat väkivalta"})
    assert found[0] == "nettiturvakoti"
    assert "uupumus_chat" not in found  # a chat about something else is noise here


def test_the_page_says_what_support_it_shows_and_how_to_undo_it(
    world: dict, parent_client: Client
) -> None:
    html = page(parent_client, "q=divorce")
    assert "Showing support for: separation" in html
    undo = re.search(r'<a href="([^"]+)">Search for my words only</a>', html)
    assert undo and undo.group(1) == "?q=divorce&amp;exact=1"
    words_only = page(parent_client, "q=divorce&exact=1")
    assert "Showing support for" not in words_only
    assert "Search with related words and spelling corrections too" in words_only


def test_a_misspelt_word_is_corrected_and_said_so(world: dict, parent_client: Client) -> None:
    assert {"aitiysneuvola", "lastenneuvola"} <= set(keys(world, {"q": "neuvla"}))
    html = page(parent_client, "q=neuvla", "fi")
    assert "neuvola" in re.sub(r"<[^>]+>", "", html.split('class="search-understood"')[1][:600])
    assert 'href="?q=neuvla&amp;exact=1"' in html
    assert keys(world, {"q": "neuvla", "exact": "1"}) == []


def test_words_that_match_nothing_are_named(world: dict, parent_client: Client) -> None:
    html = page(parent_client, "q=neuvola+xyzzyq")
    assert "No service matched these words, so they were left out: xyzzyq" in html


def test_with_a_place_a_near_match_ranks_above_an_equal_one_far_away(world: dict) -> None:
    # Equal matches for *neuvola*: the Mikkeli clinics (0.6 km) before the family counselling
    # clinic in Savonlinna (87 km; it counts as about 3 km away for its video calls).
    found = keys(world, {"q": "neuvola", "place": "50100"})
    assert found.index("aitiysneuvola") < found.index("perheneuvola")
    assert found.index("lastenneuvola") < found.index("perheneuvola")
    assert keys(world, {"q": "perheneuvola", "place": "50100"})[0] == "perheneuvola"


def test_remote_services_rank_as_local(world: dict) -> None:
    # The national separation chat right after the separation services 0.8 km away.
    assert keys(world, {"q": "ero", "place": "50100"})[:2] == ["eropalvelut", "eroperheet_verkossa"]


def test_the_page_says_how_results_are_ordered(world: dict, parent_client: Client) -> None:
    assert "Best match first, nearer services before equal ones farther from" in page(
        parent_client, "q=neuvola&place=50100"
    )
    assert "Best match first: services matching more of your words" in page(
        parent_client, "q=neuvola"
    )
    assert "Nearest first" in page(parent_client, "q=neuvola&place=50100&sort=distance")
    assert "In alphabetical order." in page(parent_client, "tier=DIGITAL")


def test_a_result_with_a_phone_has_a_call_button(world: dict, parent_client: Client) -> None:
    html = page(parent_client, "q=vanhempainpuhelin", "fi")
    assert '<a href="tel:080092277">' in html


def test_open_now_finds_the_services_open_at_that_moment_in_memory_and_in_sql(
    world: dict,
) -> None:
    import datetime as dt

    from services.models import SupportService
    from services.opening_hours import HELSINKI
    from services.search import filter_services

    def found(at: dt.datetime) -> tuple[set[str], set[str]]:
        by_pk = {service.pk: key for key, service in world.items()}
        request = parse_search({"open_now": "1"})
        request.now = at
        in_memory = {by_pk[hit.service.pk] for hit in run_search(request, per_page=50).hits}
        in_sql = {
            by_pk[pk]
            for pk in filter_services(SupportService.objects.published(), request).values_list(
                "pk", flat=True
            )
        }
        return in_memory, in_sql

    monday_noon = dt.datetime(2026, 3, 2, 12, 0, tzinfo=HELSINKI)
    monday_night = dt.datetime(2026, 3, 2, 23, 0, tzinfo=HELSINKI)
    noon, noon_sql = found(monday_noon)
    night, night_sql = found(monday_night)
    assert noon == noon_sql and night == night_sql
    assert {"vanhempainpuhelin", "nettiturvakoti"} <= noon  # the helpline 10–20, a 24/7 chat
    assert "nettiturvakoti" in night and "vanhempainpuhelin" not in night


def test_the_form_offers_open_now(world: dict, parent_client: Client) -> None:
    html = page(parent_client, "q=chat&open_now=1")
    assert 'id="f-open_now" name="open_now" value="1" checked' in html
