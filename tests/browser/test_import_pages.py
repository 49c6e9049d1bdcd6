"""The staff import pages in a real Chromium: no WCAG 2.1 A/AA violations in fi/sv/en, and an
import started from the keyboard without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from services.importers.runs import start_import_run
from services.models import ImportRun, SupportService
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

CSV = (
    'Tunniste;Nimi (suomi);Palvelualue\nisaryhma;Isäryhmä;"Mikkeli; Atlantis"\nnimeton;;\n'
).encode()


def test_the_import_pages_have_no_accessibility_violations(
    staff_page: Page,
    axe: Axe,
) -> None:
    run = start_import_run(
        kind="spreadsheet",
        file_name="palvelut.csv",
        content=CSV,
        dry_run=True,
        strict=False,
        language="fi",
        user=None,
    )
    violations = {}
    for language in ("fi", "sv", "en"):
        for path in ("staff/imports/", f"staff/imports/{run.pk}/"):
            response = staff_page.goto(f"/{language}/{path}")
            assert response is not None and response.status == 200, path
            assert staff_page.get_attribute("html", "lang") == language
            if found := axe_violations(axe, staff_page):
                violations[f"/{language}/{path}"] = found
    assert violations == {}


def finished(tab: Page) -> None:
    """Wait until the run's page shows the finished run: it reloads itself every few seconds
    while the import runs in the background."""
    expect(tab.locator('meta[http-equiv="refresh"]')).to_have_count(0, timeout=60_000)


def test_a_dry_run_is_started_and_read_with_the_keyboard(staff_page: Page, tmp_path: Any) -> None:
    tab = staff_page
    upload = tmp_path / "palvelut.csv"
    upload.write_bytes(CSV)
    tab.goto("/en/staff/imports/")

    tab.get_by_label("Spreadsheet (CSV or XLSX)").focus()
    tab.keyboard.press("Space")
    tab.get_by_label("File", exact=True).set_input_files(str(upload))
    tab.get_by_role("button", name="Import", exact=True).focus()
    tab.keyboard.press("Enter")

    tab.wait_for_url("**/staff/imports/*/")
    finished(tab)
    assert tab.get_by_role("heading", name="Rejected (1 record)").is_visible()
    assert tab.get_by_text("The row has no name.").is_visible()
    assert tab.get_by_text("Atlantis").is_visible()
    run = ImportRun.objects.get()
    assert run.dry_run and run.status == ImportRun.Status.DONE
    assert not SupportService.objects.exists()
    tab.get_by_role("button", name="Import this file for real").focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"**/staff/imports/{run.pk + 1}/")
    finished(tab)
    assert SupportService.objects.get().name_fi == "Isäryhmä"
