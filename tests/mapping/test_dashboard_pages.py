"""The drill-down pages show the engine's numbers: nation → county → municipality → postal area."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mapping import coverage
from mapping.templatetags.mapping_format import children, percent
from services.models import Municipality, Tier
from tests.factories import LocationFactory, MethodFactory, SupportServiceFactory
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import ETELA_SAVO, MIKKELI

# Each page costs the same number of queries whatever the catalogue holds; these are the
# counts measured on the small world (session and user included). The municipality page reads
# the service locations of its map when any service is available there; the evidence-based
# lens reads which services use a rated method.
NATION_QUERIES = 16
COUNTY_QUERIES = 17
MUNICIPALITY_QUERIES = 18
LENS_QUERIES = 1


def row_of(html: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert match, row_id
    return match[1]


def test_the_nation_page_shows_each_countys_coverage_from_the_engine(
    staff_client: Client, small_world: dict
) -> None:
    url = reverse("mapping:nation")
    response = staff_client.get(f"{url}?tier=UNIVERSAL_INDIVIDUAL&target_group=PARENTS")
    html = response.content.decode()
    cells = coverage.municipality_coverage(tier="UNIVERSAL_INDIVIDUAL", target_group="PARENTS")
    in_county = [cell for cell in cells if cell.county == ETELA_SAVO]
    total = sum(cell.children for cell in in_county)
    covered = sum(cell.covered_children for cell in in_county)
    row = row_of(html, f"county-map-row-{ETELA_SAVO}")
    assert children(total) in row
    assert percent(covered / total) in row
    assert percent(1.0) in row  # the phone line covers every child of the county
    elsewhere = row_of(html, "county-map-row-02")
    assert percent(0.0) in elsewhere


def test_the_nation_page_shows_each_countys_uniformity_as_the_engine_computes_it(
    staff_client: Client, small_world: dict
) -> None:
    url = reverse("mapping:nation")
    html = staff_client.get(f"{url}?tier=SPECIALIST&target_group=PARENTS").content.decode()
    value = next(
        cell.value
        for cell in coverage.uniformity(county=ETELA_SAVO)
        if (cell.tier, cell.target_group) == ("SPECIALIST", "PARENTS")
    )
    assert 0 < value < 1  # only Mikkeli and its neighbours have the specialist service
    assert percent(value) in row_of(html, f"county-map-row-{ETELA_SAVO}")


def test_the_county_page_shows_the_uniformity_of_every_tier_and_target_group(
    staff_client: Client, small_world: dict
) -> None:
    html = staff_client.get(reverse("mapping:county", args=[ETELA_SAVO])).content.decode()
    start = html.index('id="uniformity-caption"')
    section = html[start : html.index("</table>", start)]
    cells = coverage.uniformity(county=ETELA_SAVO)
    assert {cell.tier for cell in cells} == {
        "DIGITAL",
        "UNIVERSAL_INDIVIDUAL",
        "UNIVERSAL_GROUP",
        "SPECIALIST",
    }
    for cell in cells:
        if cell.value is not None:
            assert percent(cell.value) in section
    assert section.count("<tr>") == len({cell.target_group for cell in cells}) + 1


def test_uniformity_is_a_dash_with_its_reason_where_nobody_is_covered(
    staff_client: Client, small_world: dict
) -> None:
    html = staff_client.get(reverse("mapping:county", args=[ETELA_SAVO])).content.decode()
    start = html.index('id="uniformity-caption"')
    section = html[start : html.index("</table>", start)]
    nobody = [cell for cell in coverage.uniformity(county=ETELA_SAVO) if cell.value is None]
    assert nobody  # e.g. every tier for couples in this world
    row = re.search(r"<th scope=\"row\">couples</th>(.*?)</tr>", section, re.S)[1]
    assert row.count("—") == 4
    assert row.count("nobody covered anywhere") == 4
    assert percent(1.0) not in row
    # The nation's table says the same for each county with nobody covered.
    page = staff_client.get(
        reverse("mapping:nation") + "?tier=UNIVERSAL_GROUP&target_group=COUPLES"
    ).content.decode()
    assert "nobody covered anywhere" in row_of(page, f"county-map-row-{ETELA_SAVO}")


def test_gap_cells_in_the_matrix_are_marked_in_words_and_symbols_with_a_legend(
    staff_client: Client, small_world: dict
) -> None:
    html = staff_client.get(reverse("mapping:county", args=[ETELA_SAVO])).content.decode()
    legend = re.search(r'<ul class="mapping-matrix-legend".*?</ul>', html, re.S)[0]
    assert "missing: no child covered" in legend and "gap: some children without" in legend
    cells = {(c.tier, c.target_group): c for c in coverage.area_matrix(county=ETELA_SAVO)}
    assert cells[("SPECIALIST", "PARENTS")].coverage < 1
    table = html[html.index('id="matrix-caption"') :]
    specialist = re.search(r"<th scope=\"row\">parents</th>(.*?)</tr>", table, re.S)[1]
    cells_html = re.findall(r"<td(.*?)</td>", specialist, re.S)
    assert 'class="mapping-cell-full' in cells_html[1]  # the phone line covers everybody
    assert "mapping-cell-gap" in cells_html[3] and "covered, gap" in cells_html[3]
    assert "mapping-cell-missing" in cells_html[2] and "covered, missing" in cells_html[2]


def test_the_coverage_matrix_shows_covered_and_uncovered_children(
    staff_client: Client, small_world: dict
) -> None:
    html = staff_client.get(reverse("mapping:county", args=[ETELA_SAVO])).content.decode()
    cell = next(
        cell
        for cell in coverage.area_matrix(county=ETELA_SAVO)
        if (cell.tier, cell.target_group) == ("SPECIALIST", "MOTHERS")
    )
    assert 0 < cell.coverage < 1
    assert f"{children(cell.uncovered_children)} of {children(cell.children)} uncovered" in html
    assert percent(cell.coverage) in html


def test_the_county_page_lists_every_municipality_with_the_engines_numbers(
    staff_client: Client, small_world: dict
) -> None:
    url = reverse("mapping:county", args=[ETELA_SAVO])
    html = staff_client.get(f"{url}?tier=SPECIALIST&target_group=PARENTS").content.decode()
    cells = coverage.municipality_coverage(
        tier="SPECIALIST", target_group="PARENTS", county=ETELA_SAVO
    )
    assert len(cells) == Municipality.objects.filter(county=ETELA_SAVO).count() == 11
    for cell in cells:
        row = row_of(html, f"municipality-map-row-{cell.code}")
        assert cell.name in row
        assert percent(cell.coverage) in row
        assert children(cell.uncovered_children) in row


def test_the_municipality_page_shows_which_postal_areas_are_covered(
    staff_client: Client, small_world: dict
) -> None:
    url = reverse("mapping:municipality", args=[MIKKELI])
    html = staff_client.get(f"{url}?tier=SPECIALIST&target_group=FATHERS").content.decode()
    cells = coverage.postal_areas(municipality=MIKKELI, tier="SPECIALIST", target_group="FATHERS")
    assert any(cell.covered for cell in cells)
    for cell in cells:
        assert f"{cell.code} {cell.name}" in html
    assert "Postal code areas" in html


def test_the_municipality_page_shows_the_accessibility_of_each_postal_area(
    staff_client: Client, small_world: dict
) -> None:
    small_world["specialist"].locations.update(capacity=12)
    coverage.recompute()
    url = reverse("mapping:municipality", args=[MIKKELI])
    html = staff_client.get(f"{url}?tier=SPECIALIST&target_group=PARENTS").content.decode()
    cells = coverage.accessibility(municipality=MIKKELI, tier="SPECIALIST", target_group="PARENTS")
    nearest = max(cells, key=lambda cell: cell.value)
    assert nearest.value > 0
    row = re.search(rf"<th scope=\"row\">{nearest.code} .*?</tr>", html, re.S)
    assert row and f"{nearest.value:.1f}" in row[0]
    assert "families a week per 1,000 children" in html


def test_the_gap_rows_link_to_adding_an_action_for_that_gap(
    staff_client: Client, small_world: dict
) -> None:
    html = staff_client.get(reverse("mapping:municipality", args=[MIKKELI])).content.decode()
    first = coverage.gap_overview(municipality=MIKKELI).missing[0]
    assert (
        f"{reverse('mapping:action_add')}?tier={first.tier}&amp;"
        f"target_group={first.target_group}&amp;municipality={MIKKELI}"
    ) in html


def test_a_life_situation_narrows_every_figure(staff_client: Client, small_world: dict) -> None:
    url = reverse("mapping:county", args=[ETELA_SAVO])
    html = staff_client.get(f"{url}?life_situation=SEPARATION").content.decode()
    # Neither service lists separation, so nothing is covered for it but the national ones
    # (none in this world): every municipality is 0 %.
    for cell in coverage.municipality_coverage(
        tier="UNIVERSAL_INDIVIDUAL",
        target_group="PARENTS",
        county=ETELA_SAVO,
        life_situation="SEPARATION",
    ):
        assert cell.coverage == 0
        assert percent(0.0) in row_of(html, f"municipality-map-row-{cell.code}")
    assert 'value="SEPARATION" selected' in html


def test_the_definitions_are_shown_with_the_reach_distances_and_data_years(
    staff_client: Client, small_world: dict
) -> None:
    html = staff_client.get(reverse("mapping:nation")).content.decode()
    assert "What the numbers mean" in html
    assert "specialist services: 60 km" in html
    assert "universal, individual: 25 km" in html
    assert "(2022)" in html and "Paavo 2018" in html


@pytest.mark.parametrize(
    "query",
    [
        "tier=NOPE&target_group=%3Cscript%3E&life_situation=X",
        "min_rating=9",
        "min_rating=%3Cscript%3E&tier=SPECIALIST",
        "min_rating=-1&target_group=",
    ],
)
def test_unknown_choices_in_the_address_show_a_message_and_the_pages_choice(
    staff_client: Client, small_world: dict, query: str
) -> None:
    for url in (
        reverse("mapping:nation"),
        reverse("mapping:county", args=[ETELA_SAVO]),
        reverse("mapping:municipality", args=[MIKKELI]),
        reverse("mapping:county_report", args=[ETELA_SAVO]),
    ):
        response = staff_client.get(f"{url}?{query}")
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Some choices were not valid" in html
        assert "<script>" not in html


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_pages_speak_finnish_swedish_and_english(
    staff_client: Client, small_world: dict, language: str
) -> None:
    with translation.override(language):
        url = reverse("mapping:county", args=[ETELA_SAVO])
    html = staff_client.get(url).content.decode()
    assert f'<html lang="{language}">' in html
    expected = {"fi": "Kattavuus", "sv": "Täckning", "en": "Coverage"}[language]
    assert expected in html


def test_the_pages_cost_the_same_queries_whatever_the_catalogue_holds(
    staff_client: Client,
    small_world: dict,
    django_assert_max_num_queries: object,
) -> None:
    specialist = "tier=SPECIALIST&target_group=PARENTS"
    pages = [
        (reverse("mapping:nation"), NATION_QUERIES),
        (reverse("mapping:county", args=[ETELA_SAVO]), COUNTY_QUERIES),
        (reverse("mapping:municipality", args=[MIKKELI]) + f"?{specialist}", MUNICIPALITY_QUERIES),
        (reverse("mapping:nation") + "?min_rating=1", NATION_QUERIES + LENS_QUERIES),
        (
            reverse("mapping:county", args=[ETELA_SAVO]) + "?min_rating=2",
            COUNTY_QUERIES + LENS_QUERIES,
        ),
        (
            reverse("mapping:municipality", args=[MIKKELI]) + f"?{specialist}&min_rating=5",
            MUNICIPALITY_QUERIES + LENS_QUERIES,
        ),
    ]
    for url, ceiling in pages:
        with django_assert_max_num_queries(ceiling):
            assert staff_client.get(url).status_code == 200
    rated = MethodFactory(name="Voimaperheet", rating=5)
    for _ in range(15):
        service = SupportServiceFactory(channels=["CHAT"], municipalities=[MIKKELI])
        service.methods.add(rated)
        LocationFactory(service=service)
    coverage.recompute()
    for url, ceiling in pages:
        with django_assert_max_num_queries(ceiling):
            assert staff_client.get(url).status_code == 200


def test_the_trend_shows_each_monthly_snapshot(staff_client: Client, small_world: dict) -> None:
    url = reverse("mapping:county", args=[ETELA_SAVO])
    assert "No snapshots yet" in staff_client.get(url).content.decode()
    coverage.snapshot_coverage(date=dt.date(2026, 1, 1))
    SupportServiceFactory(
        tier=Tier.objects.get(code="SPECIALIST"),
        channels=["VIDEO"],
        target_groups=["PARENTS"],
        municipalities=["593"],
    )
    coverage.recompute()
    coverage.snapshot_coverage(date=dt.date(2026, 2, 1))
    page = staff_client.get(f"{url}?tier=SPECIALIST&target_group=PARENTS").content.decode()
    points = coverage.trend(county=ETELA_SAVO, tier="SPECIALIST", target_group="PARENTS")
    assert [date for date, _ in points] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert points[0][1] < points[1][1]
    table = page[page.index('id="trend-caption"') :]
    for date, value in points:
        assert f"{date:%m/%d/%Y}" in table
        assert percent(value) in table
    assert "<polyline" in page


def test_one_page_reads_the_stored_results_once(small_world: dict) -> None:
    coverage.area_matrix()  # decoded and kept by this process
    with CaptureQueriesContext(connection) as outside:
        coverage.status()
        coverage.area_matrix()
        coverage.gaps()
    with coverage.one_reading(), CaptureQueriesContext(connection) as inside:
        coverage.status()
        coverage.area_matrix()
        coverage.gaps()
    state_reads = [q for q in inside.captured_queries if "mapping_coveragestate" in q["sql"]]
    assert len(state_reads) == 1
    assert len(inside) < len(outside)
