"""Any date a client sends is answered with 400 or with a result, never with a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.hsds.world import World

EXTREMES = [
    "0001-01-01",
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31",
    "9999-12-31T23:59:59.999999",
    "9999-12-31T23:59:59-12:00",
]
MALFORMED = [
    "2025-02-30",
    "10000-01-01",
    "-0001-01-01",
    "2025-01-01T25:00",
    "2025-01-01T00:00:00+25:00",
    "yesterday",
    "2025-01-01\x00",
    "",
]
API_DATES = [
    ("/api/v1/services/", "updated_since"),
    ("/api/v1/sessions/", "starts_after"),
    ("/api/v1/sessions/", "starts_before"),
    ("/api/hsds/services", "modified_after"),
    ("/api/hsds/service_at_locations", "modified_after"),
]


def items(response: object) -> list:
    body = response.json()
    return body["results"] if "results" in body else body["contents"]


@pytest.mark.parametrize("path, parameter", API_DATES)
@pytest.mark.parametrize("value", EXTREMES)
def test_an_extreme_date_finds_everything_or_nothing(
    client: Client, world: World, path: str, parameter: str, value: str
) -> None:
    response = client.get(path, {parameter: value})
    assert response.status_code == 200, response.content[:300]
    found = items(response)
    everything = items(client.get(path))
    is_lower_bound = parameter in ("updated_since", "starts_after", "modified_after")
    if value.startswith("0001"):
        assert found == (everything if is_lower_bound else [])
    else:
        assert found == ([] if is_lower_bound else everything)


@pytest.mark.parametrize("path, parameter", API_DATES)
@pytest.mark.parametrize("value", [value for value in MALFORMED if value])
def test_a_malformed_date_is_a_bad_request_naming_the_parameter(
    client: Client, world: World, path: str, parameter: str, value: str
) -> None:
    response = client.get(path, {parameter: value})
    assert response.status_code == 400
    assert parameter in response.json()


def test_the_gap_list_of_the_api_takes_any_week(staff_client: Client, world: World) -> None:
    for week in ("0001-01-01", "0001-01-07", "9999-12-31"):
        response = staff_client.get("/api/v1/gaps/", {"week": week})
        assert response.status_code == 200, (week, response.content[:300])
    assert staff_client.get("/api/v1/gaps/", {"week": "10000-01-01"}).status_code == 400


@pytest.mark.parametrize("value", [*EXTREMES, *MALFORMED])
def test_the_session_list_and_its_feed_take_any_date(
    client: Client, world: World, value: str
) -> None:
    for path in ("/en/sessions/", "/en/sessions/calendar.ics"):
        for name in ("start", "end"):
            response = client.get(path, {name: value})
            assert response.status_code in (200, 400), (path, name, value)
