"""Gaps: municipality × tier × target group below the threshold, ranked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mapping import coverage
from services.models import Municipality, SearchDemand
from tests.mapping.worlds import HAMINA, KOUVOLA, KYMENLAAKSO, make_service

pytestmark = pytest.mark.django_db

TIER = "UNIVERSAL_INDIVIDUAL"
WEEK = dt.date(2026, 3, 2)  # a Monday


def demand(
    municipality: str,
    count: int,
    *,
    tier: str = TIER,
    target_group: str = "",
    found_local: bool = False,
    week: dt.date = WEEK,
    life_situation: str = "",
) -> None:
    SearchDemand.objects.create(
        week=week,
        municipality=Municipality.objects.get(code=municipality),
        tier=tier,
        target_group=target_group,
        life_situation=life_situation,
        found_local=found_local,
        count=count,
    )


def keys(gaps: list[coverage.Gap]) -> list[tuple[str, str, str]]:
    return [(g.municipality, g.tier, g.target_group) for g in gaps]


def test_a_municipality_with_uncovered_children_is_a_gap_and_a_covered_one_is_not() -> None:
    make_service(channels=["PHONE"], municipalities=[KOUVOLA])
    coverage.recompute()

    found = set(keys(coverage.gaps(county=KYMENLAAKSO, week=WEEK)))
    assert (KOUVOLA, TIER, "PARENTS") not in found
    assert (KOUVOLA, TIER, "COUPLES") in found
    assert (HAMINA, TIER, "PARENTS") in found
    # Six municipalities × four tiers × 19 target groups, less Kouvola's three covered cells.
    assert len(found) == 6 * 4 * 19 - 3


def test_gaps_rank_by_uncovered_children() -> None:
    coverage.recompute()

    found = coverage.gaps(county=KYMENLAAKSO, week=WEEK)
    uncovered = [g.uncovered_children for g in found]
    assert uncovered == sorted(uncovered, reverse=True)
    assert found[0].municipality == KOUVOLA  # the most children in Kymenlaakso
    assert found[0].coverage == 0.0
    assert found[0].uncovered_children == found[0].children


def test_the_weeks_unmet_searches_break_ties_between_equal_gaps() -> None:
    coverage.recompute()
    demand(HAMINA, 5, target_group="STEPFAMILY")
    demand(HAMINA, 3, target_group="")  # any target group: counts for all of them
    demand(HAMINA, 50, target_group="COUPLES", found_local=True)  # found something
    demand(HAMINA, 70, target_group="COUPLES", week=WEEK - dt.timedelta(days=7))  # other week
    demand(HAMINA, 90, tier="SPECIALIST", target_group="COUPLES")  # other tier

    hamina = [g for g in coverage.gaps(municipality=HAMINA, week=WEEK) if g.tier == TIER]
    assert hamina[0].target_group == "STEPFAMILY"
    assert hamina[0].unmet_searches == 8
    assert {g.unmet_searches for g in hamina[1:]} == {3}
    # Equal otherwise: taxonomy order.
    assert [g.target_group for g in hamina[1:4]] == ["PARENTS", "MOTHERS", "FATHERS"]


def test_without_a_week_the_last_complete_week_counts() -> None:
    coverage.recompute()
    today = timezone.localdate()
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    demand(HAMINA, 4, target_group="COUPLES", week=last_monday)

    [couples] = [
        g
        for g in coverage.gaps(municipality=HAMINA)
        if (g.tier, g.target_group) == (TIER, "COUPLES")
    ]
    assert couples.unmet_searches == 4


def test_a_lower_threshold_keeps_only_the_worse_covered() -> None:
    make_service(municipalities=[KOUVOLA], locations=[(60.8679, 26.7042)])
    coverage.recompute()
    [kouvola] = [
        m
        for m in coverage.municipality_coverage(tier=TIER, target_group="PARENTS")
        if m.code == KOUVOLA
    ]
    assert 0 < kouvola.coverage < 1

    below = keys(coverage.gaps(county=KYMENLAAKSO, threshold=kouvola.coverage + 0.01))
    above = keys(coverage.gaps(county=KYMENLAAKSO, threshold=kouvola.coverage - 0.01))
    assert (KOUVOLA, TIER, "PARENTS") in below
    assert (KOUVOLA, TIER, "PARENTS") not in above
    assert (HAMINA, TIER, "PARENTS") in above


def test_gaps_of_a_county_stay_in_the_county() -> None:
    coverage.recompute()

    assert {g.county for g in coverage.gaps(county=KYMENLAAKSO, week=WEEK)} == {KYMENLAAKSO}


def test_an_unknown_county_is_an_error() -> None:
    coverage.recompute()

    with pytest.raises(ValueError, match="Unknown county"):
        coverage.gaps(county="99")
