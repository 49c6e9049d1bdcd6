"""A service counts for its target groups; PARENTS or none widens to mothers and fathers."""

from __future__ import annotations

import pytest

from mapping import coverage
from tests.mapping.worlds import KOUVOLA, cell, make_service

pytestmark = pytest.mark.django_db

TIER = "UNIVERSAL_INDIVIDUAL"


def covered_groups() -> set[str]:
    return {
        c.target_group
        for c in coverage.area_matrix(municipality=KOUVOLA)
        if c.tier == TIER and c.covered_children > 0
    }


def test_a_service_listing_parents_covers_mothers_and_fathers() -> None:
    make_service(channels=["PHONE"], municipalities=[KOUVOLA], target_groups=["PARENTS"])
    coverage.recompute()

    assert covered_groups() == {"PARENTS", "MOTHERS", "FATHERS"}


def test_a_service_with_no_target_group_counts_for_parents_mothers_and_fathers_only() -> None:
    make_service(channels=["PHONE"], municipalities=[KOUVOLA], target_groups=[])
    coverage.recompute()

    assert covered_groups() == {"PARENTS", "MOTHERS", "FATHERS"}


def test_a_service_counts_for_every_target_group_it_lists_and_no_other() -> None:
    make_service(
        channels=["PHONE"], municipalities=[KOUVOLA], target_groups=["FATHERS", "STEPFAMILY"]
    )
    coverage.recompute()

    assert covered_groups() == {"FATHERS", "STEPFAMILY"}


def test_a_service_for_mothers_does_not_cover_parents_or_fathers() -> None:
    make_service(channels=["PHONE"], municipalities=[KOUVOLA], target_groups=["MOTHERS"])
    coverage.recompute()

    matrix = coverage.area_matrix(municipality=KOUVOLA)
    assert cell(matrix, TIER, "MOTHERS").coverage == 1.0
    assert cell(matrix, TIER, "PARENTS").coverage == 0.0
    assert cell(matrix, TIER, "FATHERS").coverage == 0.0


def test_a_service_counts_only_for_its_own_tier() -> None:
    make_service(tier="SPECIALIST", channels=["PHONE"], municipalities=[KOUVOLA])
    coverage.recompute()

    matrix = coverage.area_matrix(municipality=KOUVOLA)
    assert cell(matrix, "SPECIALIST", "PARENTS").coverage == 1.0
    assert cell(matrix, TIER, "PARENTS").coverage == 0.0
    assert cell(matrix, "DIGITAL", "PARENTS").coverage == 0.0


def test_the_matrix_counts_distinct_services_reaching_the_area() -> None:
    make_service(channels=["PHONE"], municipalities=[KOUVOLA], target_groups=["PARENTS"])
    make_service(channels=["CHAT"], nationwide=True, target_groups=["FATHERS"])
    coverage.recompute()

    matrix = coverage.area_matrix(municipality=KOUVOLA)
    assert cell(matrix, TIER, "FATHERS").services == 2
    assert cell(matrix, TIER, "MOTHERS").services == 1
    assert cell(matrix, TIER, "COUPLES").services == 0
    assert len(matrix) == 4 * 19
