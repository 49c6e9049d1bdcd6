"""The gap lists lead with two kinds: supports missing in the county (one row per county ×
tier × target group) and unequal gaps (places without what most of the county has); a
mothers' or fathers' gap that is only the parents' gap is shown and counted once."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from mapping import coverage
from mapping.gaps import (
    MOST_OF_THE_COUNTY,
    Gap,
    UnmetSearches,
    fold_parents,
    fold_same_place,
    sorted_rows,
)
from services.models import Municipality, SearchDemand
from tests.mapping.worlds import ETELA_SAVO, MIKKELI, make_service

pytestmark = pytest.mark.django_db

GROUP = "UNIVERSAL_GROUP"
PIEKSAMAKI, MANTYHARJU, SAVONLINNA = "593", "507", "740"
WEEK = dt.date(2026, 3, 2)  # a Monday
# Town centres: a group within 25 km reaches the town, not the whole municipality.
MIKKELI_CENTRE = (61.6886, 27.2723)
SAVONLINNA_CENTRE = (61.8687, 28.8794)
PIEKSAMAKI_CENTRE = (62.3003, 27.1582)


@pytest.fixture
def groups_in_two_towns() -> None:
    """Groups for parents, and for couples and separating parents, in Mikkeli and Savonlinna
    (about 63 % of the county's children live within reach: most of the county has them);
    a group for mothers in Pieksämäki; a phone line for parents across the county."""
    towns = [MIKKELI_CENTRE, SAVONLINNA_CENTRE]
    make_service(tier=GROUP, channels=["GROUP"], counties=[ETELA_SAVO], locations=towns)
    make_service(
        tier=GROUP,
        channels=["GROUP"],
        target_groups=["COUPLES", "SEPARATING"],
        counties=[ETELA_SAVO],
        locations=towns,
    )
    make_service(
        tier=GROUP,
        channels=["GROUP"],
        target_groups=["MOTHERS"],
        counties=[ETELA_SAVO],
        locations=[PIEKSAMAKI_CENTRE],
    )
    make_service(channels=["PHONE"], counties=[ETELA_SAVO])
    coverage.recompute()


def county_cell(tier: str, group: str) -> coverage.Cell:
    return next(
        cell
        for cell in coverage.area_matrix(county=ETELA_SAVO)
        if (cell.tier, cell.target_group) == (tier, group)
    )


def demand(municipality: str, count: int, *, tier: str = GROUP, target_group: str = "") -> None:
    SearchDemand.objects.create(
        week=WEEK,
        municipality=Municipality.objects.get(code=municipality),
        tier=tier,
        target_group=target_group,
        found_local=False,
        count=count,
    )


def test_a_support_most_of_the_county_has_makes_unequal_gaps_one_place_a_row(
    groups_in_two_towns: None,
) -> None:
    parents = county_cell(GROUP, "PARENTS")
    assert MOST_OF_THE_COUNTY < parents.coverage < 1

    overview = coverage.gap_overview(county=ETELA_SAVO, week=WEEK)
    rows = [gap for gap in overview.unequal if gap.target_group == "PARENTS"]
    raw = [gap for gap in coverage.gaps(county=ETELA_SAVO, week=WEEK) if gap.tier == GROUP]
    assert {gap.municipality for gap in rows} == {
        gap.municipality for gap in raw if gap.target_group == "PARENTS"
    }
    assert all(gap.county_coverage == pytest.approx(parents.coverage) for gap in rows)
    uncovered = [gap.uncovered_children for gap in overview.unequal]
    assert uncovered == sorted(uncovered, reverse=True)


def test_a_support_missing_everywhere_is_one_row_for_the_county_naming_its_municipalities(
    groups_in_two_towns: None,
) -> None:
    overview = coverage.gap_overview(county=ETELA_SAVO, week=WEEK)
    [rainbow] = [
        row for row in overview.missing if (row.tier, row.target_group) == (GROUP, "RAINBOW")
    ]
    county_children = county_cell(GROUP, "RAINBOW").children
    assert rainbow.missing_everywhere
    assert rainbow.children == pytest.approx(county_children)
    assert rainbow.uncovered_children == pytest.approx(county_children)
    assert len(rainbow.municipalities) == Municipality.objects.filter(county=ETELA_SAVO).count()
    # Not one row per municipality any more.
    assert not [gap for gap in overview.unequal if gap.target_group == "RAINBOW"]


def test_a_support_only_a_minority_of_the_county_has_is_missing_in_most_of_it() -> None:
    make_service(
        tier="SPECIALIST",
        channels=["IN_PERSON"],
        municipalities=[MIKKELI],
        locations=[MIKKELI_CENTRE],
    )
    coverage.recompute()
    share = county_cell("SPECIALIST", "PARENTS").coverage
    assert 0 < share <= MOST_OF_THE_COUNTY

    overview = coverage.gap_overview(county=ETELA_SAVO, week=WEEK)
    [specialist] = [
        row for row in overview.missing if (row.tier, row.target_group) == ("SPECIALIST", "PARENTS")
    ]
    assert not specialist.missing_everywhere
    assert specialist.county_coverage == pytest.approx(share)
    assert "Savonlinna" in specialist.municipalities
    assert not [gap for gap in overview.unequal if gap.tier == "SPECIALIST"]


def test_a_mothers_and_fathers_gap_that_is_only_the_parents_gap_is_shown_once(
    groups_in_two_towns: None,
) -> None:
    overview = coverage.gap_overview(county=ETELA_SAVO, week=WEEK)
    [mantyharju] = [
        gap
        for gap in overview.unequal
        if gap.municipality == MANTYHARJU and gap.target_group in ("PARENTS", "MOTHERS", "FATHERS")
    ]
    assert (mantyharju.target_group, *mantyharju.also_for) == ("PARENTS", "MOTHERS", "FATHERS")
    raw = {
        (gap.municipality, gap.target_group)
        for gap in coverage.gaps(county=ETELA_SAVO, week=WEEK)
        if gap.tier == GROUP
    }
    assert {(MANTYHARJU, "MOTHERS"), (MANTYHARJU, "FATHERS")} <= raw
    assert overview.cells == len(coverage.gaps(county=ETELA_SAVO, week=WEEK))


def test_a_mothers_gap_a_mothers_service_changes_keeps_its_own_row(
    groups_in_two_towns: None,
) -> None:
    overview = coverage.gap_overview(municipality=PIEKSAMAKI, week=WEEK)
    parents = next(gap for gap in overview.unequal if gap.target_group == "PARENTS")
    # The group for mothers in Pieksämäki: the mothers' gap there is not the parents' gap.
    assert (parents.target_group, *parents.also_for) == ("PARENTS", "FATHERS")
    mothers = [gap for gap in overview.unequal if gap.target_group == "MOTHERS"]
    assert all(gap.uncovered_children < parents.uncovered_children for gap in mothers)


def test_equal_gaps_rank_by_the_weeks_searches_that_found_nothing_local(
    groups_in_two_towns: None,
) -> None:
    def pieksamaki() -> list[Gap]:
        overview = coverage.gap_overview(municipality=PIEKSAMAKI, week=WEEK)
        return [gap for gap in overview.unequal if gap.tier == GROUP]

    before = pieksamaki()
    tied = [gap for gap in before if gap.uncovered_children == before[0].uncovered_children]
    # Parents (for fathers too), couples, separating: the same children, nobody searching
    # yet, so one row in taxonomy order.
    assert [gap.target_groups for gap in tied] == [("PARENTS", "FATHERS", "COUPLES", "SEPARATING")]

    demand(PIEKSAMAKI, 4, target_group="SEPARATING")
    demand(PIEKSAMAKI, 3, target_group="COUPLES")
    demand(PIEKSAMAKI, 1, target_group="FATHERS")
    demand(PIEKSAMAKI, 2)  # any target group: counts once for every row
    demand(SAVONLINNA, 50, target_group="PARENTS")  # elsewhere
    after = pieksamaki()
    # The searches tell the rows apart again, and rank them.
    assert [(gap.target_group, gap.unmet_searches) for gap in after[:3]] == [
        ("SEPARATING", 6),
        ("COUPLES", 5),
        ("PARENTS", 3),  # parents 0 + fathers 1 + any 2, the "any" counted once
    ]


def test_a_coordinator_may_sort_by_coverage_or_searches_and_equal_rows_keep_their_rank(
    groups_in_two_towns: None,
) -> None:
    demand(MANTYHARJU, 9, target_group="COUPLES")
    overview = coverage.gap_overview(county=ETELA_SAVO, week=WEEK)
    by_searches = sorted_rows(overview.unequal, "searches")
    assert (by_searches[0].municipality, by_searches[0].target_group) == (MANTYHARJU, "COUPLES")
    by_coverage = sorted_rows(overview.unequal, "coverage")
    assert [gap.coverage for gap in by_coverage] == sorted(gap.coverage for gap in by_coverage)
    assert sorted_rows(overview.unequal, "uncovered") == overview.unequal


def test_the_kinds_agree_with_the_countys_coverage_matrix(groups_in_two_towns: None) -> None:
    matrix = {
        (cell.tier, cell.target_group): cell for cell in coverage.area_matrix(county=ETELA_SAVO)
    }
    overview = coverage.gap_overview(county=ETELA_SAVO, week=WEEK)
    for gap in overview.unequal:
        assert matrix[(gap.tier, gap.target_group)].coverage > MOST_OF_THE_COUNTY
    for row in overview.missing:
        cell = matrix[(row.tier, row.target_group)]
        assert cell.coverage <= MOST_OF_THE_COUNTY
        assert row.missing_everywhere == (cell.covered_children == 0)


def test_folding_needs_the_parents_gap_of_the_same_place_and_tier() -> None:
    def gap(municipality: str, group: str, uncovered: float, tier: str = GROUP) -> Gap:
        return Gap(municipality, municipality, ETELA_SAVO, tier, group, 100.0, uncovered, 0.5, 0)

    folded = fold_parents(
        [
            gap("A", "PARENTS", 50.0),
            gap("A", "MOTHERS", 50.0),
            gap("A", "FATHERS", 40.0),  # a fathers' service narrowed it: its own gap
            gap("B", "MOTHERS", 50.0),  # no parents' gap in B
            gap("A", "MOTHERS", 50.0, tier="SPECIALIST"),  # another tier
        ]
    )
    assert [(g.municipality, g.tier, g.target_groups) for g in folded] == [
        ("A", GROUP, ("PARENTS", "MOTHERS")),
        ("A", GROUP, ("FATHERS",)),
        ("B", GROUP, ("MOTHERS",)),
        ("A", "SPECIALIST", ("MOTHERS",)),
    ]


def test_one_place_without_a_tier_for_several_groups_is_one_row() -> None:
    def gap(municipality: str, group: str, uncovered: float, unmet: int = 0, tier: str = GROUP):
        return Gap(
            municipality, municipality, ETELA_SAVO, tier, group, 100.0, uncovered, 0.5, unmet
        )

    searches = UnmetSearches({"A": [(GROUP, "COUPLES", 2), (GROUP, "", 1)]})
    folded = fold_same_place(
        [
            replace(gap("A", "PARENTS", 50.0), also_for=("MOTHERS",)),
            gap("A", "COUPLES", 50.0, unmet=3),  # searched for: apart from the parents' row
            gap("A", "EXPECTING", 50.0),
            gap("A", "GRANDPARENTS", 40.0),  # fewer children uncovered: another gap
            gap("A", "STEPFAMILY", 50.0, tier="SPECIALIST"),  # another tier
            gap("B", "COUPLES", 50.0),  # another place
        ],
        searches,
    )
    assert [(g.municipality, g.tier, g.target_groups) for g in folded] == [
        ("A", GROUP, ("PARENTS", "MOTHERS", "EXPECTING")),
        ("A", GROUP, ("COUPLES",)),
        ("A", GROUP, ("GRANDPARENTS",)),
        ("A", "SPECIALIST", ("STEPFAMILY",)),
        ("B", GROUP, ("COUPLES",)),
    ]
    # The folded row counts the searches for any of its groups, each once.
    assert folded[0].same_for == ("EXPECTING",)
    assert folded[0].unmet_searches == 1
    assert folded[1].unmet_searches == 3


def test_an_unknown_method_rating_is_an_error() -> None:
    coverage.recompute()
    with pytest.raises(ValueError, match="Unknown method rating"):
        coverage.gap_overview(county=ETELA_SAVO, min_rating=9)
