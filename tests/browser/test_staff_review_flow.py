"""A new service from the editor's form to the public, in Chromium, each person in a browser of
their own: the editor fills the form from the keyboard and sends it for review, the coordinator
returns it with a reason, the editor corrects it and sends it again, the coordinator approves;
then families find it in search and Mikkeli's coverage rises."""

from __future__ import annotations

import re
from typing import Literal

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from mapping import coverage
from services.models import Organisation, SupportService
from tests.browser.conftest import PageOf
from tests.cast import make_user
from tests.factories import OrganisationFactory

ETELA_SAVO = "12"
MIKKELI = "491"
NAME = "Isien iltaryhmä Mikkeli"
EDIT_URL = re.compile(r"/en/staff/services/(\d+)/$")


@pytest.fixture
def organisation(reference_data: None) -> Organisation:
    return OrganisationFactory(name_fi="Mikkelin Perheliitto")


@pytest.fixture
def editor(organisation: Organisation) -> User:
    return make_user("editor", organisations=[organisation])


@pytest.fixture
def coordinator(reference_data: None) -> User:
    return make_user("coordinator", counties=[ETELA_SAVO])


def fathers_in_group_covered_in_mikkeli() -> float:
    cells = coverage.area_matrix(municipality=MIKKELI)
    [cell] = [c for c in cells if (c.tier, c.target_group) == ("UNIVERSAL_GROUP", "FATHERS")]
    return cell.covered_children


def type_into(page: Page, label: str, text: str, *, exact: bool = True) -> None:
    """Focus a field by its label and type, as a person at a keyboard does."""
    page.get_by_label(label, exact=exact).focus()
    page.keyboard.type(text)


def press_space_on(page: Page, role: Literal["checkbox", "radio"], name: str) -> None:
    """Tick a checkbox or a radio button from the keyboard."""
    control = page.get_by_role(role, name=name, exact=True)
    control.focus()
    page.keyboard.press("Space")
    expect(control).to_be_checked()


def press_button(page: Page, name: str) -> None:
    """Press a form's button from the keyboard and wait for the page that answers."""
    page.get_by_role("button", name=name, exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def fill_in_the_new_service(page: Page) -> None:
    type_into(page, "Name: Finnish", NAME)
    type_into(page, "Name: Swedish", "Pappornas kvällsgrupp S:t Michel")
    type_into(page, "Summary: Finnish", "Vertaisryhmä isille torstai-iltaisin.")
    press_space_on(page, "radio", "universal, group")
    press_space_on(page, "checkbox", "group")
    press_space_on(page, "checkbox", "fathers")
    # The municipalities are folded by county: open South Savo, then tick Mikkeli.
    page.locator("summary", has_text="South Savo wellbeing services county").focus()
    page.keyboard.press("Enter")
    press_space_on(page, "checkbox", "Mikkeli")

    location = page.get_by_role("group", name="New location", exact=True)
    location.get_by_label("Name (New location): Finnish", exact=True).fill("Perhetalo")
    location.get_by_label("Street address (New location): Finnish", exact=True).fill(
        "Hallituskatu 3"
    )
    location.get_by_label("Postal code (New location)", exact=True).fill("50100")
    location.get_by_label("Municipality (New location)", exact=True).select_option(label="Mikkeli")
    location.get_by_label("Latitude (New location)", exact=True).fill("61.6886")
    location.get_by_label("Longitude (New location)", exact=True).fill("27.2723")
    location.get_by_label("Monday, opens (New location)", exact=True).fill("17:00")
    location.get_by_label("Monday, closes (New location)", exact=True).fill("19:00")


def test_a_new_service_goes_from_the_editor_through_review_to_search_and_coverage(
    page_of: PageOf,
    page: Page,
    editor: User,
    coordinator: User,
) -> None:
    coverage.recompute()
    covered_before = fathers_in_group_covered_in_mikkeli()
    editing, reviewing = page_of(editor), page_of(coordinator)

    # The editor writes the service and saves it as a draft.
    editing.goto("/en/staff/services/new/")
    fill_in_the_new_service(editing)
    press_button(editing, "Save as a draft")
    expect(editing).to_have_url(EDIT_URL)
    expect(editing.locator(".messages")).to_contain_text("Saved. The service is not public.")
    service_id = int(EDIT_URL.search(editing.url).group(1))
    service = SupportService.objects.get(pk=service_id)
    assert service.status == SupportService.Status.DRAFT
    assert service.name_sv == "Pappornas kvällsgrupp S:t Michel"
    [location] = service.locations.all()
    assert location.municipality_id == MIKKELI
    assert [
        (h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in location.opening_hours.all()
    ] == [(0, "17:00", "19:00")]

    # ... and sends it for review with a note.
    type_into(editing, "Note to the reviewer (optional)", "Uusi ryhmä syksyllä.")
    press_button(editing, "Save and send for review")
    expect(editing.locator(".messages")).to_contain_text("Saved and sent for review.")

    # The coordinator finds it among the requests and returns it with a reason.
    reviewing.goto("/en/staff/reviews/")
    with reviewing.expect_navigation():
        reviewing.get_by_role("link", name=NAME, exact=True).click()
    expect(reviewing.get_by_role("heading", level=1)).to_have_text(f"Review: {NAME}")
    expect(reviewing.locator("main")).to_contain_text("Uusi ryhmä syksyllä.")
    reason = "Kerro ruotsiksi, mitä ryhmässä tehdään."
    type_into(reviewing, "Reason for returning", reason, exact=False)
    press_button(reviewing, "Return to the editor with this reason")
    expect(reviewing).to_have_url(re.compile(r"/en/staff/reviews/$"))
    expect(reviewing.locator(".messages")).to_contain_text("was returned to the editor")
    expect(reviewing.get_by_role("link", name=NAME, exact=True)).to_have_count(0)

    # The editor sees the reason, adds the Swedish summary and sends it again.
    editing.goto(f"/en/staff/services/{service_id}/")
    expect(editing.locator("#returned-reason")).to_contain_text(reason)
    type_into(editing, "Summary: Swedish", "Kamratgrupp för pappor på torsdagskvällar.")
    press_button(editing, "Save and send for review")
    expect(editing.locator(".messages")).to_contain_text("Saved and sent for review.")
    expect(editing.locator("#returned-reason")).to_have_count(0)

    # Not public before the approval: not found, and no change in coverage.
    public = page  # a family's browser
    public.goto(f"/fi/search/?q={NAME}")
    expect(public.get_by_role("link", name=NAME, exact=True)).to_have_count(0)
    assert fathers_in_group_covered_in_mikkeli() == covered_before

    # The coordinator approves: the service is public.
    reviewing.goto("/en/staff/reviews/")
    with reviewing.expect_navigation():
        reviewing.get_by_role("link", name=NAME, exact=True).click()
    expect(reviewing.locator("main")).to_contain_text("Kamratgrupp för pappor")
    press_button(reviewing, "Approve and publish the service")
    expect(reviewing.locator(".messages")).to_contain_text(f"“{NAME}” is approved and now public.")
    service.refresh_from_db()
    assert service.status == SupportService.Status.PUBLISHED

    # Families find it, and Mikkeli's coverage for fathers in groups rose.
    public.goto(f"/fi/search/?q={NAME}")
    expect(public.get_by_role("link", name=NAME, exact=True)).to_have_attribute(
        "href", f"/fi/services/{service_id}/"
    )
    assert fathers_in_group_covered_in_mikkeli() > covered_before
