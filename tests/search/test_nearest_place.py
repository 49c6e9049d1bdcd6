"""'Use my location': the browser's position turned into the nearest postal area (POST
/<lang>/place/nearest/), never logged, and clear answers to bad input."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from services.places import nearest_postal_area

pytestmark = pytest.mark.django_db

MIKKELI_MARKET_SQUARE = ("61.6886", "27.2723")
# 0.2 km from the centre of 00100, 0.9 km from that of 00180, 1.4 km from that of 00170
KAMPPI = ("60.1700", "24.9280")


def nearest(client: Client, data: dict[str, str], language: str = "fi") -> tuple[int, dict]:
    response = client.post(f"/{language}/place/nearest/", data)
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_a_position_in_mikkeli_gives_its_postal_area_for_the_search_form(
    parent_client: Client,
) -> None:
    latitude, longitude = MIKKELI_MARKET_SQUARE
    status, answer = nearest(parent_client, {"lat": latitude, "lon": longitude})
    assert status == 200
    assert answer == {
        "postal_code": "50100",
        "name": "Mikkeli Keskus",
        "place": "50100 Mikkeli Keskus",
    }


def test_the_area_is_named_in_the_pages_language(parent_client: Client) -> None:
    latitude, longitude = MIKKELI_MARKET_SQUARE
    status, answer = nearest(parent_client, {"lat": latitude, "lon": longitude}, "sv")
    assert status == 200
    assert answer["place"] == "50100 S:t Michel centrum"


def test_the_nearest_centre_wins_among_close_areas_in_helsinki() -> None:
    latitude, longitude = (float(value) for value in KAMPPI)
    area = nearest_postal_area(latitude=latitude, longitude=longitude)
    assert area is not None and area.code == "00100"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"lat": "61.6886"},
        {"lon": "27.2723"},
        {"lat": "", "lon": ""},
        {"lat": "kuusikymmentä", "lon": "27.2723"},
        {"lat": "nan", "lon": "27.2723"},
        {"lat": "61.6886", "lon": "inf"},
        {"lat": "91", "lon": "27.2723"},
        {"lat": "61,6886", "lon": "27,2723"},
    ],
)
def test_a_missing_or_malformed_position_is_refused_with_a_message(
    parent_client: Client, data: dict[str, str]
) -> None:
    status, answer = nearest(parent_client, data, "en")
    assert status == 400
    assert answer == {"error": "Send your position as latitude and longitude in degrees."}


@pytest.mark.parametrize(
    "position",
    [("59.3293", "18.0686"), ("59.4370", "24.7536"), ("48.8566", "2.3522"), ("0", "0")],
    ids=["Stockholm", "Tallinn", "Paris", "null island"],
)
def test_a_position_outside_finland_is_refused_with_a_message(
    parent_client: Client, position: tuple[str, str]
) -> None:
    status, answer = nearest(parent_client, {"lat": position[0], "lon": position[1]}, "en")
    assert status == 400
    assert answer["error"].startswith("Your position does not seem to be in Finland.")


def test_the_position_is_not_taken_from_the_address(parent_client: Client) -> None:
    """Coordinates in a query string would land in the access log: they are not accepted."""
    latitude, longitude = MIKKELI_MARKET_SQUARE
    response = parent_client.get(f"/fi/place/nearest/?lat={latitude}&lon={longitude}")
    assert response.status_code == 405
    response = parent_client.post(f"/fi/place/nearest/?lat={latitude}&lon={longitude}")
    assert response.status_code == 400


def test_the_position_is_never_logged_nor_remembered(
    parent_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for data in ({"lat": "61.6886", "lon": "27.2723"}, {"lat": "61.6886", "lon": "x27.2723"}):
        response = parent_client.post("/fi/place/nearest/", data)
        assert "no-store" in response["Cache-Control"]
        assert "Set-Cookie" not in response.headers
    assert caplog.records  # the refused request was logged, as Django does ...
    assert "61.6886" not in caplog.text  # ... without the position
    assert "27.2723" not in caplog.text
