"""Uniformity = 1 − children-weighted Gini of municipal coverage within a county."""

from __future__ import annotations

import numpy as np
import pytest

from mapping import coverage
from mapping.gaps import uniformity, weighted_gini
from tests.mapping.worlds import ETELA_SAVO, KOUVOLA, KYMENLAAKSO, make_service

TIER = "UNIVERSAL_INDIVIDUAL"


def test_the_gini_of_equal_coverage_is_zero() -> None:
    assert weighted_gini(np.array([0.4, 0.4, 0.4]), np.array([10.0, 200.0, 3000.0])) == 0.0
    assert weighted_gini(np.array([0.0, 0.0]), np.array([5.0, 7.0])) == 0.0


def test_the_gini_of_unequal_coverage_is_computed_by_hand() -> None:
    # W = 400, μ = 100 / 400 = 0.25; Σ Σ wᵢ wⱼ |xᵢ − xⱼ| = 2 · 100 · 300 · 1 = 60,000;
    # G = 60,000 / (2 · 400² · 0.25) = 0.75.
    assert weighted_gini(np.array([1.0, 0.0]), np.array([100.0, 300.0])) == pytest.approx(0.75)
    # W = 2, μ = 0.75, numerator 2 · 0.5 = 1, G = 1 / (2 · 4 · 0.75) = 1/6.
    assert weighted_gini(np.array([1.0, 0.5]), np.array([1.0, 1.0])) == pytest.approx(1 / 6)


def test_weights_matter() -> None:
    light = weighted_gini(np.array([1.0, 0.0]), np.array([1.0, 100.0]))
    heavy = weighted_gini(np.array([1.0, 0.0]), np.array([100.0, 1.0]))
    assert light != heavy


@pytest.mark.django_db
def test_a_county_covered_everywhere_is_perfectly_uniform() -> None:
    make_service(channels=["PHONE"], counties=[ETELA_SAVO])
    coverage.recompute()

    cells = {(c.tier, c.target_group): c.value for c in coverage.uniformity(county=ETELA_SAVO)}
    assert cells[(TIER, "PARENTS")] == 1.0
    assert len(cells) == 4 * 19


@pytest.mark.django_db
def test_a_county_where_nobody_is_covered_has_no_uniformity_to_show() -> None:
    make_service(channels=["PHONE"], counties=[ETELA_SAVO])
    coverage.recompute()

    cells = {(c.tier, c.target_group): c for c in coverage.uniformity(county=ETELA_SAVO)}
    # Nobody is covered for couples anywhere in the county: "evenly uncovered" is not a
    # uniformity of 100 %.
    assert cells[(TIER, "COUPLES")].value is None
    assert cells[(TIER, "COUPLES")].reason == "nobody covered anywhere"
    assert cells[(TIER, "PARENTS")].reason == ""


def test_uniformity_is_undefined_without_children_or_coverage_and_one_minus_gini_otherwise() -> (
    None
):
    assert np.isnan(uniformity(np.array([0.0, 0.0]), np.array([5.0, 7.0])))
    assert np.isnan(uniformity(np.array([1.0, 0.5]), np.array([0.0, 0.0])))
    assert uniformity(np.array([1.0, 0.5]), np.array([1.0, 1.0])) == pytest.approx(1 - 1 / 6)
    assert uniformity(np.array([1.0, 1.0]), np.array([3.0, 9.0])) == 1.0


@pytest.mark.django_db
def test_a_county_with_one_municipality_covered_matches_the_hand_formula() -> None:
    make_service(channels=["PHONE"], municipalities=[KOUVOLA])
    coverage.recompute()

    municipalities = coverage.municipality_coverage(
        tier=TIER, target_group="PARENTS", county=KYMENLAAKSO
    )
    total = sum(m.children for m in municipalities)
    kouvola = next(m.children for m in municipalities if m.code == KOUVOLA)
    # x = 1 for Kouvola, 0 elsewhere: μ = k / W and Σ Σ wᵢ wⱼ |xᵢ − xⱼ| = 2 k (W − k),
    # so G = 2 k (W − k) / (2 W² k / W) = (W − k) / W.
    expected = 1 - (total - kouvola) / total
    [value] = [
        c.value
        for c in coverage.uniformity(county=KYMENLAAKSO)
        if (c.tier, c.target_group) == (TIER, "PARENTS")
    ]
    assert value == pytest.approx(expected, rel=1e-12)
