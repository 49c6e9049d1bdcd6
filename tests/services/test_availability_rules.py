"""Who a service serves is one rule, read by search, the API and coverage alike: the filter form
(``listings_counting_for``) agrees with the rule itself (``counted_groups``), and the coverage
engine widens exactly as the rule says."""

from __future__ import annotations

import itertools

import pytest

from mapping.engine import effective_groups, load_taxonomy
from services.availability import (
    ALL_PARENTS,
    HOME_VISIT,
    counted_groups,
    listings_counting_for,
    reaches_everywhere,
)

GROUPS = ("PARENTS", "MOTHERS", "FATHERS", "COUPLES", "SEPARATING")
LISTINGS = [
    set(combination) for size in range(0, 3) for combination in itertools.combinations(GROUPS, size)
]


@pytest.mark.parametrize("listed", LISTINGS, ids=lambda listed: "+".join(sorted(listed)) or "none")
def test_the_filter_finds_exactly_the_services_the_rule_counts(listed: set[str]) -> None:
    for wanted in GROUPS:
        matching, unlisted_counts = listings_counting_for({wanted})
        found = bool(listed & matching) if listed else unlisted_counts
        assert found == (wanted in counted_groups(listed)), (listed, wanted)


def test_a_service_for_parents_or_for_nobody_in_particular_counts_for_mothers_and_fathers() -> None:
    assert counted_groups([]) >= set(ALL_PARENTS)
    assert counted_groups(["PARENTS"]) >= set(ALL_PARENTS)
    assert counted_groups(["MOTHERS"]) == {"MOTHERS"}
    assert counted_groups(["COUPLES"]) == {"COUPLES"}


@pytest.mark.django_db
@pytest.mark.parametrize("listed", LISTINGS, ids=lambda listed: "+".join(sorted(listed)) or "none")
def test_the_coverage_engine_widens_groups_as_the_rule_says(listed: set[str]) -> None:
    taxonomy = load_taxonomy()
    row = effective_groups([1], [(1, code) for code in listed], taxonomy)[0]
    engine = {code for code, column in taxonomy.group_index.items() if row[column]}
    assert engine == counted_groups(listed)


def test_home_visits_and_remote_channels_reach_families_wherever_they_live() -> None:
    assert reaches_everywhere(HOME_VISIT, is_remote=False)
    assert reaches_everywhere("CHAT", is_remote=True)
    assert not reaches_everywhere("GROUP", is_remote=False)
