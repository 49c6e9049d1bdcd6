"""Which postal areas a published service is available to (PRODUCT.md "Mapping")."""

from __future__ import annotations

import pytest

from mapping import coverage
from services.models import PostalArea
from tests.mapping.worlds import (
    ETELA_SAVO,
    HAMINA,
    KOUVOLA,
    KYMENLAAKSO,
    MIKKELI,
    MIKKELI_CENTRE,
    area_codes,
    covered_codes,
    distance_km,
    make_service,
)

pytestmark = pytest.mark.django_db

TIER = "UNIVERSAL_INDIVIDUAL"
SPECIALIST = "SPECIALIST"


def test_a_nationwide_remote_service_covers_every_postal_area() -> None:
    make_service(tier="DIGITAL", channels=["CHAT"], nationwide=True)
    coverage.recompute()

    municipalities = coverage.municipality_coverage(tier="DIGITAL", target_group="PARENTS")
    assert len(municipalities) == 308
    assert all(m.covered_children == m.children for m in municipalities)
    nation = coverage.area_matrix()
    digital_parents = next(c for c in nation if c.tier == "DIGITAL" and c.target_group == "PARENTS")
    assert digital_parents.coverage == 1.0
    assert digital_parents.services == 1
    assert covered_codes(municipality=MIKKELI, tier="DIGITAL", target_group="PARENTS") == (
        area_codes(municipality=MIKKELI)
    )


def test_a_county_only_remote_service_covers_only_that_county() -> None:
    make_service(channels=["PHONE"], counties=[ETELA_SAVO])
    coverage.recompute()

    by_municipality = {
        m.code: m for m in coverage.municipality_coverage(tier=TIER, target_group="PARENTS")
    }
    covered = {code for code, m in by_municipality.items() if m.covered_children > 0}
    in_county = {code for code, m in by_municipality.items() if m.county == ETELA_SAVO}
    assert covered == in_county
    assert all(by_municipality[code].coverage == 1.0 for code in in_county)
    [county_cell] = [
        c
        for c in coverage.area_matrix(county=ETELA_SAVO)
        if c.tier == TIER and c.target_group == "PARENTS"
    ]
    assert county_cell.coverage == 1.0


def test_home_visits_reach_the_whole_area_served_without_a_location() -> None:
    make_service(channels=["HOME_VISIT"], municipalities=[KOUVOLA])
    coverage.recompute()

    assert covered_codes(municipality=KOUVOLA, tier=TIER, target_group="PARENTS") == area_codes(
        municipality=KOUVOLA
    )
    assert covered_codes(municipality=HAMINA, tier=TIER, target_group="PARENTS") == set()


def test_an_in_person_service_reaches_postal_areas_within_the_reach_distance() -> None:
    point = (61.6886, 27.2723)  # Mikkeli town centre
    make_service(municipalities=[MIKKELI], locations=[point], channels=["IN_PERSON"])
    coverage.recompute()

    areas = PostalArea.objects.filter(municipality_id=MIKKELI)
    distances = {area.code: distance_km(*point, area) for area in areas}
    # No postal area centre sits on the boundary, where rounding could decide.
    assert all(abs(d - 25.0) > 0.01 for d in distances.values())
    expected = {code for code, d in distances.items() if d <= 25.0}
    assert expected and expected != set(distances)
    assert covered_codes(municipality=MIKKELI, tier=TIER, target_group="PARENTS") == expected


def test_the_specialist_tier_reaches_further() -> None:
    point = (61.6886, 27.2723)
    make_service(tier=SPECIALIST, municipalities=[MIKKELI], locations=[point])
    coverage.recompute()

    distances = {
        area.code: distance_km(*point, area)
        for area in PostalArea.objects.filter(municipality_id=MIKKELI)
    }
    expected = {code for code, d in distances.items() if d <= 60.0}
    assert any(25.0 < d <= 60.0 for d in distances.values())
    assert covered_codes(municipality=MIKKELI, tier=SPECIALIST, target_group="PARENTS") == (
        expected
    )


def test_a_service_point_does_not_reach_beyond_the_area_served() -> None:
    # A point in Mikkeli serving Mikkeli only: postal areas of neighbouring municipalities
    # within 25 km stay uncovered.
    point = (61.6886, 27.2723)
    make_service(municipalities=[MIKKELI], locations=[point])
    coverage.recompute()

    neighbours = [
        area
        for area in PostalArea.objects.filter(municipality__county_id=ETELA_SAVO).exclude(
            municipality_id=MIKKELI
        )
        if distance_km(*point, area) <= 25.0
    ]
    assert neighbours
    for area in neighbours:
        assert area.code not in covered_codes(
            municipality=area.municipality_id, tier=TIER, target_group="PARENTS"
        )


def test_a_location_without_coordinates_stands_at_its_postal_area_centre() -> None:
    make_service(municipalities=[MIKKELI], locations=[MIKKELI_CENTRE])
    coverage.recompute()

    centre = PostalArea.objects.get(code=MIKKELI_CENTRE)
    expected = {
        area.code
        for area in PostalArea.objects.filter(municipality_id=MIKKELI)
        if distance_km(centre.latitude, centre.longitude, area) <= 25.0
    }
    assert MIKKELI_CENTRE in expected
    assert covered_codes(municipality=MIKKELI, tier=TIER, target_group="PARENTS") == expected


def test_a_service_with_no_area_served_is_available_nowhere() -> None:
    make_service(channels=["PHONE"], locations=[(61.6886, 27.2723)])
    coverage.recompute()

    assert covered_codes(municipality=MIKKELI, tier=TIER, target_group="PARENTS") == set()


def test_coverage_is_the_share_of_children_in_covered_postal_areas() -> None:
    point = (60.8679, 26.7042)  # Kouvola centre
    make_service(municipalities=[KOUVOLA], locations=[point])
    coverage.recompute()

    areas = list(PostalArea.objects.filter(municipality_id=KOUVOLA))
    covered = sum(a.children_estimate for a in areas if distance_km(*point, a) <= 25.0)
    children = sum(a.children_estimate for a in areas)
    [kouvola] = [
        m
        for m in coverage.municipality_coverage(
            tier=TIER, target_group="PARENTS", county=KYMENLAAKSO
        )
        if m.code == KOUVOLA
    ]
    assert kouvola.children == pytest.approx(children, rel=1e-12)
    assert kouvola.covered_children == pytest.approx(covered, rel=1e-12)
    assert 0 < kouvola.coverage < 1
