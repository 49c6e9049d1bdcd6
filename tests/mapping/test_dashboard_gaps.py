"""The gap list: the two kinds ranked as the engine ranks them, sorted on request, filtered,
paged, with a constant cost."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from mapping import coverage
from mapping.gaps import week_start
from services.models import SearchDemand
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import ETELA_SAVO, MIKKELI, SAVONLINNA
from tests.mapping.worlds import make_service

# Session and user (four), four taxonomies, the municipalities of the filter and the one
# chosen, the engine's gaps (state, searches, names) and the open actions; the evidence-based
# lens reads which services use a rated method.
GAP_LIST_QUERIES = 14
LENS_QUERIES = 1


def table_rows(page: str, table_id: str) -> list[str]:
    start = page.index(f'id="{table_id}"')
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def ranks_and_places(page: str, table_id: str) -> list[tuple[str, str]]:
    """(rank, municipality or support) of each row of a gap table, in order."""
    return [
        (
            re.search(r'<td class="number">(\d+)</td>', row)[1],
            re.search(r'<th scope="row"><a href="[^"]*">([^<]+)</a>', row)[1],
        )
        for row in table_rows(page, table_id)
    ]


def test_each_kind_is_listed_as_the_engine_ranks_it(
    staff_client: Client, small_world: dict
) -> None:
    make_service(
        tier="UNIVERSAL_GROUP",
        channels=["GROUP"],
        counties=[ETELA_SAVO],
        locations=[(61.6886, 27.2723), (61.8687, 28.8794)],
    )
    coverage.recompute()
    page = staff_client.get(f"{reverse('mapping:gaps')}?county={ETELA_SAVO}").content.decode()
    overview = coverage.gap_overview(county=ETELA_SAVO)
    assert overview.unequal and overview.missing
    unequal = ranks_and_places(page, "gaps")
    assert (
        unequal
        == [
            (str(rank), gap.municipality_name) for rank, gap in enumerate(overview.unequal, start=1)
        ][:100]
    )
    everywhere = [row for row in overview.missing if row.missing_everywhere]
    listed = ranks_and_places(page, "missing-everywhere")
    assert len(listed) == min(len(everywhere), 100)
    assert listed[0][0] == "1"
    assert f"{len(overview.unequal)} unequal gaps" in page
    assert f"{len(everywhere)} supports missing everywhere" in page
    # The ranking is explained where it is shown.
    assert "ranked by the children without the support" in page


def test_unmet_searches_are_shown_on_the_row_of_their_gap(
    staff_client: Client, small_world: dict
) -> None:
    SearchDemand.objects.create(
        week=week_start(None),  # the last complete week, which the lists read
        municipality_id=SAVONLINNA,
        tier="UNIVERSAL_GROUP",
        target_group="MOTHERS",
        found_local=False,
        count=7,
    )
    page = staff_client.get(f"{reverse('mapping:gaps')}?municipality={SAVONLINNA}").content.decode()
    overview = coverage.gap_overview(municipality=SAVONLINNA)
    [row] = [
        row
        for row in overview.missing
        if (row.tier, row.target_group) == ("UNIVERSAL_GROUP", "PARENTS")
    ]
    # No group anywhere in the county: one row for parents, mothers and fathers.
    assert row.missing_everywhere and row.target_groups == ("PARENTS", "MOTHERS", "FATHERS")
    assert row.unmet_searches == 7
    parents = "universal, group: parents (also mothers, fathers)"
    [shown] = [r for r in table_rows(page, "missing-everywhere") if parents in r]
    assert '<td class="number">7</td>' in shown


def test_the_coordinator_may_sort_by_unmet_searches(
    staff_client: Client, small_world: dict
) -> None:
    SearchDemand.objects.create(
        week=week_start(None),
        municipality_id=SAVONLINNA,
        tier="SPECIALIST",
        target_group="BEREAVED",
        found_local=False,
        count=3,
    )
    base = f"{reverse('mapping:gaps')}?life_situation=SEPARATION"
    ranked = ranks_and_places(staff_client.get(base).content.decode(), "missing-everywhere")
    page = staff_client.get(f"{base}&sort=searches").content.decode()
    by_searches = ranks_and_places(page, "missing-everywhere")
    # Nationally the largest counties lead; by searches, Etelä-Savo's row with three.
    assert ranked[0][1] != by_searches[0][1] == "specialist services: parents who have lost a child"
    assert "South Savo" in table_rows(page, "missing-everywhere")[0]
    assert 'aria-sort="descending"' in page
    # An unknown sort is left out with a message; the ranking stays.
    page = staff_client.get(f"{base}&sort=%3Cb%3E").content.decode()
    assert "Some choices were not valid" in page
    assert ranks_and_places(page, "missing-everywhere") == ranked


def test_the_list_follows_a_municipality_a_threshold_and_a_life_situation(
    staff_client: Client, small_world: dict
) -> None:
    base = reverse("mapping:gaps")
    page = staff_client.get(f"{base}?municipality={MIKKELI}").content.decode()
    overview = coverage.gap_overview(municipality=MIKKELI)
    assert f"{len(overview.missing) - overview.missing_everywhere} supports missing in most" in page
    rows = table_rows(page, "missing-everywhere")
    assert rows and all("1 municipality" in row for row in rows)
    page = staff_client.get(f"{base}?county={ETELA_SAVO}&threshold=50").content.decode()
    half = coverage.gap_overview(county=ETELA_SAVO, threshold=0.5)
    assert f"made of {half.cells} municipalities" in page
    page = staff_client.get(
        f"{base}?county={ETELA_SAVO}&life_situation=SEPARATION"
    ).content.decode()
    expected = coverage.gap_overview(county=ETELA_SAVO, life_situation="SEPARATION")
    assert f"{expected.missing_everywhere} supports missing everywhere" in page


def test_each_list_is_paged_on_its_own(staff_client: Client, small_world: dict) -> None:
    overview = coverage.gap_overview()
    everywhere = [row for row in overview.missing if row.missing_everywhere]
    assert len(everywhere) > 200
    page = staff_client.get(f"{reverse('mapping:gaps')}?everywhere_page=2").content.decode()
    rows = ranks_and_places(page, "missing-everywhere")
    assert rows[0][0] == "101"
    assert "Next page" in page and "Previous page" in page
    assert "everywhere_page=3#everywhere-heading" in page
    assert staff_client.get(f"{reverse('mapping:gaps')}?page=x&mostly_page=-1").status_code == 200


def test_bad_filters_get_a_message_and_the_whole_list(
    staff_client: Client, small_world: dict
) -> None:
    response = staff_client.get(
        f"{reverse('mapping:gaps')}?county=99&municipality=abc&threshold=500"
        "&life_situation=%3Cb%3E&min_rating=7"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Select a valid choice") == 4
    assert "Ensure this value is less than or equal to 100." in page
    assert "<b>" not in page
    overview = coverage.gap_overview()
    assert f"{overview.missing_everywhere} supports missing everywhere" in page


def test_the_gap_list_costs_the_same_queries_whatever_its_length(
    staff_client: Client, small_world: dict, django_assert_max_num_queries: object
) -> None:
    for query, ceiling in (
        (f"county={ETELA_SAVO}", GAP_LIST_QUERIES),
        (f"municipality={MIKKELI}", GAP_LIST_QUERIES),
        ("", GAP_LIST_QUERIES),
        ("everywhere_page=3&sort=coverage", GAP_LIST_QUERIES),
        (f"county={ETELA_SAVO}&min_rating=3", GAP_LIST_QUERIES + LENS_QUERIES),
    ):
        with django_assert_max_num_queries(ceiling):
            assert staff_client.get(f"{reverse('mapping:gaps')}?{query}").status_code == 200
