"""The gap list: ranked like the engine ranks them, filtered, paged, with a constant cost."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from mapping import coverage
from mapping.gaps import week_start
from services.models import SearchDemand
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import ETELA_SAVO, MIKKELI, SAVONLINNA

# Session, user, four taxonomies, the municipalities of the filter, the engine's gaps (state,
# searches, names) and the open actions.
GAP_LIST_QUERIES = 12


def listed(page: str) -> list[tuple[str, str]]:
    """(rank, municipality) of each row, in order."""
    return re.findall(
        r'<td class="number">(\d+)</td>\s*<th scope="row"><a href="[^"]*">([^<]+)</a>', page
    )


def test_the_gap_list_is_ranked_as_the_engine_ranks_it(
    staff_client: Client, small_world: dict
) -> None:
    page = staff_client.get(f"{reverse('mapping:gaps')}?county={ETELA_SAVO}").content.decode()
    gaps = coverage.gaps(county=ETELA_SAVO)
    rows = listed(page)
    assert len(rows) == min(len(gaps), 100)
    assert rows[:10] == [
        (str(rank), gap.municipality_name) for rank, gap in enumerate(gaps[:10], start=1)
    ]
    assert f"{len(gaps)} gaps." in page


def test_unmet_searches_are_shown_and_rank_equal_gaps(
    staff_client: Client, small_world: dict
) -> None:
    SearchDemand.objects.create(
        week=week_start(None),  # the last complete week, which gaps() reads
        municipality_id=SAVONLINNA,
        tier="UNIVERSAL_GROUP",
        target_group="MOTHERS",
        found_local=False,
        count=7,
    )
    url = f"{reverse('mapping:gaps')}?municipality={SAVONLINNA}"
    page = staff_client.get(url).content.decode()
    gaps = coverage.gaps(municipality=SAVONLINNA)
    searched = next(gap for gap in gaps if gap.unmet_searches)
    assert searched.unmet_searches == 7
    assert (searched.tier, searched.target_group) == ("UNIVERSAL_GROUP", "MOTHERS")
    assert '<td class="number">7</td>' in page


def test_the_list_follows_a_municipality_a_threshold_and_a_life_situation(
    staff_client: Client, small_world: dict
) -> None:
    base = reverse("mapping:gaps")
    page = staff_client.get(f"{base}?municipality={MIKKELI}").content.decode()
    assert {name for _, name in listed(page)} == {"Mikkeli"}
    page = staff_client.get(f"{base}?county={ETELA_SAVO}&threshold=50").content.decode()
    assert len(listed(page)) == min(len(coverage.gaps(county=ETELA_SAVO, threshold=0.5)), 100)
    page = staff_client.get(
        f"{base}?county={ETELA_SAVO}&life_situation=SEPARATION"
    ).content.decode()
    expected = coverage.gaps(county=ETELA_SAVO, life_situation="SEPARATION")
    assert f"{len(expected)} gaps." in page


def test_the_list_is_paged(staff_client: Client, small_world: dict) -> None:
    gaps = coverage.gaps()
    assert len(gaps) > 200
    page = staff_client.get(f"{reverse('mapping:gaps')}?page=2").content.decode()
    rows = listed(page)
    assert rows[0] == ("101", gaps[100].municipality_name)
    assert "Next page" in page and "Previous page" in page
    assert staff_client.get(f"{reverse('mapping:gaps')}?page=x").status_code == 200


def test_bad_filters_get_a_message_and_the_whole_list(
    staff_client: Client, small_world: dict
) -> None:
    response = staff_client.get(
        f"{reverse('mapping:gaps')}?county=99&municipality=abc&threshold=500&life_situation=%3Cb%3E"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Select a valid choice") == 3
    assert "Ensure this value is less than or equal to 100." in page
    assert f"{len(coverage.gaps())} gaps." in page


def test_the_gap_list_costs_the_same_queries_whatever_its_length(
    staff_client: Client, small_world: dict, django_assert_max_num_queries: object
) -> None:
    for query in (f"county={ETELA_SAVO}", f"municipality={MIKKELI}", "", "page=3"):
        with django_assert_max_num_queries(GAP_LIST_QUERIES):
            assert staff_client.get(f"{reverse('mapping:gaps')}?{query}").status_code == 200
