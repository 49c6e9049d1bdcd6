"""The home page: what is on your mind, the search and place boxes, talk to someone now."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from services.models import OpeningHoursException, SupportService
from services.search import _open_now_among, remote_services_open_now

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
MONDAY_NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=HELSINKI)
MONDAY_NIGHT = dt.datetime(2026, 11, 30, 22, 0, tzinfo=HELSINKI)


def open_now(at: dt.datetime) -> dict[str, list[tuple[str, dt.time | None]]]:
    return {
        item.service.name_fi: [(c.contact.kind, c.closes_at) for c in item.contacts]
        for item in remote_services_open_now(now=at)
    }


def test_a_phone_line_is_listed_while_it_is_open(world: dict) -> None:
    assert open_now(MONDAY_NOON)["Vanhempainpuhelin"] == [("PHONE", dt.time(20, 0))]
    assert "Vanhempainpuhelin" not in open_now(MONDAY_NIGHT)


def test_a_service_open_round_the_clock_is_always_listed(world: dict) -> None:
    assert open_now(MONDAY_NIGHT)["Nettiturvakoti"] == [("CHAT", None)]


def test_a_chat_without_hours_is_not_claimed_to_be_open(world: dict) -> None:
    assert "Uupuneen vanhemman chat" not in open_now(MONDAY_NOON)


def test_holiday_closing_is_respected(world: dict) -> None:
    phone = world["vanhempainpuhelin"].contact_points.get()
    OpeningHoursException.objects.create(
        contact_point=phone, start_date=MONDAY_NOON.date(), end_date=MONDAY_NOON.date()
    )
    assert "Vanhempainpuhelin" not in open_now(MONDAY_NOON)


def test_regional_services_are_not_offered_to_everyone(world: dict) -> None:
    # Eropalvelut has a phone line but serves two municipalities only.
    assert "Eropalvelut" not in open_now(MONDAY_NOON)


def test_the_home_page_offers_life_situations_search_and_talking_now(
    world: dict, parent_client: Client
) -> None:
    response = parent_client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    separation = '<a href="/en/search/?life_situation=SEPARATION">Separation and parenting after it'
    assert separation in html
    assert '<form class="search-form" method="get" action="/en/search/"' in html
    assert 'name="q"' in html and 'name="place"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "Talk to someone now" in html
    assert 'href="https://nettiturvakoti.fi/">Open the chat</a>' in html
    assert "Open 24/7" in html


def test_home_and_search_set_no_cookies(world: dict, parent_client: Client) -> None:
    for url in ("/fi/", "/sv/", "/en/search/?q=neuvola&place=Mikkeli", "/fi/search/?tier=X"):
        response = parent_client.get(url)
        assert response.cookies == {}, url
        assert "Set-Cookie" not in response.headers
    assert parent_client.cookies == {}


@pytest.mark.parametrize(
    "at",
    [MONDAY_NOON, MONDAY_NIGHT, dt.datetime(2026, 12, 6, 9, 30, tzinfo=HELSINKI)],
    ids=["Monday noon", "Monday night", "Sunday morning"],
)
def test_the_index_narrows_the_candidates_without_losing_any(world: dict, at: dt.datetime) -> None:
    nationwide = SupportService.objects.published().filter(is_nationwide=True)
    every = _open_now_among(list(nationwide.values_list("pk", flat=True)), at)
    expected = sorted((item.service.name.casefold(), item.service.pk) for item in every)
    assert expected, "something is open"
    for limit in (1, 2, len(expected), 100):  # one batch of two, several, all
        found = [(item.service.name.casefold(), item.service.pk) for item in
                 remote_services_open_now(now=at, limit=limit)]  # fmt: skip
        assert found == expected[:limit]
