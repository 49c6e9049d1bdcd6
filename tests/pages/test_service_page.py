from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from services.models import ContactPoint, OpeningHours, SupportService
from tests.factories import LocationFactory
from tests.pages.conftest import World


def page(client: Client, service: SupportService, language: str = "en") -> str:
    response = client.get(f"/{language}/services/{service.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_service_page_says_what_it_is_and_who_it_is_for(
    parent_client: Client, world: World
) -> None:
    html = page(parent_client, world.service)
    assert "<h1>Couple counselling in Mikkeli</h1>" in html
    assert "Counsellors meet couples and individuals." in html
    assert "couples, separating and separated parents" in html
    assert "children aged 0–12" in html
    assert "expecting families" in html
    assert "Residents of Etelä-Savo." in html
    assert "Call the appointment line; no referral needed." in html
    assert "Free of charge." in html and "No fee." in html
    assert "Finnish, Swedish" in html


def test_every_channel_gets_a_one_tap_contact(parent_client: Client, world: World) -> None:
    html = page(parent_client, world.service)
    assert 'href="tel:0151234567"' in html
    assert "Call 015 123 4567" in html
    assert 'href="https://chat.example.org/perheasiat"' in html
    assert 'href="mailto:perheasiat@example.org"' in html


def test_locations_show_address_accessibility_and_opening_hours(
    parent_client: Client, world: World
) -> None:
    html = page(parent_client, world.service)
    assert "Hallituskatu 3, 50100 Mikkeli" in html
    assert "Step-free access: yes" in html
    assert "Room for prams: no" in html
    assert "Hearing loop: not known" in html
    assert "Hissi sisäpihalla." in html
    assert "Open now" in html or "Closed now" in html
    assert "Joulutauko" in html


def test_the_area_served_is_said_in_words(parent_client: Client, world: World) -> None:
    html = page(parent_client, world.service)
    assert "Mikkeli, Savonlinna" in html or "Savonlinna, Mikkeli" in html


def test_upcoming_sessions_are_listed_and_past_ones_are_not(
    parent_client: Client, world: World
) -> None:
    html = page(parent_client, world.service)
    assert "Separation group" in html
    assert "Online lecture for parents" in html
    assert "Cancelled" in html
    assert "Mennyt ryhmä" not in html
    assert f"/en/services/{world.service.pk}/calendar.ics" in html


def test_methods_show_their_rating_and_an_unrated_one_stays_not_rated(
    parent_client: Client, world: World
) -> None:
    html = page(parent_client, world.service)
    assert "5 – strong evidence" in html
    assert "Let&#x27;s Talk about Children</strong>:\n    not rated" in html


def test_a_listing_nobody_confirmed_says_so(parent_client: Client, world: World) -> None:
    html = page(parent_client, world.service)
    assert "The provider has not yet checked this information." in html
    SupportService.objects.filter(pk=world.service.pk).update(
        verified_at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    )
    assert "Information checked on 03/02/2026." in page(parent_client, world.service)


def test_the_page_links_to_the_provider_and_to_the_error_report(
    parent_client: Client, world: World
) -> None:
    html = page(parent_client, world.service)
    assert f'href="/en/providers/{world.organisation.pk}/"' in html
    assert f'href="/en/services/{world.service.pk}/report/"' in html


def test_example_content_is_labelled_and_real_content_is_not(
    parent_client: Client, world: World
) -> None:
    assert "example-notice" not in page(parent_client, world.service)
    assert "example-notice" in page(parent_client, world.example)


@pytest.mark.parametrize("status", ["DRAFT", "PENDING_REVIEW", "ARCHIVED"])
def test_an_unpublished_service_is_not_found(
    parent_client: Client, world: World, status: str
) -> None:
    SupportService.objects.filter(pk=world.service.pk).update(status=status)
    response = parent_client.get(f"/en/services/{world.service.pk}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("path", ["999999/", "abc/", "99999999999999999999999/", "-1/", "1%00/"])
def test_odd_ids_give_the_not_found_page(parent_client: Client, world: World, path: str) -> None:
    response = parent_client.get(f"/en/services/{path}")
    assert response.status_code == 404


def test_the_page_reads_in_every_language(parent_client: Client, world: World) -> None:
    assert "Parisuhdeneuvonta Mikkelissä" in page(parent_client, world.service, "fi")
    assert "Parrelationsrådgivning i S:t Michel" in page(parent_client, world.service, "sv")
    assert '<html lang="sv">' in page(parent_client, world.service, "sv")


def test_the_query_count_does_not_grow_with_the_listing(
    parent_client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(10):
        page(parent_client, world.service)
    for extra in range(5):
        ContactPoint.objects.create(
            service=world.service, kind=ContactPoint.Kind.WEB, value=f"https://example.org/{extra}"
        )
    for _copy in range(3):
        location = LocationFactory(service=world.service)
        OpeningHours.objects.create(
            location=location, weekday=2, opens=dt.time(10), closes=dt.time(12)
        )
    with django_assert_max_num_queries(10):
        page(parent_client, world.service)


def test_the_support_list_button_adds_the_service_to_the_list_in_the_url(
    parent_client: Client, world: World
) -> None:
    pk = world.service.pk
    html = page(parent_client, world.service)
    assert f'href="/en/services/{pk}/?list={pk}#list-{pk}"' in html
    response = parent_client.get(f"/en/services/{world.service.pk}/?list=7,{world.service.pk}")
    html = response.content.decode()
    assert "Remove from support list" in html
    assert f'href="/en/services/{world.service.pk}/?list=7#list-{world.service.pk}"' in html
    assert "Support list (2 services)" in html
