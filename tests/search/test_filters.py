"""Every filter of the public search, alone and combined (several values of one filter: any)."""

from __future__ import annotations

import pytest

from services.models import SupportService
from services.search import parse_search, run_search

pytestmark = pytest.mark.django_db


def found(world: dict[str, SupportService], **params: str | list[str]) -> set[str]:
    keys = {service.pk: key for key, service in world.items()}
    results = run_search(parse_search(params), per_page=100)
    assert not results.request.messages
    return {keys[hit.service.pk] for hit in results.hits}


def test_without_filters_every_published_service_is_found(world: dict) -> None:
    assert found(world) == set(world) - {"luonnos", "arkistoitu"}


def test_tiers_filter_and_several_tiers_mean_any_of_them(world: dict) -> None:
    assert found(world, tier="SPECIALIST") == {
        "perheneuvola",
        "vauvaperhetyo",
        "paihdeperhetyo",
        "lastenvalvoja",
    }
    digital = found(world, tier="DIGITAL")
    assert found(world, tier=["DIGITAL", "SPECIALIST"]) == digital | found(world, tier="SPECIALIST")


def test_channels_filter(world: dict) -> None:
    assert found(world, channel="HOME_VISIT") == {
        "aitiysneuvola",
        "vauvaperhetyo",
        "paihdeperhetyo",
        "perhetyo_helsinki",
    }
    assert found(world, channel=["CHAT", "PHONE"]) == {
        "vanhempainpuhelin",
        "nettiturvakoti",
        "eroperheet_verkossa",
        "uupumus_chat",
        "eropalvelut",
        "familjeradgivning",
        "velkaneuvonta",
        "kotoutuvat",
    }


def test_fathers_find_services_for_fathers_for_parents_and_for_all_parents(world: dict) -> None:
    fathers = found(world, target_group="FATHERS")
    assert {"isaryhma", "aitiysneuvola", "lastenneuvola", "uupumus_chat"} <= fathers
    assert "parisuhdeneuvonta" not in fathers  # for couples only
    assert "sateenkaari" not in fathers


def test_a_service_for_all_parents_is_not_a_service_for_couples(world: dict) -> None:
    assert found(world, target_group="COUPLES") == {
        "parisuhdeneuvonta",
        "familjeradgivning",
        "nettiturvakoti",
    }


def test_life_situations_filter(world: dict) -> None:
    assert found(world, life_situation="SEPARATION") == {
        "eropalvelut",
        "familjeradgivning",
        "eroperheet_verkossa",
        "lastenvalvoja",
    }


def test_languages_filter(world: dict) -> None:
    assert found(world, language="ar") == {"kotoutuvat"}
    assert found(world, language=["SV"]) >= {"familjeradgivning", "nettiturvakoti"}


def test_age_keeps_services_for_that_age_or_for_any_age(world: dict) -> None:
    ten = found(world, age="10")
    assert "perheneuvola" in ten  # 0-17
    assert "parisuhdeneuvonta" in ten  # no ages given
    assert "lastenneuvola" not in ten  # 0-6
    assert "vauvaperhetyo" not in found(world, age="2")  # 0-1


def test_low_threshold_flags(world: dict) -> None:
    assert "perhetyo_helsinki" not in found(world, free="1")
    assert "eropalvelut" not in found(world, no_referral="1")
    assert found(world, anonymous="1") == {
        "vanhempainpuhelin",
        "nettiturvakoti",
        "eroperheet_verkossa",
        "uupumus_chat",
    }


def test_evenings_include_services_open_round_the_clock(world: dict) -> None:
    evenings = found(world, evenings="on")
    assert {"parisuhdeneuvonta", "isaryhma", "nettiturvakoti"} <= evenings
    assert "lastenneuvola" not in evenings


def test_a_place_leaves_out_services_that_do_not_serve_its_municipality(world: dict) -> None:
    vaasa = found(world, place="Vaasa")
    assert "familjeradgivning" in vaasa  # by municipality
    assert "vanhempainpuhelin" in vaasa  # nationwide
    assert "aitiysneuvola" not in vaasa  # Etelä-Savo only
    juva = found(world, place="51900")
    assert {"aitiysneuvola", "eropalvelut"} <= juva  # by county; by municipality
    assert "isaryhma" not in juva  # Mikkeli only


def test_filters_combine_with_each_other_and_with_words(world: dict) -> None:
    assert found(world, q="chat", anonymous="1", life_situation="VIOLENCE") == {"nettiturvakoti"}
    assert found(world, q="neuvola", place="Helsinki") == set()
