"""Every public page in a real browser, in every language: WCAG 2.1 A/AA by axe-core with zero
violations, the right ``lang``, no horizontal scroll at 320 px and no request to another site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, Request

from services.models import SharedList
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

Step = Callable[[Page], None]


def visit(path: str) -> Step:
    return lambda page: page.goto(path)


def submit(path: str, button: str, fill: dict[str, str] | None = None) -> Step:
    """Open ``path``, fill in fields (by name) and press the button named ``button``."""

    def step(page: Page) -> None:
        page.goto(path)
        for name, value in (fill or {}).items():
            page.locator(f"[name='{name}']").fill(value)
        page.locator("form button[type=submit]").filter(has_text=button).first.click()
        page.wait_for_load_state()

    return step


def public_pages(world: Any, language: str) -> dict[str, Step]:
    shared = SharedList.objects.create(
        service_ids=[world.service.pk, world.example.pk], note="Soita maanantaina."
    )
    expired = SharedList.objects.create(
        service_ids=[world.service.pk], expires_at=timezone.now() - dt.timedelta(days=1)
    )
    service, lang = world.service.pk, language
    listed = f"{world.service.pk},{world.example.pk}"
    buttons = {
        "fi": ("Lähetä ilmoitus", "Luo jaettava linkki"),
        "sv": ("Skicka anmälan", "Skapa en länk att dela"),
        "en": ("Send the report", "Create a link to share"),
    }[language]
    return {
        "home": visit(f"/{lang}/"),
        "search with results": visit(f"/{lang}/search/?q=parisuhde&list={service}"),
        "search without results": visit(f"/{lang}/search/?q=zzzzqqq"),
        "search with bad input": visit(f"/{lang}/search/?age=abc&page=-1&place=00000&tier=NOPE"),
        "service": visit(f"/{lang}/services/{service}/?list={service}"),
        "example service": visit(f"/{lang}/services/{world.example.pk}/"),
        "provider": visit(f"/{lang}/providers/{world.organisation.pk}/"),
        "sessions": visit(f"/{lang}/sessions/"),
        "sessions with bad filters": visit(f"/{lang}/sessions/?start=bad&end=2020-01-01&page=x"),
        "error report form": visit(f"/{lang}/services/{service}/report/"),
        "error report with errors": submit(f"/{lang}/services/{service}/report/", buttons[0]),
        "error report thanks": visit(f"/{lang}/services/{service}/report/thanks/"),
        "support list": visit(f"/{lang}/list/?list={listed}&note=Soita"),
        "support list with a bad note": visit(f"/{lang}/list/?list={listed}&note={'x' * 1200}"),
        "support list share with errors": submit(f"/{lang}/list/?list={listed}", buttons[1]),
        "empty support list": visit(f"/{lang}/list/"),
        "shared list": visit(f"/{lang}/list/{shared.token}/"),
        "expired shared list": visit(f"/{lang}/list/{expired.token}/"),
        "accessibility statement": visit(f"/{lang}/accessibility/"),
        "privacy notice": visit(f"/{lang}/privacy/"),
        "adult services": visit(f"/{lang}/adult-services/"),
        "not found": visit(f"/{lang}/no-such-page/"),
    }


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_public_page_is_accessible_on_a_narrow_screen(
    page: Page, axe: Axe, public_world: Any, live_server: Any, language: str
) -> None:
    foreign: list[str] = []

    def note_foreign(request: Request) -> None:
        if not request.url.startswith(live_server.url) and not request.url.startswith("data:"):
            foreign.append(request.url)

    page.on("request", note_foreign)
    page.set_viewport_size({"width": 320, "height": 640})
    problems: dict[str, list[str]] = {}
    for name, step in public_pages(public_world, language).items():
        step(page)
        found = axe_violations(axe, page)
        if page.locator("html").get_attribute("lang") != language:
            found.append(f"html lang is {page.locator('html').get_attribute('lang')}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            found.append(f"scrolls sideways: {width} px wide")
        if found:
            problems[name] = found
    assert problems == {}
    assert foreign == []
