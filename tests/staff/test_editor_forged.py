"""Forged ids in the editor's forms are refused and change nothing: another provider, another
service's rows, another organisation's service."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from services import catalogue
from services.catalogue.documents import empty_document
from services.models import ContactPoint, Location, Organisation, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory
from tests.html_forms import form_data


@pytest.fixture
def ours(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Meidän yhdistys")


@pytest.fixture
def theirs(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Toinen yhdistys")


@pytest.fixture
def editor(ours: Organisation) -> User:
    return make_user("editor", organisations=[ours])


@pytest.fixture
def client(editor: User) -> Client:
    return sign_in(Client(), editor)


def service_of(organisation: Organisation, name: str) -> SupportService:
    document = empty_document(organisation=organisation.pk, name_fi=name, tier="DIGITAL")
    document["links"]["area_municipalities"] = ["491"]
    document["locations"] = [
        {
            "fields": {
                "street_address_fi": f"{name}katu 1",
                "postal_code": "50100",
                "municipality": "491",
            },
            "hours": [[0, "08:00", "16:00"]],
        }
    ]
    document["contact_points"] = [{"fields": {"kind": "EMAIL", "value": "info@example.org"}}]
    service = catalogue.save_document(user=None, document=document)
    return SupportService.objects.get(pk=service.pk)


def edit_url(service: SupportService) -> str:
    return reverse("services:staff_service_edit", args=[service.pk])


def edit_form(client: Client, service: SupportService) -> dict[str, list[str]]:
    return form_data(client.get(edit_url(service)).content.decode(), "service-form")


def test_a_forged_provider_in_a_new_service_is_refused_and_nothing_is_created(
    client: Client, theirs: Organisation
) -> None:
    data = form_data(
        client.get(reverse("services:staff_service_new")).content.decode(), "service-form"
    ) | {"organisation": [str(theirs.pk)], "name_fi": ["Vieras"], "tier": ["DIGITAL"]}

    response = client.post(reverse("services:staff_service_new"), data)

    assert response.status_code == 403
    assert not SupportService.objects.exists()


def test_another_services_location_id_is_refused_and_that_location_is_not_moved(
    client: Client, ours: Organisation, theirs: Organisation
) -> None:
    mine, other = service_of(ours, "Oma"), service_of(theirs, "Vieras")
    their_location = Location.objects.get(service=other)
    data = edit_form(client, mine) | {
        "locations-0-id": [str(their_location.pk)],
        "locations-0-street_address_fi": ["Siirretty 1"],
    }

    response = client.post(edit_url(mine), data)

    assert response.status_code == 400
    assert "not one of this service&#x27;s own" in response.content.decode()
    their_location.refresh_from_db()
    assert their_location.service == other
    assert their_location.street_address_fi == "Vieraskatu 1"
    assert Location.objects.get(service=mine).street_address_fi == "Omakatu 1"


def test_another_services_location_id_in_the_extra_row_is_refused_too(
    client: Client, ours: Organisation, theirs: Organisation
) -> None:
    mine, other = service_of(ours, "Oma"), service_of(theirs, "Vieras")
    their_contact = ContactPoint.objects.get(service=other)
    data = edit_form(client, mine) | {
        "contacts-1-id": [str(their_contact.pk)],
        "contacts-1-kind": ["PHONE"],
        "contacts-1-value": ["0800 12345"],
    }

    response = client.post(edit_url(mine), data)

    assert response.status_code == 400
    their_contact.refresh_from_db()
    assert (their_contact.service, their_contact.kind) == (other, "EMAIL")
    assert ContactPoint.objects.filter(service=mine).count() == 1


def test_one_row_cannot_appear_twice(client: Client, ours: Organisation) -> None:
    mine = service_of(ours, "Oma")
    data = edit_form(client, mine)
    data |= {
        "locations-1-id": data["locations-0-id"],
        "locations-1-street_address_fi": ["Toinen 2"],
        "locations-1-postal_code": ["50100"],
        "locations-1-municipality": ["491"],
    }

    response = client.post(edit_url(mine), data)

    assert response.status_code == 400
    assert Location.objects.get(service=mine).street_address_fi == "Omakatu 1"


@pytest.mark.parametrize("name", ["staff_service_edit", "staff_service_preview"])
def test_another_organisations_service_is_not_found(
    client: Client, theirs: Organisation, name: str
) -> None:
    other = service_of(theirs, "Vieras")

    assert client.get(reverse(f"services:{name}", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "staff_service_edit",
        "staff_service_confirm",
        "staff_service_submit",
        "staff_service_withdraw",
    ],
)
def test_posting_to_another_organisations_service_is_not_found_and_changes_nothing(
    client: Client, theirs: Organisation, name: str
) -> None:
    other = service_of(theirs, "Vieras")
    version = other.version

    response = client.post(
        reverse(f"services:{name}", args=[other.pk]), {"name_fi": "Kaapattu", "action": "submit"}
    )

    assert response.status_code == 404
    other.refresh_from_db()
    assert (other.name_fi, other.status, other.version) == ("Vieras", "DRAFT", version)
    assert other.verified_at is None


def test_a_coordinator_of_another_county_cannot_reach_the_service(theirs: Organisation) -> None:
    other = service_of(theirs, "Vieras")  # in Mikkeli, Etelä-Savo
    pirkanmaa = sign_in(Client(), make_user("pirkanmaa", counties=["08"]))
    etela_savo = sign_in(Client(), make_user("etela-savo", counties=["12"]))

    assert pirkanmaa.get(edit_url(other)).status_code == 404
    assert etela_savo.get(edit_url(other)).status_code == 200


def test_users_without_a_role_are_refused(db: None) -> None:
    nobody = sign_in(Client(), make_user("nobody"))

    assert nobody.get(reverse("services:staff_home")).status_code == 403
    assert nobody.get(reverse("services:staff_service_new")).status_code == 403
