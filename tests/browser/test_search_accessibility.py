"""The home and search pages in a real browser: WCAG 2.1 A/AA, keyboard, language, small screens."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations
from tests.search.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/{language}/",
    "/{language}/search/?q=neuvola",
    "/{language}/search/?q=neuvola&place=50100&sort=distance",
    "/{language}/search/?q=xyzzy&place=Vaasa&free=1",  # no results: the helpful empty state
    "/{language}/search/?tier=NOPE&page=-1&place=00000&q=%00",  # bad input: the messages
    "/{language}/search/?channel=CHAT&channel=PHONE&age=3&evenings=1",  # filters open
    "/{language}/search/?page=2",
]


def test_home_and_search_pages_have_no_accessibility_violations_in_any_language(
    page: Page, axe: Axe
) -> None:
    build_world()
    problems = {}
    for language in ("fi", "sv", "en"):
        for address in PAGES:
            url = address.format(language=language)
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert page.locator("html").get_attribute("lang") == language, url
            if violations := axe_violations(axe, page):
                problems[url] = violations
    assert problems == {}


def test_the_filters_work_by_keyboard_alone(page: Page) -> None:
    build_world()
    page.goto("/en/search/")
    summary = page.locator(".search-filters > summary")
    for _ in range(40):  # tab until the filters' disclosure has the focus
        page.keyboard.press("Tab")
        if summary.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the filters cannot be reached with the Tab key")
    page.keyboard.press("Enter")
    assert page.locator(".search-filters").get_attribute("open") is not None
    page.keyboard.press("Tab")  # the first group of filters
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # its first choice
    focused = page.evaluate("document.activeElement.name + '=' + document.activeElement.value")
    assert focused == "life_situation=PREGNANCY"
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url("**/en/search/?*life_situation=PREGNANCY*")
    assert page.locator("#f-life_situation-PREGNANCY").is_checked()
    assert "Antenatal classes" in page.locator(".results").inner_text()


def test_focus_is_visible_on_the_search_controls(page: Page) -> None:
    page.goto("/en/search/")
    page.locator("#search-q").focus()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("document.activeElement.id") == "search-place"
    assert outline != "none"


@pytest.mark.parametrize(
    "address", ["/fi/", "/fi/search/?q=neuvola&place=50100", "/sv/search/?channel=CHAT"]
)
def test_nothing_scrolls_sideways_on_a_320_pixel_screen(page: Page, address: str) -> None:
    build_world()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(address)
    for details in page.locator("details").all():
        details.evaluate("element => element.open = true")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
