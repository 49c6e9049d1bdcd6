"""Editing a draft: rows change in place, unchanged forms write nothing, past sessions stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from services import catalogue, review
from services.models import (
    GroupSession,
    Location,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    ServiceRevision,
    SupportService,
)
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory
from tests.html_forms import form_data
from tests.staff.history_world import perheneuvola_document


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def editor(organisation: Organisation) -> User:
    return make_user("editor", organisations=[organisation])


def moment(days: int, hour: int) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    return when.astimezone(dt.UTC).isoformat()


@pytest.fixture
def draft(organisation: Organisation) -> SupportService:
    """A draft with two locations, a phone line, a past and an upcoming session."""
    document = perheneuvola_document(organisation=organisation, summary_fi="Tukea perheille.")
    address = {"postal_code": "50100", "municipality": "491"}
    document["locations"] = [
        {
            "fields": {"street_address_fi": "Hallituskatu 3", **address},
            "hours": [[0, "08:00", "16:00"]],
            "exceptions": [
                {
                    "start_date": "2030-12-24",
                    "end_date": "2030-12-24",
                    "opens": None,
                    "closes": None,
                    "note_fi": "Jouluaatto",
                }
            ],
        },
        {"fields": {"street_address_fi": "Maaherrankatu 9", **address}, "hours": []},
    ]
    document["contact_points"] = [
        {
            "fields": {"kind": "PHONE", "value": "015 123 456", "order": 0},
            "hours": [[1, "09:00", "12:00"]],
        }
    ]
    document["sessions"] = [
        {
            "fields": {
                "title_fi": "Mennyt ryhmä",
                "starts_at": moment(-10, 10),
                "ends_at": moment(-10, 11),
                "location": 1,
            }
        },
        {
            "fields": {
                "title_fi": "Tuleva ryhmä",
                "starts_at": moment(10, 10),
                "ends_at": moment(10, 11),
                "location": 0,
            }
        },
    ]
    service = catalogue.save_document(user=None, document=document)
    return SupportService.objects.get(pk=service.pk)


def edit_url(service: SupportService) -> str:
    return reverse("services:staff_service_edit", args=[service.pk])


def edit_form(client: Client, service: SupportService) -> dict[str, list[str]]:
    response = client.get(edit_url(service))
    assert response.status_code == 200
    return form_data(response.content.decode(), "service-form")


def test_saving_the_form_unchanged_writes_nothing_and_keeps_the_version(
    editor: User, draft: SupportService
) -> None:
    """Another person's open form stays valid: an empty save raises no version."""
    client = sign_in(Client(), editor)
    before = review.working_state(draft)

    response = client.post(edit_url(draft), edit_form(client, draft))

    assert response.status_code == 302, response.content.decode()[:2000]
    after = review.working_state(SupportService.objects.get(pk=draft.pk))
    assert after.document == before.document
    assert after.token == before.token


def test_editing_a_draft_changes_its_rows_in_place(editor: User, draft: SupportService) -> None:
    client = sign_in(Client(), editor)
    first, second = Location.objects.filter(service=draft).order_by("pk")
    data = edit_form(client, draft) | {
        "name_fi": ["Perheneuvola Mikkeli"],
        "locations-0-street_address_fi": ["Hallituskatu 5"],
        "locations-0-hours_0_0_closes": ["15:00"],
        "locations-0-hours_2_0_opens": ["10:00"],
        "locations-0-hours_2_0_closes": ["00:00"],
        "locations-1-DELETE": ["on"],
        "contacts-0-value": ["015 999 999"],
    }

    response = client.post(edit_url(draft), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.name_fi == "Perheneuvola Mikkeli"
    assert draft.status == SupportService.Status.DRAFT
    assert not ServiceRevision.objects.filter(service=draft).exists()
    assert list(Location.objects.filter(service=draft)) == [first]
    first.refresh_from_db()
    assert first.street_address_fi == "Hallituskatu 5"
    assert sorted(
        (h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}")
        for h in OpeningHours.objects.filter(location=first)
    ) == [(0, "08:00", "15:00"), (2, "10:00", "00:00")]
    assert OpeningHoursException.objects.filter(location=first).count() == 1
    assert draft.contact_points.get().value == "015 999 999"


def test_past_sessions_are_kept_when_their_location_is_removed(
    editor: User, draft: SupportService
) -> None:
    client = sign_in(Client(), editor)
    data = edit_form(client, draft)
    assert "Mennyt ryhmä" not in str(data.values())  # only upcoming sessions are in the form
    assert data["sessions-0-title_fi"] == ["Tuleva ryhmä"]

    response = client.post(edit_url(draft), data | {"locations-1-DELETE": ["on"]})

    assert response.status_code == 302, response.content.decode()[:2000]
    past = GroupSession.objects.get(service=draft, title_fi="Mennyt ryhmä")
    assert past.location is None
    assert past.place_fi == "Maaherrankatu 9, 50100"  # where it was, in words
    upcoming = GroupSession.objects.get(service=draft, title_fi="Tuleva ryhmä")
    assert upcoming.location.street_address_fi == "Hallituskatu 3"


def test_an_upcoming_session_can_move_to_another_location_and_be_removed(
    editor: User, draft: SupportService
) -> None:
    client = sign_in(Client(), editor)
    second = Location.objects.filter(service=draft).order_by("pk").last()

    client.post(edit_url(draft), edit_form(client, draft) | {"sessions-0-location": ["1"]})
    assert GroupSession.objects.get(title_fi="Tuleva ryhmä").location == second
    client.post(edit_url(draft), edit_form(client, draft) | {"sessions-0-DELETE": ["on"]})

    assert list(GroupSession.objects.filter(service=draft).values_list("title_fi", flat=True)) == [
        "Mennyt ryhmä"
    ]


def test_a_session_cannot_stay_at_a_location_removed_in_the_same_save(
    editor: User, draft: SupportService
) -> None:
    client = sign_in(Client(), editor)

    response = client.post(
        edit_url(draft), edit_form(client, draft) | {"locations-0-DELETE": ["on"]}
    )

    assert response.status_code == 400
    assert "This location is removed in this save" in response.content.decode()
    assert Location.objects.filter(service=draft).count() == 2
