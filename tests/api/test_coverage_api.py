"""Coverage and gaps in the API: for staff who may view the mapping, 403 for anyone else."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.hsds.world import World

URLS = [
    "/api/v1/coverage/?county=10",
    "/api/v1/coverage/municipalities/?tier=SPECIALIST&target_group=PARENTS&county=10",
    "/api/v1/coverage/postal-areas/?municipality=491&tier=SPECIALIST&target_group=PARENTS",
    "/api/v1/gaps/?county=10",
]


@pytest.mark.parametrize("url", URLS)
def test_only_staff_may_read_coverage(
    client: Client, editor_client: Client, world: World, url: str
) -> None:
    assert client.get(url).status_code == 403
    assert editor_client.get(url).status_code == 403


def test_the_coverage_of_a_municipality_counts_its_services(
    staff_client: Client, world: World
) -> None:
    cells = staff_client.get("/api/v1/coverage/?municipality=491").json()
    cell = next(c for c in cells if (c["tier"], c["target_group"]) == ("SPECIALIST", "PARENTS"))
    assert cell["services"] == 1
    assert cell["coverage"] > 0.5
    assert cell["covered_children"] + cell["uncovered_children"] == pytest.approx(cell["children"])
    areas = staff_client.get(URLS[2]).json()
    covered = [area for area in areas if area["code"] == "50100"]
    assert covered[0]["covered"] is True
    assert covered[0]["service_ids"] == [world.service.pk]


def test_gaps_are_ranked_by_uncovered_children(staff_client: Client, world: World) -> None:
    body = staff_client.get("/api/v1/gaps/?county=10&page_size=20").json()
    uncovered = [gap["uncovered_children"] for gap in body["results"]]
    assert uncovered == sorted(uncovered, reverse=True)
    assert body["count"] > 20
    assert {gap["county"] for gap in body["results"]} == {"10"}


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("coverage/?county=99", "detail"),
        ("coverage/?county=10&municipality=491", "non_field_errors"),
        ("coverage/municipalities/?tier=SPECIALIST", "target_group"),
        ("gaps/?threshold=2", "threshold"),
        ("gaps/?week=last", "week"),
        ("gaps/?life_situation=NOPE", "detail"),
    ],
)
def test_bad_parameters_get_a_400(
    staff_client: Client, world: World, query: str, parameter: str
) -> None:
    response = staff_client.get(f"/api/v1/{query}")
    assert response.status_code == 400
    assert parameter in response.json()
