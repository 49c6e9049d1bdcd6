"""Bad input never breaks the search: a normal page with a clear, translated message."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client
from django.utils import translation

from services.search import parse_search

pytestmark = pytest.mark.django_db

CASES = [
    ("tier=NOPE", "The filter “NOPE” (tier) is not known and was left out."),
    ("channel=chat&channel=SMOKE_SIGNAL", "The filter “SMOKE_SIGNAL” (channel) is not known"),
    ("target_group=%3Cscript%3E", "The filter “<script>” (target group) is not known"),
    ("life_situation=", None),
    ("language=xx", "The filter “xx” (language) is not known"),
    ("page=-1", "There is no page “-1”; the first page is shown."),
    ("page=abc", "There is no page “abc”; the first page is shown."),
    ("page=99999999999999999999", "the first page is shown"),
    ("page=500", "There are only 2 pages of results; the last one is shown."),
    ("age=18", "The child's age is given in whole years from 0 to 17"),
    ("age=-3", "The child's age is given in whole years from 0 to 17"),
    ("free=banana", "The filter “free of charge” takes no value “banana”"),
    ("sort=random", "Unknown sort order; the results are sorted by relevance."),
    ("sort=distance", "Sorting by distance needs a place"),
    ("place=00000", "Postal code 00000 was not found."),
    ("place=Atlantis", "No place called “Atlantis” was found."),
    ("q=" + "perhe%20" * 1500, "The search words were shortened to 200 characters."),
    ("q=neuvola%00%00&place=Mik%00keli", None),
    ("q=%00", None),
    ("q=%FF%FE&place=%C0", "No place called"),
    ("q=%ED%A0%BD%F0%9F&place=%E2%80%AE", None),  # a lone surrogate, a cut emoji, RTL mark
    ("list=1,abc,-2", "Some entries of the support list were not valid"),
]


@pytest.mark.parametrize(("query", "message"), CASES, ids=[c[0][:40] for c in CASES])
def test_bad_input_gives_a_normal_page_with_a_message(
    world: dict, parent_client: Client, query: str, message: str | None
) -> None:
    response = parent_client.get(f"/en/search/?{query}")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Search for services" in html
    if message:
        assert message in html


def test_a_ten_kilobyte_query_is_cut_short(world: dict, parent_client: Client) -> None:
    response = parent_client.get("/en/search/", {"q": "ä" * 10_000, "place": "x" * 10_000})
    assert response.status_code == 200
    assert len(response.content) < 100_000
    assert "ä" * 201 not in response.content.decode()


def test_nul_bytes_are_taken_out_and_the_rest_is_searched(world: dict) -> None:
    request = parse_search({"q": "neuvo\x00la", "place": "Mik\x00keli"})
    assert request.text == "neuvo la"
    assert request.place is None
    assert parse_search({"q": "neuvola\x00"}).text == "neuvola"


def test_messages_are_translated(world: dict, parent_client: Client) -> None:
    html = parent_client.get("/fi/search/?place=00000&tier=NOPE").content.decode()
    with translation.override("fi"):
        assert "Postinumeroa 00000 ei löytynyt." in html
    html = parent_client.get("/sv/search/?place=00000").content.decode()
    assert "Postnumret 00000 hittades inte." in html


def test_many_values_of_one_filter_are_capped(world: dict) -> None:
    request = parse_search({"channel": ["CHAT"] * 10_000})
    assert request.channels == ("CHAT",)


ODD_QUERIES = [
    "😀😀😀",
    "👨‍👩‍👧 perhe 🏳️‍🌈",
    "שלום עזרה",  # Hebrew, right to left
    "مساعدة الطلاق",  # Arabic, right to left
    "\u202eneuvola\u202c",  # a right-to-left override around a Finnish word
    "neuvola\u200b\u200d\ufeff",  # zero-width characters
    "ne\u0301uvola",  # a combining accent
    "漢字 ひらがな 한국어",
    "\x01\x02\x1b[31mred\x7f",  # control characters and an escape sequence
    "a" * 5000,
    "ä" * 61 + " väkivalta",  # a "word" longer than anything Voikko analyses
    "<script>alert(1)</script> ero",
    "' OR 1=1 --",
    "%00%ff",
]


@pytest.mark.parametrize("text", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_queries_in_any_script_answer_with_a_normal_page(
    world: dict, parent_client: Client, text: str
) -> None:
    for language in ("fi", "en"):
        response = parent_client.get(f"/{language}/search/", {"q": text, "place": text[:50]})
        assert response.status_code == 200
        html = response.content.decode()
        assert '<ol class="results"' in html or 'class="empty-state"' in html
        assert "<script>alert" not in html


def test_an_odd_query_still_finds_what_its_words_say(world: dict) -> None:
    from services.search import run_search

    found = run_search(parse_search({"q": "😀 väkivalta 🙏 שלום"})).hits
    assert found and found[0].service.pk == world["nettiturvakoti"].pk
