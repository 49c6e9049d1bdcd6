"""The read functions cost a constant number of queries, whatever the catalogue's size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mapping import coverage
from mapping.coverage import HypotheticalService
from tests.mapping.worlds import ETELA_SAVO, KOUVOLA, KYMENLAAKSO, MIKKELI, make_service

pytestmark = pytest.mark.django_db

TIER = "UNIVERSAL_INDIVIDUAL"

READS: dict[str, Callable[[], object]] = {
    "status": coverage.status,
    "nation": lambda: coverage.area_matrix(),
    "county": lambda: coverage.area_matrix(county=KYMENLAAKSO),
    "municipality": lambda: coverage.area_matrix(municipality=KOUVOLA, life_situation="BABY"),
    "postal areas": lambda: coverage.postal_areas(
        municipality=MIKKELI, tier=TIER, target_group="MOTHERS"
    ),
    "map": lambda: coverage.municipality_coverage(tier=TIER, target_group="PARENTS"),
    "gaps": lambda: coverage.gaps(county=ETELA_SAVO),
    "uniformity": lambda: coverage.uniformity(county=ETELA_SAVO, life_situation="BABY"),
    "accessibility": lambda: coverage.accessibility(
        tier=TIER, target_group="PARENTS", county=ETELA_SAVO
    ),
    "trend": lambda: coverage.trend(county=ETELA_SAVO),
    "what-if": lambda: coverage.what_if(
        HypotheticalService(tier=TIER, channels=["PHONE"], municipalities=[KOUVOLA])
    ),
}
MOST = {"gaps": 3, "what-if": 4, "trend": 3}


def query_counts() -> dict[str, int]:
    counts = {}
    for name, read in READS.items():
        with CaptureQueriesContext(connection) as queries:
            read()
        counts[name] = len(queries)
    return counts


def add_services(count: int) -> None:
    for i in range(count):
        make_service(
            channels=["PHONE"] if i % 2 else [],
            municipalities=[MIKKELI if i % 3 else KOUVOLA],
            locations=[(61.6886 + i / 100, 27.2723)],
            capacity=10 + i,
            life_situations=["BABY"] if i % 2 else ["SEPARATION"],
            target_groups=["MOTHERS"] if i % 4 else [],
        )
    coverage.recompute()


def test_read_functions_cost_the_same_queries_for_a_small_and_a_larger_catalogue() -> None:
    add_services(2)
    query_counts()  # fill the in-process cache of decoded results
    small = query_counts()
    add_services(40)
    query_counts()
    larger = query_counts()

    assert small == larger
    for name, count in larger.items():
        assert count <= MOST.get(name, 2), name


def test_a_fresh_process_reads_the_stored_results_with_one_more_query() -> None:
    add_services(3)
    warm = query_counts()
    coverage._remember(None, None)  # as in a new web process

    with CaptureQueriesContext(connection) as queries:
        coverage.area_matrix()
    assert len(queries) == warm["nation"] + 1
