"""An editor creates a service in the staff editor, with its rows, as a draft of their provider."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from services import review
from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    SupportService,
)
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory
from tests.html_forms import form_data


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def editor_client(organisation: Organisation) -> Client:
    return sign_in(Client(), make_user("editor", organisations=[organisation]))


def new_service_form(client: Client) -> dict[str, list[str]]:
    response = client.get(reverse("services:staff_service_new"))
    assert response.status_code == 200
    return form_data(response.content.decode(), "service-form")


def filled_in(data: dict[str, list[str]]) -> dict[str, list[str]]:
    """A service of Mikkeli with a location, its hours and an exception, a phone line and a
    group session, as a person fills in the form."""
    values = {
        "name_fi": "Perheneuvola",
        "name_sv": "Familjerådgivning",
        "summary_fi": "Tukea perheille.",
        "tier": "UNIVERSAL_INDIVIDUAL",
        "area": "regional",
        "locations-0-street_address_fi": "Hallituskatu 3",
        "locations-0-postal_code": "50100",
        "locations-0-municipality": "491",
        "locations-0-step_free": "true",
        "locations-0-hours_0_0_opens": "08:00",
        "locations-0-hours_0_0_closes": "16:00",
        "locations-0-hours_0_1_opens": "17:00",
        "locations-0-hours_0_1_closes": "19:30",
        "locations-0-hours_4_0_opens": "08:00",
        "locations-0-hours_4_0_closes": "14:00",
        "locations-0-exceptions-0-start_date": "2030-12-24",
        "locations-0-exceptions-0-end_date": "2030-12-26",
        "locations-0-exceptions-0-note_fi": "Joulu",
        "contacts-0-kind": "PHONE",
        "contacts-0-value": "015 123 456",
        "contacts-0-charge_fi": "maksuton",
        "contacts-0-hours_2_0_opens": "09:00",
        "contacts-0-hours_2_0_closes": "12:00",
        "sessions-0-title_fi": "Vauvaryhmä",
        "sessions-0-starts_at": "2030-03-05T10:00",
        "sessions-0-ends_at": "2030-03-05T11:30",
        "sessions-0-place_fi": "Seurakuntakeskus",
        "sessions-0-language": "fi",
        "sessions-0-seats": "12",
    }
    return {**data, **{name: [value] for name, value in values.items()}} | {
        "channels": ["IN_PERSON", "PHONE"],
        "area_municipalities": ["491"],
        "target_groups": ["PARENTS"],
    }


def test_an_editor_creates_a_draft_with_a_location_hours_a_contact_and_a_session(
    organisation: Organisation, editor_client: Client
) -> None:
    data = filled_in(new_service_form(editor_client))
    assert data["organisation"] == [str(organisation.pk)]  # their only provider, chosen

    response = editor_client.post(reverse("services:staff_service_new"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    service = SupportService.objects.get(name_fi="Perheneuvola")
    assert response["Location"] == reverse("services:staff_service_edit", args=[service.pk])
    assert service.organisation == organisation
    assert service.status == SupportService.Status.DRAFT
    assert service.name_sv == "Familjerådgivning"
    assert set(service.channels.values_list("code", flat=True)) == {"IN_PERSON", "PHONE"}
    assert list(service.area_municipalities.values_list("code", flat=True)) == ["491"]
    location = Location.objects.get(service=service)
    assert (location.street_address_fi, location.postal_code) == ("Hallituskatu 3", "50100")
    assert location.municipality_id == "491"
    assert location.step_free is True
    assert location.stroller_access is None
    hours = OpeningHours.objects.filter(location=location).order_by("weekday", "opens")
    assert [(h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in hours] == [
        (0, "08:00", "16:00"),
        (0, "17:00", "19:30"),
        (4, "08:00", "14:00"),
    ]
    exception = OpeningHoursException.objects.get(location=location)
    assert (str(exception.start_date), str(exception.end_date)) == ("2030-12-24", "2030-12-26")
    assert exception.is_closed
    contact = ContactPoint.objects.get(service=service)
    assert (contact.kind, contact.value, contact.charge_fi) == ("PHONE", "015 123 456", "maksuton")
    assert OpeningHours.objects.filter(contact_point=contact).count() == 1
    session = GroupSession.objects.get(service=service)
    assert session.title_fi == "Vauvaryhmä"
    assert session.seats == 12
    assert session.language_id == "fi"

    state = review.working_state(service)
    assert state.revision is None
    assert state.document["locations"][0]["hours"] == [
        [0, "08:00", "16:00"],
        [0, "17:00", "19:30"],
        [4, "08:00", "14:00"],
    ]
    assert state.document["sessions"][0]["fields"]["starts_at"] == "2030-03-05T08:00:00+00:00"


def test_saving_and_sending_for_review_makes_the_new_service_wait_for_a_coordinator(
    editor_client: Client,
) -> None:
    data = filled_in(new_service_form(editor_client)) | {"action": ["submit"]}

    response = editor_client.post(reverse("services:staff_service_new"), data)

    assert response.status_code == 302
    service = SupportService.objects.get(name_fi="Perheneuvola")
    assert service.status == SupportService.Status.PENDING_REVIEW
    assert review.working_state(service).revision is not None


def test_an_editor_of_several_providers_chooses_one(db: None) -> None:
    first, second = OrganisationFactory(name_fi="Aalto ry"), OrganisationFactory(name_fi="Beta ry")
    client = sign_in(Client(), make_user("editor", organisations=[first, second]))
    data = filled_in(new_service_form(client))
    assert data["organisation"] == [""]  # nothing chosen for them

    missing = client.post(reverse("services:staff_service_new"), data)
    chosen = client.post(
        reverse("services:staff_service_new"), data | {"organisation": [str(second.pk)]}
    )

    assert missing.status_code == 400
    assert "Choose the provider." in missing.content.decode()
    assert chosen.status_code == 302
    assert SupportService.objects.get().organisation == second


def test_a_user_with_no_provider_cannot_add_services(db: None) -> None:
    coordinator_of_nothing = make_user("lonely", counties=["12"])
    OrganisationFactory()  # has no services: any coordinator may add one
    client = sign_in(Client(), coordinator_of_nothing)
    assert client.get(reverse("services:staff_service_new")).status_code == 200

    Organisation.objects.all().delete()

    assert client.get(reverse("services:staff_service_new")).status_code == 403


def test_the_new_service_page_does_not_offer_publishing_to_editors(editor_client: Client) -> None:
    page = editor_client.get(reverse("services:staff_service_new")).content.decode()

    assert 'value="submit"' in page
    assert 'value="publish"' not in page


def test_an_editor_cannot_publish_a_new_service_by_sending_the_publish_button(
    editor_client: Client,
) -> None:
    data = filled_in(new_service_form(editor_client)) | {"action": ["publish"]}

    response = editor_client.post(reverse("services:staff_service_new"), data)

    assert response.status_code == 403
    assert not SupportService.objects.exists()


def test_new_service_page_for_anonymous_visitors_asks_them_to_log_in(db: None) -> None:
    response = Client().get(reverse("services:staff_service_new"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_coordinator_creates_and_publishes_a_service_of_their_county(
    organisation: Organisation,
) -> None:
    client = sign_in(Client(), make_user("coordinator", counties=["12"]))
    data = filled_in(new_service_form(client)) | {
        "organisation": [str(organisation.pk)],
        "action": ["publish"],
    }

    response = client.post(reverse("services:staff_service_new"), data)

    assert response.status_code == 302
    service = SupportService.objects.get(name_fi="Perheneuvola")
    assert service.status == SupportService.Status.PUBLISHED
    public = Client().get(reverse("services:service_detail", args=[service.pk]))
    assert "Perheneuvola" in public.content.decode()


def test_a_coordinator_cannot_publish_a_service_of_another_county_and_nothing_is_kept(
    organisation: Organisation,
) -> None:
    client = sign_in(Client(), make_user("pirkanmaa", counties=["08"]))
    data = filled_in(new_service_form(client)) | {
        "organisation": [str(organisation.pk)],
        "action": ["publish"],
    }

    response = client.post(reverse("services:staff_service_new"), data)

    assert response.status_code == 403
    assert "You may publish only services of your own" in response.content.decode()
    assert not SupportService.objects.exists()
