"""Two editors of one organisation change the same published service in Chromium, each in a
browser of their own: the second save shows the conflict page and writes nothing; the second
editor then keeps their version explicitly from that page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from services import catalogue, review
from services.catalogue.documents import empty_document
from services.models import Organisation, SupportService
from tests.browser.conftest import PageOf
from tests.cast import make_user
from tests.factories import OrganisationFactory


@pytest.fixture
def organisation(reference_data: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def published(organisation: Organisation) -> SupportService:
    document = empty_document(
        organisation=organisation.pk, name_fi="Perheneuvola", tier="UNIVERSAL_INDIVIDUAL"
    )
    document["links"]["area_municipalities"] = ["491"]
    service = catalogue.save_document(user=None, document=document)
    catalogue.publish(user=None, services=[service])
    return SupportService.objects.get(pk=service.pk)


def rename(page: Page, name: str) -> None:
    field = page.get_by_label("Name: Finnish", exact=True)
    field.fill(name)


def save(page: Page) -> int:
    """Press "Save"; the status of the page that answers."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save", exact=True).click()
    return navigation.value.status


def proposed_name(service: SupportService) -> str:
    return review.working_state(service).document["fields"]["name_fi"]


def test_the_second_editor_sees_both_versions_and_keeps_theirs_only_when_saving_again(
    page_of: PageOf, organisation: Organisation, published: SupportService
) -> None:
    first = page_of(make_user("first", organisations=[organisation]))
    second = page_of(make_user("second", organisations=[organisation]))
    edit_url = f"/en/staff/services/{published.pk}/"
    first.goto(edit_url)
    second.goto(edit_url)

    rename(first, "Perheneuvola Mikkeli")
    assert save(first) == 200  # after the redirect
    expect(first.locator(".messages")).to_contain_text("Saved as a change to the published")

    rename(second, "Neuvola")
    second.get_by_role("group", name="Description").get_by_label(
        "Description: Finnish", exact=True
    ).fill("Keskusteluapua perheille.")
    assert save(second) == 409

    # The conflict page: what differs, both versions, and the second editor's version.
    expect(second.get_by_role("heading", level=1)).to_have_text(
        "Someone else saved “Perheneuvola” while you were editing"
    )
    expect(second.get_by_role("alert")).to_contain_text("Nothing of yours has been saved yet.")
    differences = second.locator("table.diff-table")
    expect(differences.get_by_role("columnheader")).to_have_text(
        ["Part", "Field", "Saved meanwhile", "Yours"]
    )
    name_row = differences.get_by_role("row").filter(has_text="Perheneuvola Mikkeli")
    expect(name_row.get_by_role("cell").nth(2)).to_have_text("Perheneuvola Mikkeli")
    expect(name_row.get_by_role("cell").nth(3)).to_have_text("Neuvola")
    expect(differences).to_contain_text("Keskusteluapua perheille.")
    theirs = second.locator("details.version", has_text="The version saved meanwhile")
    yours = second.locator("details.version", has_text="Your version")
    theirs.locator("summary").click()
    yours.locator("summary").click()
    expect(theirs).to_contain_text("Perheneuvola Mikkeli")
    expect(yours).to_contain_text("Neuvola")
    expect(yours).to_contain_text("Keskusteluapua perheille.")
    expect(second.get_by_label("Name: Finnish", exact=True)).to_have_value("Neuvola")

    # Nothing of the second editor's was written: the first one's change stands.
    assert proposed_name(published) == "Perheneuvola Mikkeli"
    published.refresh_from_db()
    assert published.name_fi == "Perheneuvola"
    assert not published.description_fi

    # Saving the form of the conflict page keeps the second editor's version, on purpose.
    assert save(second) == 200
    expect(second).to_have_url(re.compile(rf"{edit_url}$"))
    expect(second.get_by_label("Name: Finnish", exact=True)).to_have_value("Neuvola")
    assert proposed_name(published) == "Neuvola"
    assert (
        review.working_state(published).document["fields"]["description_fi"]
        == "Keskusteluapua perheille."
    )
    published.refresh_from_db()
    assert published.name_fi == "Perheneuvola"  # the public sees it only after approval
