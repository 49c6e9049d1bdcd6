from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.pages.conftest import World


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        (
            "fi",
            [
                "Saavutettavuusseloste",
                "WCAG 2.1",
                "osittain",
                "Sisältö, joka ei ole saavutettavaa",
                "Seloste on laadittu 28.11.2026",
                "itsearviona",
                "Vastaamme 14 vuorokauden kuluessa",
                "Valvontaviranomaisen yhteystiedot",
                "https://www.saavutettavuusvaatimukset.fi/",
                "306/2019",
            ],
        ),
        (
            "sv",
            [
                "Tillgänglighetsutlåtande",
                "WCAG 2.1",
                "delvis",
                "Innehåll som inte är tillgängligt",
                "den 28.11.2026",
                "egen bedömning",
                "Vi svarar inom två veckor",
                "Tillsynsmyndighetens kontaktuppgifter",
                "https://www.tillganglighetskrav.fi/",
            ],
        ),
        (
            "en",
            [
                "Accessibility statement",
                "WCAG 2.1",
                "partially",
                "Content that is not accessible",
                "prepared on 28 November 2026",
                "self-assessment",
                "We reply within 14 days",
                "Contact details of the supervisory authority",
                "saavutettavuusvaatimukset.fi",
            ],
        ),
    ],
)
@override_settings(FEEDBACK_EMAIL="saavutettavuus@hyvinvointialue.example")
def test_the_accessibility_statement_has_the_contents_the_law_requires(
    parent_client: Client, db: None, language: str, phrases: list[str]
) -> None:
    response = parent_client.get(f"/{language}/accessibility/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert 'href="mailto:saavutettavuus@hyvinvointialue.example"' in html
    for phrase in phrases:
        assert phrase in html


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("fi", ["ei aseta selaimeesi evästeitä", "ei hakusanoja, ei IP-osoitteita", "90 päivän"]),
        ("sv", ["sparar inga kakor", "inga sökord, inga IP-adresser", "90 dagar"]),
        ("en", ["sets no cookies", "no search words, no IP addresses", "after 90 days"]),
    ],
)
def test_the_privacy_notice_says_what_is_and_is_not_collected(
    parent_client: Client, db: None, language: str, phrases: list[str]
) -> None:
    html = parent_client.get(f"/{language}/privacy/").content.decode()
    for phrase in phrases:
        assert phrase in html


def test_every_page_links_to_the_statement_and_the_notice(parent_client: Client, db: None) -> None:
    html = parent_client.get("/sv/privacy/").content.decode()
    assert 'href="/sv/accessibility/"' in html
    assert 'href="/sv/privacy/"' in html


def test_the_page_for_adult_services_lists_units_holding_lp_discussions(
    parent_client: Client, world: World
) -> None:
    html = parent_client.get("/en/adult-services/").content.decode()
    assert "What is Let's Talk about Children?" in html
    assert "Couple counselling in Mikkeli" in html
    assert "Luonnospalvelu" not in html  # a draft, though linked to the method
    assert "Family counselling centre · Mikkeli" in html
    assert 'href="/en/search/?life_situation=SUBSTANCE"' in html
    assert 'href="/en/search/?life_situation=MENTAL_HEALTH"' in html


@override_settings(LAPSET_PUHEEKSI_METHOD="another-method")
def test_the_lp_method_comes_from_a_setting(parent_client: Client, world: World) -> None:
    html = parent_client.get("/fi/adult-services/").content.decode()
    assert "Parisuhdeneuvonta Mikkelissä" not in html
    assert "Lapset puheeksi" in html


def test_the_page_for_adult_services_reads_in_finnish_and_swedish(
    parent_client: Client, world: World
) -> None:
    fi = parent_client.get("/fi/adult-services/").content.decode()
    sv = parent_client.get("/sv/adult-services/").content.decode()
    assert "Mikä on Lapset puheeksi?" in fi and "Päihteet" in fi
    assert "Vad är Låt oss prata om barnen?" in sv and "missbruk" in sv


def test_the_provider_page_shows_its_published_services(
    parent_client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(6):
        response = parent_client.get(f"/en/providers/{world.organisation.pk}/")
    html = response.content.decode()
    assert "<h1>Family counselling centre</h1>" in html
    assert "Couple counselling in Mikkeli" in html
    assert "Luonnospalvelu" not in html
    assert 'href="https://example.org/perheasiat"' in html


def test_an_unknown_provider_is_not_found(parent_client: Client, db: None) -> None:
    assert parent_client.get("/en/providers/424242/").status_code == 404
    assert parent_client.get("/en/providers/x/").status_code == 404


def test_the_page_for_adult_services_makes_a_constant_number_of_queries(
    parent_client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(4):
        parent_client.get("/en/adult-services/")
