"""Monthly snapshots keep the trend of coverage."""

from __future__ import annotations

import datetime as dt

import pytest

from mapping import coverage
from tests.mapping.worlds import HAMINA, KOUVOLA, KYMENLAAKSO, make_service

pytestmark = pytest.mark.django_db

TIER = "UNIVERSAL_INDIVIDUAL"
JANUARY, FEBRUARY = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


@pytest.fixture
def two_months() -> None:
    make_service(channels=["PHONE"], municipalities=[KOUVOLA])
    coverage.recompute()
    coverage.snapshot_coverage(date=JANUARY)
    make_service(channels=["PHONE"], municipalities=[HAMINA])
    coverage.recompute()
    coverage.snapshot_coverage(date=FEBRUARY)


def children(code: str) -> float:
    return next(
        m.children
        for m in coverage.municipality_coverage(tier=TIER, target_group="PARENTS")
        if m.code == code
    )


@pytest.mark.usefixtures("two_months")
def test_the_trend_of_a_county_follows_the_snapshots() -> None:
    county = sum(
        m.children
        for m in coverage.municipality_coverage(
            tier=TIER, target_group="PARENTS", county=KYMENLAAKSO
        )
    )
    points = coverage.trend(county=KYMENLAAKSO, tier=TIER, target_group="PARENTS")

    assert [date for date, _ in points] == [JANUARY, FEBRUARY]
    assert points[0][1] == pytest.approx(children(KOUVOLA) / county, rel=1e-12)
    assert points[1][1] == pytest.approx((children(KOUVOLA) + children(HAMINA)) / county)


@pytest.mark.usefixtures("two_months")
def test_the_trend_of_a_municipality_and_of_all_cells() -> None:
    assert coverage.trend(municipality=HAMINA, tier=TIER, target_group="PARENTS") == [
        (JANUARY, 0.0),
        (FEBRUARY, 1.0),
    ]
    # Over all tiers × target groups of Kouvola: 3 of 76 cells covered in both months.
    assert [round(value, 12) for _, value in coverage.trend(municipality=KOUVOLA)] == [
        round(3 / 76, 12)
    ] * 2


def test_no_snapshots_no_trend() -> None:
    assert coverage.trend(county=KYMENLAAKSO) == []
