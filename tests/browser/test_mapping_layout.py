"""Every mapping page fits its screen: at 320 and 375 px the page itself never scrolls
sideways (a wide table scrolls inside its own focusable, labelled region), at 1280 px no table
hides columns; the county report prints on one A4 page. In fi, sv and en, on the example
catalogue (long names, many gaps)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from mapping import coverage
from mapping.models import Action
from services.example_catalogue import load_example_catalogue
from services.models import Organisation
from tests.browser.conftest import axe_violations

ETELA_SAVO = "12"
MIKKELI = "491"
PIEKSAMAKI = "593"
LANGUAGES = ("fi", "sv", "en")
NARROW = (320, 375)
WIDE = 1280

PAGES = [
    "mapping/",
    f"mapping/counties/{ETELA_SAVO}/",
    f"mapping/counties/{ETELA_SAVO}/?min_rating=2&tier=UNIVERSAL_GROUP&target_group=PARENTS",
    f"mapping/municipalities/{MIKKELI}/",
    f"mapping/municipalities/{PIEKSAMAKI}/?tier=SPECIALIST&target_group=PARENTS",
    f"mapping/gaps/?county={ETELA_SAVO}",
    "mapping/gaps/?sort=searches",
    "mapping/what-if/?tier=SPECIALIST&target_groups=PARENTS&channels=IN_PERSON"
    "&municipalities=Pieks%C3%A4m%C3%A4ki&locations=76100",
    "mapping/plan/",
    "mapping/plan/print/",
    "mapping/plan/add/?municipality=593&tier=SPECIALIST&target_group=PARENTS",
    f"mapping/counties/{ETELA_SAVO}/report/",
]

# The document's width, and the table regions wider than their box: whether each can be
# reached by keyboard and has a name.
MEASURE = """() => ({
  document: document.documentElement.scrollWidth,
  viewport: document.documentElement.clientWidth,
  tables: [...document.querySelectorAll('table')].map(table => {
    const region = table.closest('.table-scroll');
    const box = region || table.parentElement;
    const label = region && region.getAttribute('aria-labelledby');
    return {
      id: table.id || (table.caption ? table.caption.id : ''),
      overflows: box.scrollWidth > box.clientWidth + 1,
      focusable: !!region && region.tabIndex === 0,
      region: !!region && region.getAttribute('role') === 'region',
      named: !!(label && document.getElementById(label)
                && document.getElementById(label).textContent.trim()),
    };
  }),
})"""


@pytest.fixture
def example_page(staff_page: Page) -> Page:
    load_example_catalogue(today=dt.date.today())
    coverage.recompute()
    coverage.snapshot_coverage(date=dt.date(2026, 1, 1))
    Action.objects.create(
        municipality_id=PIEKSAMAKI,
        tier_id="SPECIALIST",
        target_group_id="PARENTS",
        owner=Organisation.objects.order_by("pk").first(),
        kind=Action.Kind.EXTEND,
        description="Perheneuvolan etävastaanotto Pieksämäelle",
        due_date=dt.date(2027, 3, 31),
    )
    return staff_page


def test_every_mapping_page_fits_narrow_and_wide_screens_in_every_language(
    example_page: Page,
) -> None:
    page = example_page
    problems = []
    for width in (*NARROW, WIDE):
        page.set_viewport_size({"width": width, "height": 900})
        for language in LANGUAGES:
            for path in PAGES:
                response = page.goto(f"/{language}/{path}")
                assert response is not None and response.status == 200, path
                where = f"{width}px /{language}/{path}"
                found = page.evaluate(MEASURE)
                if found["document"] > found["viewport"]:
                    problems.append(f"{where}: the page is {found['document']} px wide")
                for table in found["tables"]:
                    if not table["overflows"]:
                        continue
                    if width == WIDE:
                        problems.append(f"{where}: table {table['id']} hides columns")
                    elif not (table["focusable"] and table["region"] and table["named"]):
                        problems.append(f"{where}: table {table['id']} scrolls unreachably")
    assert problems == [], "\n".join(problems)


def test_the_county_report_prints_on_one_a4_page(example_page: Page) -> None:
    page = example_page
    # A plan with more actions than the report lists as next due.
    first = Action.objects.get()
    for months in range(1, 5):
        Action.objects.create(
            municipality_id=first.municipality_id,
            tier_id="UNIVERSAL_GROUP",
            target_group_id="PARENTS",
            owner=first.owner,
            kind=Action.Kind.NEW,
            description="Vertaisryhmä vanhemmille",
            due_date=first.due_date + dt.timedelta(days=30 * months),
        )
    for language in LANGUAGES:
        page.goto(f"/{language}/mapping/counties/{ETELA_SAVO}/report/")
        pdf = page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"{language}: {pages} pages"
        # The print button appears only with a script to run it; the navigation is not printed.
        assert page.locator("[data-print]").is_visible()
        page.emulate_media(media="print")
        assert not page.locator(".mapping-nav").is_visible()
        assert page.locator(".mapping-report .choropleth svg").is_visible()
        page.emulate_media(media="null")  # back to the default: pdf() prints


def test_the_new_mapping_pages_have_no_accessibility_violations(
    example_page: Page, axe: Axe
) -> None:
    page = example_page
    violations = {}
    for language in LANGUAGES:
        for path in PAGES:
            page.goto(f"/{language}/{path}")
            if page.locator("details").count():
                for summary in page.locator("details summary").all():
                    summary.click()
            if found := axe_violations(axe, page):
                violations[f"/{language}/{path}"] = found
    assert violations == {}
