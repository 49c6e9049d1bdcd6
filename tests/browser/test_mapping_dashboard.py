"""The coordinator dashboard in a real Chromium: no WCAG 2.1 A/AA violations in fi/sv/en for a
signed-in coordinator, and the map works with the keyboard alone."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from mapping import coverage
from mapping.models import Action
from services.models import Tier
from tests.browser.conftest import axe_violations
from tests.factories import LocationFactory, OrganisationFactory, SupportServiceFactory

ETELA_SAVO = "12"
MIKKELI = "491"


@pytest.fixture
def signed_in_page(staff_page: Page) -> Page:
    """A coordinator's session in the browser, and a small catalogue with gaps and a plan."""
    phone = SupportServiceFactory(channels=["PHONE"], target_groups=["PARENTS"])
    phone.area_counties.set([ETELA_SAVO])
    specialist = SupportServiceFactory(
        tier=Tier.objects.get(code="SPECIALIST"),
        channels=["IN_PERSON"],
        target_groups=["PARENTS"],
        municipalities=[MIKKELI],
    )
    LocationFactory(service=specialist)
    coverage.recompute()
    coverage.snapshot_coverage(date=dt.date(2026, 1, 1))
    coverage.snapshot_coverage(date=dt.date(2026, 2, 1))
    Action.objects.create(
        municipality_id="740",
        tier_id="UNIVERSAL_GROUP",
        target_group_id="PARENTS",
        owner=OrganisationFactory(name_fi="Etelä-Savon hyvinvointialue"),
        kind=Action.Kind.NEW,
        description="Vertaisryhmä vanhemmille",
        due_date=dt.date(2026, 9, 30),
    )
    return staff_page


PAGES = [
    "mapping/",
    f"mapping/counties/{ETELA_SAVO}/?tier=SPECIALIST&target_group=PARENTS",
    f"mapping/municipalities/{MIKKELI}/?tier=SPECIALIST&target_group=FATHERS",
    f"mapping/gaps/?municipality={MIKKELI}",
    "mapping/what-if/?tier=UNIVERSAL_GROUP&target_groups=COUPLES&channels=ONLINE_GROUP"
    f"&counties={ETELA_SAVO}",
    "mapping/what-if/?tier=&capacity=-1&municipalities=Atlantis",
    "mapping/plan/",
    "mapping/plan/print/",
    "mapping/plan/add/?municipality=740&tier=UNIVERSAL_GROUP&target_group=PARENTS",
]


def test_the_dashboard_pages_have_no_accessibility_violations(
    signed_in_page: Page, axe: Axe
) -> None:
    page = signed_in_page
    violations = {}
    # One test for the three languages: each test of a live server reloads the reference data.
    for language in ("fi", "sv", "en"):
        for path in PAGES:
            response = page.goto(f"/{language}/{path}")
            assert response is not None and response.status == 200, path
            assert page.get_attribute("html", "lang") == language
            # The definitions are folded away by default; check them unfolded.
            if page.locator("details.definitions").count():
                page.locator("details.definitions summary").click()
            if found := axe_violations(axe, page):
                violations[f"/{language}/{path}"] = found
    assert violations == {}


def test_the_map_is_operable_by_keyboard(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto(f"/en/mapping/counties/{ETELA_SAVO}/?tier=SPECIALIST&target_group=PARENTS")
    labels = []
    for _ in range(80):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "() => document.activeElement.closest('svg') ? "
            "document.activeElement.getAttribute('aria-label') : null"
        )
        if label:
            labels.append(label)
        elif labels:
            break
    # Every municipality of the county is reached in turn, each announced with its coverage.
    assert len(labels) == 11
    assert all(" covered" in label for label in labels)
    mikkeli = next(label for label in labels if label.startswith("Mikkeli: "))
    page.goto(f"/en/mapping/counties/{ETELA_SAVO}/?tier=SPECIALIST&target_group=PARENTS")
    page.locator(f'svg a[aria-label="{mikkeli}"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/en/mapping/municipalities/{MIKKELI}/**")
    assert page.locator("h1").inner_text() == "Coverage in Mikkeli"


def test_the_postal_area_map_is_operable_by_keyboard(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto(f"/en/mapping/municipalities/{MIKKELI}/?tier=SPECIALIST&target_group=FATHERS")
    areas = page.locator("#postal-area-map svg a")
    count = areas.count()
    assert count == len(
        coverage.postal_areas(municipality=MIKKELI, tier="SPECIALIST", target_group="FATHERS")
    )
    first = areas.first
    first.focus()
    label = first.get_attribute("aria-label")
    assert label and (": covered, " in label or ": no service available" in label)
    code = label.split()[0]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**#postal-area-{code}")
    assert page.locator(f"#postal-area-{code} th").inner_text().startswith(code)
