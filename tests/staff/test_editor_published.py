"""Editing a published service: the change waits for review, the public keeps the published
version; a coordinator may publish directly."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from services import catalogue, review
from services.catalogue.documents import empty_document
from services.models import Organisation, ServiceRevision, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory
from tests.html_forms import form_data


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def editor(organisation: Organisation) -> User:
    return make_user("editor", organisations=[organisation])


@pytest.fixture
def service(organisation: Organisation) -> SupportService:
    """A published service of Mikkeli, made through the catalogue."""
    document = empty_document(
        organisation=organisation.pk, name_fi="Isäryhmä", tier="UNIVERSAL_GROUP"
    )
    document["links"]["area_municipalities"] = ["491"]
    service = catalogue.save_document(user=None, document=document)
    catalogue.publish(user=None, services=[service])
    return SupportService.objects.get(pk=service.pk)


def edit_form(client: Client, service: SupportService) -> dict[str, list[str]]:
    response = client.get(reverse("services:staff_service_edit", args=[service.pk]))
    assert response.status_code == 200
    return form_data(response.content.decode(), "service-form")


def save(client: Client, service: SupportService, data: dict, action: str = "save") -> object:
    return client.post(
        reverse("services:staff_service_edit", args=[service.pk]), data | {"action": [action]}
    )


def public_page(service: SupportService) -> str:
    return Client().get(reverse("services:service_detail", args=[service.pk])).content.decode()


def test_an_editors_change_to_a_published_service_waits_and_the_public_sees_the_old_name(
    editor: User, service: SupportService
) -> None:
    client = sign_in(Client(), editor)
    data = edit_form(client, service) | {"name_fi": ["Isien ryhmä"]}

    response = save(client, service, data, action="submit")

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name_fi == "Isäryhmä"
    assert service.status == SupportService.Status.PUBLISHED
    revision = ServiceRevision.objects.get(service=service)
    assert revision.status == ServiceRevision.Status.PENDING
    assert revision.kind == ServiceRevision.Kind.CHANGE
    assert revision.document["fields"]["name_fi"] == "Isien ryhmä"
    page = public_page(service)
    assert "Isäryhmä" in page
    assert "Isien ryhmä" not in page


def test_a_saved_change_not_yet_sent_is_what_the_editor_sees_and_edits_next_time(
    editor: User, service: SupportService
) -> None:
    client = sign_in(Client(), editor)
    save(client, service, edit_form(client, service) | {"name_fi": ["Isien ryhmä"]})

    data = edit_form(client, service)
    assert data["name_fi"] == ["Isien ryhmä"]
    response = save(client, service, data | {"summary_fi": ["Isille."]})

    assert response.status_code == 302
    revision = ServiceRevision.objects.get(service=service)
    assert revision.status == ServiceRevision.Status.DRAFT
    assert revision.document["fields"]["summary_fi"] == "Isille."
    assert "Isien ryhmä" not in public_page(service)
    page = client.get(reverse("services:staff_service_edit", args=[service.pk])).content.decode()
    assert "not been sent for review yet" in page


def test_a_coordinator_saves_and_publishes_directly(service: SupportService) -> None:
    client = sign_in(Client(), make_user("coordinator", counties=["12"]))
    data = edit_form(client, service) | {"name_fi": ["Isien ryhmä"]}

    response = save(client, service, data, action="publish")

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name_fi == "Isien ryhmä"
    assert service.status == SupportService.Status.PUBLISHED
    assert "Isien ryhmä" in public_page(service)
    assert not ServiceRevision.objects.filter(service=service, status__in=["DRAFT", "PENDING"])


def test_a_coordinator_approving_an_open_change_by_publishing_closes_it(
    editor: User, service: SupportService
) -> None:
    editor_client = sign_in(Client(), editor)
    save(
        editor_client,
        service,
        edit_form(editor_client, service) | {"name_fi": ["Isien ryhmä"]},
        action="submit",
    )
    coordinator = sign_in(Client(), make_user("coordinator", counties=["12"]))

    data = edit_form(coordinator, service)
    assert data["name_fi"] == ["Isien ryhmä"]  # the coordinator edits the open change
    response = save(coordinator, service, data, action="publish")

    assert response.status_code == 302
    assert "Isien ryhmä" in public_page(service)
    assert ServiceRevision.objects.get(service=service).status == ServiceRevision.Status.APPROVED


def test_the_editor_has_no_publish_button_and_cannot_publish(
    editor: User, service: SupportService
) -> None:
    client = sign_in(Client(), editor)
    page = client.get(reverse("services:staff_service_edit", args=[service.pk])).content.decode()
    assert 'value="publish"' not in page

    response = save(client, service, edit_form(client, service) | {"name_fi": ["X"]}, "publish")

    assert response.status_code == 403
    service.refresh_from_db()
    assert service.name_fi == "Isäryhmä"
    assert not ServiceRevision.objects.exists()


def test_a_returned_change_shows_the_coordinators_reason_at_the_top(
    editor: User, service: SupportService
) -> None:
    coordinator = make_user("coordinator", counties=["12"])
    state = review.working_state(service)
    document = {**state.document, "fields": {**state.document["fields"], "name_fi": "Isät"}}
    review.save_service(
        user=editor, service=service, document=document, token=state.token, submit=True
    )
    revision = ServiceRevision.objects.get(service=service)
    review.return_to_editor(user=coordinator, revision=revision, reason="Kerro myös hinta.")
    client = sign_in(Client(), editor)

    page = client.get(reverse("services:staff_service_edit", args=[service.pk])).content.decode()

    assert "Kerro myös hinta." in page
    assert page.index("Kerro myös hinta.") < page.index('id="service-form"')
    assert form_data(page, "service-form")["name_fi"] == ["Isät"]


def test_saving_a_published_service_unchanged_makes_no_empty_request(
    editor: User, service: SupportService
) -> None:
    client = sign_in(Client(), editor)

    for action in ("save", "submit"):
        response = save(client, service, edit_form(client, service), action=action)
        assert response.status_code == 302

    assert not ServiceRevision.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was changed" in page
