"""The search page as a parent sees it: results, distances, the live count, the empty state."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings: object) -> None:
    settings.SEARCH_PAGE_CACHE_ENTRIES = 0  # type: ignore[attr-defined]


def page(client: Client, query: str, language: str = "en") -> str:
    response = client.get(f"/{language}/search/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 id="service-\d+"><a [^>]*>([^<]+)</a>', html)


def test_results_show_the_name_provider_and_summary(world: dict, parent_client: Client) -> None:
    html = page(parent_client, "q=neuvola")
    assert "Maternity clinic, Mikkeli" in titles(html)
    assert "South Savo Wellbeing Services County" in html
    assert "Check-ups during pregnancy" in html


def test_the_result_count_is_announced_in_a_live_region(world: dict, parent_client: Client) -> None:
    html = page(parent_client, "q=neuvola")
    count = re.search(r'<p class="result-count" role="status" aria-live="polite">([^<]+)', html)
    assert count and count.group(1).startswith("5 services found")


def test_with_a_place_in_person_results_show_their_distance(
    world: dict, parent_client: Client
) -> None:
    html = page(parent_client, "q=neuvola&place=50100")
    card = html.split(f'id="service-{world["aitiysneuvola"].pk}"')[1].split("</article>")[0]
    assert re.search(r"<li>0\.\d km away</li>", card)


def test_remote_results_say_they_serve_the_municipality(world: dict, parent_client: Client) -> None:
    html = page(parent_client, "q=helpline&place=Vaasa")
    assert "By phone or online for residents of Vaasa" in html


def test_services_that_do_not_serve_the_place_are_left_out(
    world: dict, parent_client: Client
) -> None:
    assert "Maternity clinic, Mikkeli" not in page(parent_client, "q=neuvola&place=Helsinki")


def test_sorting_by_distance_puts_the_nearest_first_and_remote_services_last(
    world: dict, parent_client: Client
) -> None:
    html = page(parent_client, "life_situation=SEPARATION&place=00100&sort=distance")
    assert titles(html) == [
        "Child welfare supervisor",  # Helsinki, 1.5 km
        "Help with separation chat",  # nationwide chat: no distance
    ]
    html = page(parent_client, "q=clinic&place=57100&sort=distance")
    found = titles(html)
    assert found.index("Family counselling clinic, Savonlinna") < found.index(
        "Maternity clinic, Mikkeli"
    )


def test_the_page_is_in_the_language_of_its_address(world: dict, parent_client: Client) -> None:
    assert "Mödrarådgivning, S:t Michel" in titles(page(parent_client, "q=neuvola", "sv"))
    html = page(parent_client, "q=neuvola", "fi")
    assert "Äitiysneuvola, Mikkeli" in titles(html)
    assert '<html lang="fi">' in html


def test_twenty_results_per_page_and_links_to_the_others(
    world: dict, parent_client: Client
) -> None:
    first = page(parent_client, "")
    assert len(titles(first)) == 20
    assert 'aria-label="Pages of results"' in first
    assert 'href="?page=2"' in first
    second = page(parent_client, "page=2")
    assert len(titles(second)) == len(world) - 2 - 20
    assert not set(titles(first)) & set(titles(second))


def test_an_empty_result_suggests_what_to_try(world: dict, parent_client: Client) -> None:
    html = page(parent_client, "q=neuvola&place=Vaasa&free=1&tier=UNIVERSAL_INDIVIDUAL")
    assert "No services found." in html
    assert (
        '<a href="?q=neuvola&amp;tier=UNIVERSAL_INDIVIDUAL&amp;free=1">'
        "Search the whole of Finland, not only Vaasa</a>"
    ) in html
    # Each filter left out, with what it would find: only the place holds the neuvolas back.
    assert "Remove filter: free of charge</a></li>" in html
    assert "Remove filter: for everyone – one to one</a></li>" in html
    assert "Remove filter: place: Vaasa</a> (3 services found)" in html
    # No fixed list of national services: neuvolas are no remote service.
    assert "National digital services" not in html
    assert "Parents&#x27; Helpline" not in html


def test_an_empty_result_names_the_situation_and_remote_help_for_it(
    world: dict, parent_client: Client
) -> None:
    # Violence at home, in Vaasa, in person only: nothing; but the words are about violence,
    # and a chat on it is open to a family in Vaasa.
    html = page(parent_client, "q=väkivalta+kotona&place=Vaasa&channel=IN_PERSON")
    assert "No services found." in html
    situations = html.split('class="suggested-situations"')[1].split("</ul>")[0]
    assert ">Violence in close relationships</a>" in situations
    assert "life_situation=VIOLENCE" in situations
    remote = html.split('class="suggested-remote"')[1].split("</ul>")[0]
    assert "Nettiturvakoti" in remote
    assert "By phone or online for residents of Vaasa" in html
    assert "Remove filter: in-person meeting</a> (1 service found)" in html


def test_different_empty_results_suggest_different_help(world: dict, parent_client: Client) -> None:
    debts = page(parent_client, "q=velat&channel=HOME_VISIT")
    grief = page(parent_client, "q=suru&channel=HOME_VISIT")
    assert "No services found." in debts and "No services found." in grief
    assert "life_situation=FINANCES" in debts and "life_situation=FINANCES" not in grief
    assert "life_situation=BEREAVEMENT" in grief
    assert "Surevien vanhempien vertaisryhmä" not in debts


def test_each_removal_link_drops_exactly_one_filter(world: dict, parent_client: Client) -> None:
    html = page(parent_client, "q=xyzzy&channel=CHAT&channel=PHONE&age=4")
    links = dict(
        (label, href.replace("&amp;", "&"))
        for href, label in re.findall(r'<a href="([^"]+)">Remove filter: ([^<]+)</a>', html)
    )
    assert links == {
        "chat": "?q=xyzzy&channel=PHONE&age=4",
        "phone": "?q=xyzzy&channel=CHAT&age=4",
        "4 years": "?q=xyzzy&channel=PHONE&channel=CHAT",
    }


def test_the_form_keeps_the_search_and_the_support_list(world: dict, parent_client: Client) -> None:
    service = world["vanhempainpuhelin"]
    html = page(parent_client, f"q=chat&channel=CHAT&free=1&list={service.pk}")
    assert 'name="q" value="chat"' in html
    assert 'name="channel" value="CHAT" checked' in html
    assert 'id="f-free" name="free" value="1" checked' in html
    assert f'<input type="hidden" name="list" value="{service.pk}">' in html


def test_drafts_are_never_shown(world: dict, parent_client: Client) -> None:
    assert "luonnos" not in page(parent_client, "q=perheneuvola", "fi")


def test_the_search_form_works_with_post_refused(parent_client: Client) -> None:
    assert parent_client.post("/en/search/", {"q": "x"}).status_code == 405
