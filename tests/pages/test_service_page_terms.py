"""A service's page names its terms from one statement (``services.codes.named_terms``): the
same names, in the same order, as ``service.<relation>.all()`` in the page's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from services.codes import NAMED_RELATIONS, NamedTerm, named_terms
from services.models import Municipality, SupportService, TargetGroup
from tests.pages.conftest import World


def through_the_models(service: SupportService, language: str) -> dict[str, list[NamedTerm]]:
    with translation.override(language):
        return {
            relation: [NamedTerm(term.pk, term.name) for term in getattr(service, relation).all()]
            for relation in NAMED_RELATIONS
        }


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_terms_are_named_and_ordered_as_the_models_name_and_order_them(
    world: World, language: str
) -> None:
    service = world.service
    service.channels.set(["VIDEO", "PHONE", "IN_PERSON", "CHAT"])
    service.target_groups.set(["STEPFAMILY", "PARENTS", "FATHERS"])
    service.attributes.set(["FREE", "NO_REFERRAL"])
    service.languages.set(["sv", "fi", "en"])
    service.area_counties.set(["12", "01"])
    # Helsinki, Mikkeli, Savonlinna in Finnish; Helsingfors, Nyslott, S:t Michel in Swedish.
    service.area_municipalities.set(["740", "491", "091"])
    # A name missing in one language falls back (fi → sv → en), as modeltranslation's does.
    TargetGroup.objects.filter(code="FATHERS").update(name_sv="", name_en="")
    Municipality.objects.filter(code="740").update(name_en="")

    terms = named_terms(service.pk, language)

    assert terms == through_the_models(service, language)
    assert all(terms[relation] for relation in NAMED_RELATIONS)


def test_a_service_without_terms_has_every_relation_empty(world: World) -> None:
    for relation in NAMED_RELATIONS:
        getattr(world.service, relation).clear()
    assert named_terms(world.service.pk, "fi") == dict.fromkeys(NAMED_RELATIONS, [])


def test_the_page_shows_the_names_in_the_pages_language_and_order(
    parent_client: Client, world: World
) -> None:
    world.service.area_municipalities.set(["740", "491", "091"])
    world.service.area_counties.clear()
    sv = parent_client.get(f"/sv/services/{world.service.pk}/").content.decode()
    fi = parent_client.get(f"/fi/services/{world.service.pk}/").content.decode()
    assert "Helsingfors, Nyslott, S:t Michel" in sv
    assert "Helsinki, Mikkeli, Savonlinna" in fi
