"""On a 375 px phone a parent sees the first result, and the way to talk to someone now,
without scrolling (issue 11, point 7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.search.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 667}


def _top(page: Page, selector: str) -> float:
    """The element's distance from the top of the page, in CSS pixels."""
    return page.locator(selector).first.evaluate(
        "element => element.getBoundingClientRect().top + window.scrollY"
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_first_result_starts_on_the_first_screen_of_a_phone(page: Page, language: str) -> None:
    build_world()
    page.set_viewport_size(PHONE)
    page.goto(f"/{language}/search/?q=neuvola&place=50100")
    assert page.locator(".results > li").count() > 0
    assert _top(page, ".results > li") < PHONE["height"] - 48


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_talk_to_someone_now_is_reachable_from_the_top_of_the_home_page(
    page: Page, language: str
) -> None:
    build_world()
    page.set_viewport_size(PHONE)
    page.goto(f"/{language}/")
    link = page.locator("a[href='#now-heading']")
    assert _top(page, "a[href='#now-heading']") < PHONE["height"] - 48
    # the section itself comes after all eighteen life situations
    assert _top(page, "#now-heading") > _top(page, ".life-situations li:last-child")
    link.click()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled <= _top(page, "#now-heading") < scrolled + PHONE["height"] - 48
