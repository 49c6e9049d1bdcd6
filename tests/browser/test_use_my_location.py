"""'Use my location' in a real browser: shown only where JavaScript and geolocation exist, and
filling the place field with the nearest postal area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.search.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

MIKKELI_MARKET_SQUARE = {"latitude": 61.6886, "longitude": 27.2723}
STOCKHOLM = {"latitude": 59.3293, "longitude": 18.0686}


@pytest.fixture
def located(new_page: Callable[..., Page]) -> Callable[..., Page]:
    """``located(position, javascript=True)``: a page in a browser that knows where it is."""

    def open_page(position: dict[str, float], *, javascript: bool = True) -> Page:
        return new_page(
            geolocation=position, permissions=["geolocation"], java_script_enabled=javascript
        )

    return open_page


@pytest.mark.parametrize("address", ["/fi/", "/fi/search/?q=neuvola"])
def test_use_my_location_fills_in_the_nearest_postal_area(located: Any, address: str) -> None:
    build_world()
    page = located(MIKKELI_MARKET_SQUARE)
    page.goto(address)
    button = page.get_by_role("button", name="Käytä sijaintiani")
    button.click()
    expect(page.locator("#search-place")).to_have_value("50100 Mikkeli Keskus")
    expect(page.locator(".locate-status")).to_contain_text("Postinumeroalueesi on täytetty")
    page.get_by_role("button", name="Hae", exact=True).click()
    page.wait_for_url("**/fi/search/?*place=50100*")
    assert "50100 Mikkeli Keskus" in page.locator(".result-count").inner_text()


def test_a_position_outside_finland_is_explained(located: Any) -> None:
    page = located(STOCKHOLM)
    page.goto("/fi/")
    page.get_by_role("button", name="Käytä sijaintiani").click()
    expect(page.locator(".locate-status")).to_contain_text("ei näytä olevan Suomessa")
    assert page.locator("#search-place").input_value() == ""


def test_without_javascript_there_is_no_button_that_does_nothing(located: Any) -> None:
    page = located(MIKKELI_MARKET_SQUARE, javascript=False)
    page.goto("/fi/")
    assert page.locator(".locate-button").is_hidden()
