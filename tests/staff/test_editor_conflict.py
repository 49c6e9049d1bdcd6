"""Two people save from the same version: the second sees both versions and the differences
(HTTP 409), and nothing of theirs is written until they save again."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from services import catalogue
from services.catalogue.documents import empty_document
from services.models import Location, Organisation, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory
from tests.html_forms import form_data


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def draft(organisation: Organisation) -> SupportService:
    document = empty_document(
        organisation=organisation.pk, name_fi="Perheneuvola", tier="UNIVERSAL_INDIVIDUAL"
    )
    document["links"]["area_municipalities"] = ["491"]
    document["locations"] = [
        {
            "fields": {
                "street_address_fi": "Hallituskatu 3",
                "postal_code": "50100",
                "municipality": "491",
            },
            "hours": [[0, "08:00", "16:00"]],
        }
    ]
    service = catalogue.save_document(user=None, document=document)
    return SupportService.objects.get(pk=service.pk)


@pytest.fixture
def first(organisation: Organisation) -> Client:
    return sign_in(Client(), make_user("first", organisations=[organisation]))


@pytest.fixture
def second(organisation: Organisation) -> Client:
    return sign_in(Client(), make_user("second", organisations=[organisation]))


def edit_url(service: SupportService) -> str:
    return reverse("services:staff_service_edit", args=[service.pk])


def edit_form(client: Client, service: SupportService) -> dict[str, list[str]]:
    return form_data(client.get(edit_url(service)).content.decode(), "service-form")


def test_the_second_save_from_the_same_version_shows_the_conflict_and_writes_nothing(
    draft: SupportService, first: Client, second: Client
) -> None:
    first_form, second_form = edit_form(first, draft), edit_form(second, draft)
    assert first_form["token"] == second_form["token"]
    first.post(edit_url(draft), first_form | {"name_fi": ["Perheneuvola Mikkeli"]})

    response = second.post(
        edit_url(draft),
        second_form | {"name_fi": ["Neuvola"], "locations-0-hours_0_0_closes": ["18:00"]},
    )

    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.name_fi == "Perheneuvola Mikkeli"
    location = Location.objects.get(service=draft)
    assert [f"{h.closes:%H:%M}" for h in location.opening_hours.all()] == ["16:00"]
    page = response.content.decode()
    assert "Nothing of yours has been saved yet." in page
    assert "Perheneuvola Mikkeli" in page and "Neuvola" in page
    differences = page[page.index('id="differences-heading"') : page.index('id="versions-heading"')]
    assert "Perheneuvola Mikkeli" in differences
    assert "18:00" in differences


def test_after_a_conflict_saving_the_form_again_keeps_the_persons_version_explicitly(
    draft: SupportService, first: Client, second: Client
) -> None:
    second_form = edit_form(second, draft)
    first.post(edit_url(draft), edit_form(first, draft) | {"name_fi": ["Perheneuvola Mikkeli"]})
    conflict = second.post(edit_url(draft), second_form | {"name_fi": ["Neuvola"]})
    again = form_data(conflict.content.decode(), "service-form")
    assert again["name_fi"] == ["Neuvola"]  # their own version, in the form
    assert again["token"] != second_form["token"]  # and the version saved meanwhile

    response = second.post(edit_url(draft), again)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name_fi == "Neuvola"
    assert Location.objects.filter(service=draft).count() == 1


def test_a_conflict_with_a_removed_location_brings_it_back_only_as_a_new_row(
    draft: SupportService, first: Client, second: Client
) -> None:
    second_form = edit_form(second, draft)
    first.post(edit_url(draft), edit_form(first, draft) | {"locations-0-DELETE": ["on"]})
    assert not Location.objects.filter(service=draft).exists()

    conflict = second.post(edit_url(draft), second_form | {"name_fi": ["Neuvola"]})

    assert conflict.status_code == 409
    assert not Location.objects.filter(service=draft).exists()
    again = form_data(conflict.content.decode(), "service-form")
    assert again["locations-0-street_address_fi"] == ["Hallituskatu 3"]
    assert again.get("locations-0-id", [""]) == [""]  # no longer a stored row
    assert second.post(edit_url(draft), again).status_code == 302
    assert Location.objects.get(service=draft).street_address_fi == "Hallituskatu 3"


def test_a_stale_form_with_errors_warns_that_someone_saved_meanwhile(
    draft: SupportService, first: Client, second: Client
) -> None:
    second_form = edit_form(second, draft)
    first.post(edit_url(draft), edit_form(first, draft) | {"name_fi": ["Perheneuvola Mikkeli"]})

    response = second.post(edit_url(draft), second_form | {"name_fi": [""]})

    assert response.status_code == 400
    assert "Someone else has saved this service since you opened it." in response.content.decode()
    draft.refresh_from_db()
    assert draft.name_fi == "Perheneuvola Mikkeli"
