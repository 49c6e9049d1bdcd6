"""Every figure can be narrowed to one life situation: only services listing it count."""

from __future__ import annotations

import pytest

from mapping import coverage
from tests.mapping.worlds import HAMINA, KOUVOLA, KYMENLAAKSO, cell, make_service

pytestmark = pytest.mark.django_db

TIER = "UNIVERSAL_INDIVIDUAL"
SEPARATION = "SEPARATION"


@pytest.fixture
def world() -> None:
    make_service(channels=["PHONE"], municipalities=[KOUVOLA], life_situations=[SEPARATION])
    make_service(channels=["PHONE"], municipalities=[HAMINA], life_situations=[])
    make_service(channels=["PHONE"], municipalities=[HAMINA], life_situations=["BABY"])
    coverage.recompute()


def covered(life_situation: str | None) -> set[str]:
    return {
        m.code
        for m in coverage.municipality_coverage(
            tier=TIER, target_group="PARENTS", county=KYMENLAAKSO, life_situation=life_situation
        )
        if m.covered_children > 0
    }


@pytest.mark.usefixtures("world")
def test_narrowing_counts_only_services_listing_the_life_situation() -> None:
    assert covered(None) == {KOUVOLA, HAMINA}
    assert covered(SEPARATION) == {KOUVOLA}
    assert covered("BABY") == {HAMINA}
    assert covered("VIOLENCE") == set()


@pytest.mark.usefixtures("world")
def test_the_matrix_postal_areas_gaps_and_uniformity_narrow_too() -> None:
    hamina = coverage.area_matrix(municipality=HAMINA, life_situation=SEPARATION)
    assert cell(hamina, TIER, "PARENTS").coverage == 0.0
    assert cell(coverage.area_matrix(municipality=HAMINA), TIER, "PARENTS").coverage == 1.0

    areas = coverage.postal_areas(
        municipality=KOUVOLA, tier=TIER, target_group="PARENTS", life_situation=SEPARATION
    )
    assert all(a.covered and a.services == 1 for a in areas)

    gaps = coverage.gaps(county=KYMENLAAKSO, life_situation=SEPARATION)
    assert (HAMINA, TIER, "PARENTS") in {(g.municipality, g.tier, g.target_group) for g in gaps}

    narrowed = {
        (c.tier, c.target_group): c.value
        for c in coverage.uniformity(county=KYMENLAAKSO, life_situation=SEPARATION)
    }
    full = {(c.tier, c.target_group): c.value for c in coverage.uniformity(county=KYMENLAAKSO)}
    assert narrowed[(TIER, "PARENTS")] != full[(TIER, "PARENTS")]


@pytest.mark.usefixtures("world")
def test_an_unknown_life_situation_is_an_error() -> None:
    with pytest.raises(ValueError, match="Unknown life situation"):
        coverage.area_matrix(life_situation="NOPE")
