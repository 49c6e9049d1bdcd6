from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from services.models import GroupSession, SupportService
from services.views.sessions import SESSIONS_PER_PAGE
from tests.pages.conftest import World


def sessions_page(client: Client, query: str = "", language: str = "en") -> str:
    response = client.get(f"/{language}/sessions/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_upcoming_sessions_of_published_services_are_listed_in_order(
    parent_client: Client, world: World
) -> None:
    GroupSession.objects.create(
        service=world.draft,
        title_fi="Luonnoksen ryhmä",
        starts_at=world.session.starts_at,
        ends_at=world.session.ends_at,
        place_fi="Seurakuntatalo",
    )
    html = sessions_page(parent_client)
    assert html.index("Separation group") < html.index("Cancelled group")
    assert html.index("Cancelled group") < html.index("Online lecture for parents")
    assert "Mennyt ryhmä" not in html
    assert "Luonnoksen ryhmä" not in html
    assert "3 sessions" in html


def test_a_cancelled_session_is_marked_and_offers_no_registration(
    parent_client: Client, world: World
) -> None:
    html = sessions_page(parent_client)
    block = html[html.index("Cancelled group") - 400 : html.index("Cancelled group")]
    assert 'badge-cancelled">Cancelled' in block


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?mode=online", ["Online lecture"], ["Separation group"]),
        ("?mode=in_person", ["Separation group"], ["Online lecture"]),
        ("?language=sv", ["Online lecture"], ["Separation group"]),
        ("?municipality=491", ["Separation group"], ["Online lecture"]),
        ("?target_group=COUPLES", ["Separation group", "Online lecture"], []),
        ("?target_group=FATHERS", [], ["Separation group", "Online lecture"]),
        ("?tier=SPECIALIST", [], ["Separation group"]),
        ("?tier=UNIVERSAL_INDIVIDUAL", ["Separation group"], []),
    ],
)
def test_filters_narrow_the_list(
    parent_client: Client, world: World, query: str, shown: list[str], hidden: list[str]
) -> None:
    html = sessions_page(parent_client, query)
    for title in shown:
        assert title in html
    for title in hidden:
        assert title not in html


def test_a_date_range_keeps_the_sessions_inside_it(parent_client: Client, world: World) -> None:
    day = timezone.localtime(world.online_session.starts_at).date()
    html = sessions_page(parent_client, f"?start={day:%Y-%m-%d}&end={day:%Y-%m-%d}")
    assert "Online lecture for parents" in html
    assert "Separation group" not in html


def test_the_language_of_a_session_falls_back_to_the_services_languages(
    parent_client: Client, world: World
) -> None:
    GroupSession.objects.filter(pk=world.session.pk).update(language=None)
    assert "Separation group" in sessions_page(parent_client, "?language=sv")
    assert "Separation group" not in sessions_page(parent_client, "?language=en")


@pytest.mark.parametrize(
    "query",
    [
        "?start=yesterday",
        "?start=2026-02-30",
        "?end=99999-01-01",
        "?start=2026-12-10&end=2026-12-01",
        "?start=1900-01-01",
        "?municipality=999",
        "?tier=%00",
        "?language=xx&mode=teleport",
        "?page=-1",
        "?page=abc",
        "?page=99999999999999999999",
        "?start=" + "9" * 5000,
    ],
)
def test_bad_filters_give_a_normal_page_with_a_message(
    parent_client: Client, world: World, query: str
) -> None:
    html = sessions_page(parent_client, query)
    assert "Upcoming group sessions" in html
    assert 'class="message"' in html or 'class="errorlist"' in html


def test_the_list_is_paginated_with_the_filters_kept(parent_client: Client, world: World) -> None:
    start = world.session.starts_at
    GroupSession.objects.bulk_create(
        GroupSession(
            service=world.service,
            title_fi=f"Ryhmä {n}",
            starts_at=start + dt.timedelta(days=30, hours=n),
            ends_at=start + dt.timedelta(days=30, hours=n, minutes=30),
            location=world.location,
        )
        for n in range(SESSIONS_PER_PAGE + 5)
    )
    html = sessions_page(parent_client, "?mode=in_person")
    assert "Page 1 of 2" in html
    assert 'href="?mode=in_person&amp;page=2"' in html
    second = sessions_page(parent_client, "?mode=in_person&page=2")
    assert "Ryhmä 24" in second
    assert "Separation group" not in second


def test_the_query_count_is_constant(
    parent_client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(7):
        sessions_page(parent_client, "?mode=in_person&language=fi")
    other = SupportService.objects.get(pk=world.example.pk)
    for n in range(10):
        GroupSession.objects.create(
            service=other,
            starts_at=world.session.starts_at + dt.timedelta(hours=n),
            ends_at=world.session.ends_at + dt.timedelta(hours=n),
            place_fi=f"Paikka {n}",
        )
    with django_assert_max_num_queries(7):
        sessions_page(parent_client, "?mode=in_person&language=fi")


def test_the_support_list_is_kept_in_the_filter_form(parent_client: Client, world: World) -> None:
    html = sessions_page(parent_client, f"?list={world.service.pk}")
    assert f'<input type="hidden" name="list" value="{world.service.pk}">' in html
