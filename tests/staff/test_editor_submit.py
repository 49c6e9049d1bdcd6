"""The listing's own buttons: send for review as it is, and withdraw a request."""

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


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def editor(organisation: Organisation) -> User:
    return make_user("editor", organisations=[organisation])


@pytest.fixture
def client(editor: User) -> Client:
    return sign_in(Client(), editor)


def service_of(organisation: Organisation, *, published: bool) -> SupportService:
    document = empty_document(organisation=organisation.pk, name_fi="Isäryhmä", tier="DIGITAL")
    document["links"]["area_municipalities"] = ["491"]
    service = catalogue.save_document(user=None, document=document)
    if published:
        catalogue.publish(user=None, services=[service])
    return SupportService.objects.get(pk=service.pk)


def post(client: Client, name: str, service: SupportService, **data: str) -> object:
    return client.post(reverse(f"services:{name}", args=[service.pk]), data)


def test_sending_a_draft_for_review_as_it_is(client: Client, organisation: Organisation) -> None:
    draft = service_of(organisation, published=False)

    response = post(client, "staff_service_submit", draft, note="Valmis.")

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SupportService.Status.PENDING_REVIEW
    revision = ServiceRevision.objects.get(service=draft)
    assert (revision.status, revision.note) == (ServiceRevision.Status.PENDING, "Valmis.")


def test_sending_an_unsent_change_of_a_published_service(
    client: Client, editor: User, organisation: Organisation
) -> None:
    service = service_of(organisation, published=True)
    state = review.working_state(service)
    changed = {**state.document, "fields": {**state.document["fields"], "name_fi": "Isät"}}
    review.save_service(user=editor, service=service, document=changed, token=state.token)

    post(client, "staff_service_submit", service)

    revision = ServiceRevision.objects.get(service=service)
    assert revision.status == ServiceRevision.Status.PENDING
    assert revision.document["fields"]["name_fi"] == "Isät"
    service.refresh_from_db()
    assert (service.status, service.name_fi) == (SupportService.Status.PUBLISHED, "Isäryhmä")


def test_a_published_service_without_a_change_has_nothing_to_send(
    client: Client, organisation: Organisation
) -> None:
    service = service_of(organisation, published=True)

    response = post(client, "staff_service_submit", service)

    assert response.status_code == 302
    assert not ServiceRevision.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "There is no change to send" in page


def test_withdrawing_a_request_makes_the_service_a_draft_again(
    client: Client, editor: User, organisation: Organisation
) -> None:
    draft = service_of(organisation, published=False)
    review.submit(user=editor, service=draft)

    response = post(client, "staff_service_withdraw", draft)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SupportService.Status.DRAFT
    assert ServiceRevision.objects.get(service=draft).status == ServiceRevision.Status.WITHDRAWN


def test_discarding_an_unsent_change_keeps_the_published_version(
    client: Client, editor: User, organisation: Organisation
) -> None:
    service = service_of(organisation, published=True)
    state = review.working_state(service)
    changed = {**state.document, "fields": {**state.document["fields"], "name_fi": "Isät"}}
    review.save_service(user=editor, service=service, document=changed, token=state.token)
    page = client.get(reverse("services:staff_service_edit", args=[service.pk])).content.decode()
    assert "Discard the unsent change" in page

    post(client, "staff_service_withdraw", service)

    assert review.working_state(service).document["fields"]["name_fi"] == "Isäryhmä"
    service.refresh_from_db()
    assert service.status == SupportService.Status.PUBLISHED


def test_the_buttons_answer_only_to_post(client: Client, organisation: Organisation) -> None:
    draft = service_of(organisation, published=False)

    for name in ("staff_service_submit", "staff_service_withdraw", "staff_service_confirm"):
        assert client.get(reverse(f"services:{name}", args=[draft.pk])).status_code == 405
    draft.refresh_from_db()
    assert draft.status == SupportService.Status.DRAFT
