"""Whatever the editor's form receives, the answer is a page with field errors (400), never a
server error, and nothing is written."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services import catalogue
from services.catalogue.documents import empty_document
from services.models import Organisation, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory
from tests.html_forms import form_data


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def client(organisation: Organisation) -> Client:
    return sign_in(Client(), make_user("editor", organisations=[organisation]))


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
    document["contact_points"] = [{"fields": {"kind": "PHONE", "value": "015 123 456"}}]
    service = catalogue.save_document(user=None, document=document)
    return SupportService.objects.get(pk=service.pk)


def edit_url(service: SupportService) -> str:
    return reverse("services:staff_service_edit", args=[service.pk])


NEW_SESSION = {
    "sessions-0-title_fi": ["Ryhmä"],
    "sessions-0-starts_at": ["2030-03-05T10:00"],
    "sessions-0-ends_at": ["2030-03-05T11:00"],
    "sessions-0-place_fi": ["Kirjasto"],
}
NEW_EXCEPTION = {"locations-0-exceptions-0-start_date": ["2030-12-24"]}

BAD_INPUT = [
    ({"name_fi": ["x" * 201]}, "at most 200 characters"),
    ({"summary_sv": ["x" * 151]}, "at most 150 characters"),
    (
        {"name_fi": [""], "name_sv": [""], "name_en": [""]},
        "Enter the name in at least one language.",
    ),
    ({"name_fi": ["Nolla\x00merkki"]}, "Null characters are not allowed."),
    ({"tier": ["NOPE"]}, "Select a valid choice."),
    ({"channels": ["TELEPATHY"]}, "Select a valid choice."),
    ({"languages": ["xx"]}, "Select a valid choice."),
    ({"methods": ["999999"]}, "Select a valid choice."),
    ({"area_counties": ["99"]}, "Select a valid choice."),
    ({"area_municipalities": ["999"]}, "Select a valid choice."),
    ({"min_age": ["9"], "max_age": ["3"]}, "cannot be below the youngest"),
    ({"max_age": ["18"]}, "less than or equal to 17"),
    ({"website": ["javascript:alert(1)"]}, "Enter a valid URL."),
    ({"locations-0-municipality": ["999"]}, "Select a valid choice."),
    ({"locations-0-postal_code": ["5010A"]}, "five digits"),
    ({"locations-0-street_address_fi": [""]}, "Enter the street address."),
    ({"locations-0-latitude": ["1000"], "locations-0-longitude": ["27"]}, "less than or equal"),
    ({"locations-0-latitude": ["nan"]}, "Enter a number."),
    ({"locations-0-latitude": ["61.5"]}, "Enter both latitude and longitude, or neither."),
    ({"locations-0-capacity": ["-1"]}, "greater than or equal to 0"),
    ({"locations-0-capacity": ["9" * 30]}, "less than or equal to"),
    ({"locations-0-hours_0_0_opens": ["25:99"]}, "Enter a valid time."),
    (
        {"locations-0-hours_1_0_opens": ["16:00"], "locations-0-hours_1_0_closes": ["08:00"]},
        "Closing time must be after opening time.",
    ),
    ({"locations-0-hours_1_0_opens": ["16:00"]}, "Enter both the opening and the closing time."),
    (
        {"locations-0-hours_0_1_opens": ["12:00"], "locations-0-hours_0_1_closes": ["18:00"]},
        "The opening times of one day overlap.",
    ),
    (
        NEW_EXCEPTION | {"locations-0-exceptions-0-end_date": ["2030-12-01"]},
        "The last day cannot be before the first day.",
    ),
    (
        NEW_EXCEPTION | {"locations-0-exceptions-0-opens": ["10:00"]},
        "Enter both opening and closing time, or neither",
    ),
    (
        NEW_EXCEPTION | {"locations-0-exceptions-0-start_date": ["0001-01-01"]},
        "Enter a date between 2000 and 2100.",
    ),
    ({"locations-0-exceptions-0-note_fi": ["Ei päivää"]}, "Enter the first day."),
    (
        NEW_SESSION | {"sessions-0-ends_at": ["2030-03-05T09:00"]},
        "A session must end after it starts.",
    ),
    (NEW_SESSION | {"sessions-0-starts_at": ["huomenna"]}, "Enter a valid date/time."),
    (NEW_SESSION | {"sessions-0-starts_at": ["9999-12-31T23:59"]}, "Enter a date between"),
    (NEW_SESSION | {"sessions-0-location": ["7"]}, "Select a valid choice."),
    (NEW_SESSION | {"sessions-0-place_fi": [""]}, "Enter a location, another place or an online"),
    ({"contacts-0-kind": ["FAX"]}, "Select a valid choice."),
    ({"contacts-0-value": ["soita minulle"]}, "Enter a phone number"),
    ({"contacts-0-kind": ["EMAIL"]}, "Enter a valid email address."),
    ({"contacts-0-id": ["abc"]}, "Enter a whole number."),
    ({"locations-TOTAL_FORMS": ["abc"]}, "ManagementForm data is missing or has been tampered"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUT)
def test_bad_input_gets_a_field_error_and_writes_nothing(
    client: Client, draft: SupportService, changes: dict, message: str
) -> None:
    data = form_data(client.get(edit_url(draft)).content.decode(), "service-form")
    version = draft.version

    response = client.post(edit_url(draft), data | changes)

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert SupportService.objects.get(pk=draft.pk).version == version


def test_a_field_error_is_linked_to_its_input(client: Client, draft: SupportService) -> None:
    data = form_data(client.get(edit_url(draft)).content.decode(), "service-form")

    page = client.post(edit_url(draft), data | {"locations-0-postal_code": ["X"]}).content.decode()

    assert 'id="id_locations-0-postal_code_error"' in page
    assert 'aria-describedby="id_locations-0-postal_code_error"' in page
    assert 'aria-invalid="true"' in page


def test_far_too_many_rows_are_refused(client: Client, draft: SupportService) -> None:
    data = form_data(client.get(edit_url(draft)).content.decode(), "service-form")

    response = client.post(edit_url(draft), data | {"locations-TOTAL_FORMS": ["100000"]})

    assert response.status_code == 400


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    junk=st.dictionaries(
        st.sampled_from(
            [
                "name_fi",
                "summary_fi",
                "tier",
                "channels",
                "min_age",
                "website",
                "area",
                "locations-0-id",
                "locations-0-municipality",
                "locations-0-latitude",
                "locations-0-hours_3_0_opens",
                "locations-0-intervals",
                "locations-0-exceptions-0-end_date",
                "locations-0-exceptions-TOTAL_FORMS",
                "contacts-0-order",
                "contacts-1-kind",
                "sessions-0-starts_at",
                "sessions-0-location",
                "sessions-INITIAL_FORMS",
                "token",
                "action",
            ]
        ),
        st.text(max_size=40),
        max_size=6,
    )
)
def test_no_input_makes_a_server_error(
    client: Client, draft: SupportService, junk: dict[str, str]
) -> None:
    data = form_data(client.get(edit_url(draft)).content.decode(), "service-form")

    response = client.post(edit_url(draft), data | {key: [value] for key, value in junk.items()})

    assert response.status_code in (200, 302, 400, 403, 409)
