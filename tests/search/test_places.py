"""Places: a postal code or a municipality's name, in Finnish or Swedish."""

from __future__ import annotations

import pytest

from services.places import resolve_place

pytestmark = pytest.mark.django_db


def test_a_postal_code_resolves_to_its_area_and_municipality() -> None:
    place = resolve_place("50100")
    assert place is not None
    assert place.postal_area.code == "50100"
    assert place.municipality.code == "491"
    assert place.label.startswith("50100 ")
    assert (place.latitude, place.longitude) == (
        place.postal_area.latitude,
        place.postal_area.longitude,
    )


def test_a_postal_code_may_be_followed_by_a_name() -> None:
    assert resolve_place("  50100 Mikkeli ").postal_area.code == "50100"


def test_a_postal_code_that_does_not_exist_resolves_to_nothing() -> None:
    assert resolve_place("00000") is None


@pytest.mark.parametrize("name", ["Mikkeli", "mikkeli", "S:t Michel", "st michel", "MIKKELI"])
def test_a_municipality_is_found_by_its_finnish_or_swedish_name(name: str) -> None:
    place = resolve_place(name)
    assert place is not None and place.municipality.code == "491"
    assert place.postal_area is None


def test_diacritics_may_be_left_out() -> None:
    assert resolve_place("Hameenlinna").municipality.name_fi == "Hämeenlinna"
    assert resolve_place("pieksämäki").municipality.name_fi == "Pieksämäki"


def test_the_label_is_in_the_language_of_the_page() -> None:
    from django.utils import translation

    with translation.override("sv"):
        assert resolve_place("Helsinki").label == "Helsingfors"


@pytest.mark.parametrize("text", ["Atlantis", "", "   ", "\x00", "5010", "x" * 10_000])
def test_anything_else_resolves_to_nothing(text: str) -> None:
    assert resolve_place(text) is None
