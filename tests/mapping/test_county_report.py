"""The county report: one printable page for the regional board with the map, the matrix, the
leading gaps, uniformity, the trend and the action plan's status."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from mapping import coverage
from mapping.models import Action
from mapping.templatetags.mapping_format import percent
from services.models import Organisation
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import ETELA_SAVO, MIKKELI, SAVONLINNA

# The county page's queries (the boundaries read once per process), the actions of the plan and
# the searches of the gaps they were made for.
REPORT_QUERIES = 19


@pytest.fixture
def plan(small_world: dict, organisation: Organisation) -> list[Action]:
    """Three actions: one overdue, one done, one whose gap the catalogue has closed."""
    common = {"owner": organisation, "kind": Action.Kind.NEW, "description": "Ryhmä"}
    return [
        Action.objects.create(
            municipality_id=SAVONLINNA,
            tier_id="UNIVERSAL_GROUP",
            target_group_id="PARENTS",
            due_date=dt.date(2020, 1, 31),
            **common,
        ),
        Action.objects.create(
            municipality_id=SAVONLINNA,
            tier_id="SPECIALIST",
            target_group_id="PARENTS",
            due_date=dt.date(2030, 6, 30),
            status=Action.Status.DONE,
            **common,
        ),
        Action.objects.create(
            municipality_id=MIKKELI,
            tier_id="UNIVERSAL_INDIVIDUAL",  # the phone line covers it
            target_group_id="PARENTS",
            due_date=dt.date(2030, 12, 31),
            status=Action.Status.IN_PROGRESS,
            **common,
        ),
    ]


def report(client: Client, query: str = "") -> str:
    response = client.get(reverse("mapping:county_report", args=[ETELA_SAVO]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_report_shows_the_map_the_matrix_and_uniformity(
    staff_client: Client, small_world: dict
) -> None:
    page = report(staff_client, "?tier=SPECIALIST&target_group=PARENTS")
    assert page.count('class="map-area"') == 11  # every municipality of the county
    matrix = page[
        page.index('id="report-matrix-caption"') : page.index(
            "</table>", page.index('id="report-matrix-caption"')
        )
    ]
    cells = {(c.tier, c.target_group): c for c in coverage.area_matrix(county=ETELA_SAVO)}
    uniformity = {(c.tier, c.target_group): c for c in coverage.uniformity(county=ETELA_SAVO)}
    parents = re.search(r"<th scope=\"row\">parents</th>(.*?)</tr>", matrix, re.S)[1]
    specialist = (cells[("SPECIALIST", "PARENTS")], uniformity[("SPECIALIST", "PARENTS")])
    assert f"{percent(specialist[0].coverage)}" in parents
    assert f"/ {percent(specialist[1].value)}" in parents
    couples = re.search(r"<th scope=\"row\">couples</th>(.*?)</tr>", matrix, re.S)[1]
    assert couples.count("/ —") == 4  # nobody covered anywhere: no uniformity to show


def test_the_report_leads_with_the_same_gaps_as_the_county_page(
    staff_client: Client, small_world: dict
) -> None:
    page = report(staff_client)
    overview = coverage.gap_overview(county=ETELA_SAVO)
    everywhere = [row for row in overview.missing if row.missing_everywhere]
    assert f"{len(everywhere)} supports missing everywhere" in page
    # The supports missing everywhere, one line per tier.
    assert "<strong>universal, group:</strong> parents (also mothers, fathers), couples" in page
    mostly = [row for row in overview.missing if not row.missing_everywhere]
    assert mostly and "specialist services: parents (also mothers, fathers)" in page


def test_the_report_shows_the_trend_and_the_plans_status(
    staff_client: Client, plan: list[Action]
) -> None:
    coverage.snapshot_coverage(date=dt.date(2026, 1, 1))
    coverage.snapshot_coverage(date=dt.date(2026, 2, 1))
    page = re.sub(
        r"[ \n]+", " ", report(staff_client, "?tier=UNIVERSAL_INDIVIDUAL&target_group=PARENTS")
    )
    assert page.count(f"<strong>{percent(1.0)}</strong>") >= 2  # both snapshots
    assert "3 actions: planned 1, in progress 1, done 1, cancelled 0." in page
    assert "1 open action overdue." in page
    assert "closed the gap of 1 action" in page
    assert "Savonlinna: universal, group, parents" in page  # the next due


def test_the_report_can_be_printed_from_the_browser(
    staff_client: Client, small_world: dict
) -> None:
    page = report(staff_client)
    assert "data-print hidden" in page and "js/print.js" in page
    assert "Save as PDF" in page
    county = staff_client.get(reverse("mapping:county", args=[ETELA_SAVO])).content.decode()
    assert reverse("mapping:county_report", args=[ETELA_SAVO]) in county


def test_the_report_costs_the_same_queries_whatever_the_plan_holds(
    staff_client: Client, plan: list[Action], django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(REPORT_QUERIES):
        report(staff_client)
    for number in range(10):
        Action.objects.create(
            municipality_id=MIKKELI,
            tier_id="SPECIALIST",
            target_group_id="COUPLES",
            owner=plan[0].owner,
            kind=Action.Kind.EXTEND,
            description=f"Toimi {number}",
            due_date=dt.date(2031, 1, 1),
        )
    with django_assert_max_num_queries(REPORT_QUERIES):
        report(staff_client)


def test_an_unknown_county_has_no_report(staff_client: Client, small_world: dict) -> None:
    for code in ("99", "1", "<b>"):
        assert staff_client.get(f"/en/mapping/counties/{code}/report/").status_code == 404
