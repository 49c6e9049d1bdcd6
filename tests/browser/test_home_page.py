from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_home_page_is_accessible_in_every_language(page: Page, axe: Axe, language: str) -> None:
    page.goto(f"/{language}/")
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(axe, page) == []


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page: Page) -> None:
    page.goto("/fi/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
