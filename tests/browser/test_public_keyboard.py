"""Keyboard use of the public pages: skip link first, every control reachable, focus visible."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSABLE = (
    "a[href], button:not([hidden]), input:not([type=hidden]), select, textarea, [tabindex='0']"
)
# Every visible focusable element, as a key the focused element can be compared with.
VISIBLE_CONTROLS = f"""
() => Array.from(document.querySelectorAll("{FOCUSABLE}"))
  .filter(el => el.offsetParent !== null && getComputedStyle(el).visibility !== "hidden")
  .map(el => el.outerHTML)
"""
FOCUSED = """
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    html: el.outerHTML,
    visible: style.outlineStyle !== "none" || style.boxShadow !== "none",
  };
}
"""


def tab_through(page: Page) -> tuple[list[str], list[str]]:
    """Tab from the top of the page until focus leaves it; what got focus, and where no focus
    indicator was drawn."""
    controls = page.evaluate(VISIBLE_CONTROLS)
    reached: list[str] = []
    invisible: list[str] = []
    # Date fields take several stops (day, month, year); allow for them.
    for _step in range(3 * len(controls) + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["html"].startswith("<body"):
            break
        if reached and focused["html"] == reached[-1]:
            continue  # still inside the same control
        reached.append(focused["html"])
        if not focused["visible"]:
            invisible.append(focused["html"][:120])
    return reached, invisible


# One walk over several pages: each browser test reloads the reference data (seconds).
KEYBOARD_PAGES = [
    "/fi/services/{service}/?list={example}",
    "/sv/sessions/",
    "/en/list/?list={service},{example}&note=Call",
    "/fi/services/{service}/report/",
    "/en/adult-services/",
]


def test_every_control_is_reachable_by_keyboard_with_visible_focus(
    page: Page, public_world: Any
) -> None:
    problems: dict[str, dict[str, list[str]]] = {}
    for path in KEYBOARD_PAGES:
        page.goto(path.format(service=public_world.service.pk, example=public_world.example.pk))
        controls = page.evaluate(VISIBLE_CONTROLS)
        reached, invisible = tab_through(page)
        found = {
            "skip link not first": []
            if reached[0].startswith('<a class="skip-link"')
            else reached[:1],
            "not reachable": [c[:120] for c in controls if c not in reached],
            "focus not visible": invisible,
        }
        if any(found.values()):
            problems[path] = {key: value for key, value in found.items() if value}
    assert problems == {}


def test_the_skip_link_moves_focus_to_the_content(page: Page, public_world: Any) -> None:
    page.goto(f"/en/services/{public_world.service.pk}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    first_in_content = page.evaluate("document.activeElement.closest('main') !== null")
    assert first_in_content


def test_a_support_list_is_collected_and_shared_with_the_keyboard_alone(
    page: Page, public_world: Any, settings: Any
) -> None:
    settings.FORM_MIN_SECONDS = 0
    page.goto(f"/en/services/{public_world.service.pk}/")
    page.get_by_role("link", name="Add to support list").focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Support list (1 service)").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Note for the family (optional)").focus()
    page.keyboard.type("Call on Monday")
    page.get_by_role("button", name="Create a link to share").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/list/*/")
    assert "Call on Monday" in page.content()
    assert page.locator(".qr svg[role=img]").count() == 1
