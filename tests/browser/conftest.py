"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

Run them alone with ``./dev test -m browser``. Browsers cannot be downloaded here; the system
Chromium is used (``CHROMIUM_PATH``, default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from accounts.models import User
from tests.cast import make_user, sign_in

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
# ``page_of(user, verified=True)``: see the fixture.
PageOf = Callable[..., Page]


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
def new_page(
    browser: Browser, live_server: Any, reference_data: None
) -> Iterator[Callable[..., Page]]:
    """``new_page(**options)``: a page in a browser context of its own on the live server
    (Finnish unless ``options`` say otherwise; Playwright's context options), closed after
    the test. For tests where several people, or places, are at once."""
    contexts: list[BrowserContext] = []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(**{"base_url": live_server.url, "locale": "fi-FI", **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


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
    """The browser signed in as an administrator, with the second factor given."""
    client = sign_in(Client(), make_user("administrator", superuser=True))
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


@pytest.fixture
def page_of(new_page: Callable[..., Page], live_server: Any) -> PageOf:
    """``page_of(user)``: a browser context of the person's own, signed in (with the second
    factor when their role needs one), for tests where several people work at once."""

    def open_page(user: User, *, verified: bool = True) -> Page:
        client = sign_in(Client(), user) if verified else Client()
        if not verified:
            client.force_login(user)  # the password given, the second factor not yet
        page = new_page()
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

    return open_page
