"""Parents see plain tier labels, and text in another language than the page's says so.

A text missing in the page's language falls back to Finnish, Swedish or English; its element
carries that language's ``lang`` attribute so that a screen reader switches voice.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from services.models import SupportService, Tier
from tests.pages.conftest import World


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def service_page(client: Client, service: SupportService, language: str) -> str:
    return page(client, f"/{language}/services/{service.pk}/")


def test_a_finnish_summary_on_a_swedish_page_is_marked_finnish(
    parent_client: Client, world: World
) -> None:
    html = service_page(parent_client, world.service, "sv")
    assert "<h1>Parrelationsrådgivning i S:t Michel</h1>" in html
    assert '<p class="summary" lang="fi">Keskusteluapua parisuhteen solmukohtiin.</p>' in html


def test_an_english_description_on_a_finnish_page_is_marked_english(
    parent_client: Client, world: World
) -> None:
    html = service_page(parent_client, world.service, "fi")
    assert re.search(r'<div class="description" lang="en">\s*<p>Counsellors meet', html)
    assert '<dd lang="en">Residents of Etelä-Savo.</dd>' in html


def test_text_in_the_pages_own_language_gets_no_lang_attribute(
    parent_client: Client, world: World
) -> None:
    html = service_page(parent_client, world.service, "en")
    assert "<h1>Couple counselling in Mikkeli</h1>" in html
    assert '<p class="summary">Help with difficult moments in a relationship.</p>' in html
    assert '<p lang="fi">Hissi sisäpihalla.</p>' in html


def test_inline_fallback_text_is_wrapped_in_a_span_with_its_language(
    parent_client: Client, world: World
) -> None:
    html = service_page(parent_client, world.service, "sv")
    assert '(<span lang="fi">Joulutauko</span>)' in html
    assert '<span lang="en">No fee.</span>' in html
    english = service_page(parent_client, world.service, "en")
    assert "Free of charge. No fee." in english


def test_a_method_known_only_by_its_finnish_name_is_marked_finnish(
    parent_client: Client, world: World
) -> None:
    html = service_page(parent_client, world.service, "sv")
    assert '<strong lang="fi">Voimaperheet</strong>' in html
    assert "<strong>Låt oss prata om barnen</strong>" in html


PARENT_LABELS = {
    "en": {
        "DIGITAL": "by phone or online",
        "UNIVERSAL_INDIVIDUAL": "for everyone – one to one",
        "UNIVERSAL_GROUP": "for everyone – group",
        "SPECIALIST": "specialist support",
    },
    "fi": {
        "DIGITAL": "puhelimitse tai verkossa",
        "UNIVERSAL_INDIVIDUAL": "kaikille avoin tuki – yksilö",
        "UNIVERSAL_GROUP": "kaikille avoin tuki – ryhmä",
        "SPECIALIST": "erityistason tuki",
    },
    "sv": {
        "DIGITAL": "per telefon eller på nätet",
        "UNIVERSAL_INDIVIDUAL": "allmän tjänst – individuell",
        "UNIVERSAL_GROUP": "allmän tjänst – i grupp",
        "SPECIALIST": "specialiserat stöd",
    },
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    "tier", ["DIGITAL", "UNIVERSAL_INDIVIDUAL", "UNIVERSAL_GROUP", "SPECIALIST"]
)
def test_the_service_page_names_the_tier_in_a_plain_singular_label(
    parent_client: Client, world: World, language: str, tier: str
) -> None:
    world.service.tier = Tier.objects.get(code=tier)
    world.service.save()
    html = service_page(parent_client, world.service, language)
    label = PARENT_LABELS[language][tier]
    assert f"</a> · {label}</p>" in html
    with translation.override(language):
        formal = str(Tier.objects.get(code=tier).name)
    if formal != label:
        assert f"· {formal}</p>" not in html


def test_the_organisation_page_shows_the_plain_tier_label(
    parent_client: Client, world: World
) -> None:
    html = page(parent_client, f"/sv/providers/{world.organisation.pk}/")
    assert "Allmän tjänst – individuell" in html
    assert "allmänna tjänster, individuella" not in html.lower()
