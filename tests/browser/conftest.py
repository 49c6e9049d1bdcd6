"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

Run them alone with ``./dev test -m browser``. Browsers cannot be downloaded here; the system
Chromium is used (``CHROMIUM_PATH``, default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

from accounts.models import User

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any, reference_data: None) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="fi-FI")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def axe_violations(axe: Axe, page: Page) -> list[str]:
    """WCAG 2.1 A/AA violations on the current page, one readable line each."""
    results = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}× e.g. "
        f"{violation['nodes'][0]['html'][:120]})"
        for violation in results.response["violations"]
    ]


@pytest.fixture
def public_world(reference_data: None) -> Any:
    """The small catalogue of the public page tests (tests/pages), committed for the live server."""
    from tests.pages.conftest import make_world

    return make_world()


@pytest.fixture
def staff_page(page: Page, live_server: Any) -> Page:
    """The browser signed in as a coordinator (a staff user without a password)."""
    user = User(username="coordinator", is_staff=True)
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page
