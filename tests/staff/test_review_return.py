"""A coordinator returns a request to its editor, always with a reason."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from services import review
from services.models import Organisation, ServiceRevision, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory, SupportServiceFactory


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def editor(organisation: Organisation) -> User:
    return make_user("editor", organisations=[organisation], email="editor@example.org")


@pytest.fixture
def coordinator_client(db: None) -> Client:
    return sign_in(Client(), make_user("coordinator", counties=["12"]))


@pytest.fixture
def sent_draft(organisation: Organisation, editor: User) -> ServiceRevision:
    service = SupportServiceFactory(
        organisation=organisation,
        name_fi="Vauvaperhetyö",
        status=SupportService.Status.DRAFT,
        municipalities=["491"],
    )
    review.submit(user=editor, service=service)
    return ServiceRevision.objects.get(service=service)


def test_a_returned_draft_is_a_draft_again_with_the_reason_stored_and_sent(
    sent_draft: ServiceRevision,
    coordinator_client: Client,
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    assert sent_draft.service.status == SupportService.Status.PENDING_REVIEW
    mail.outbox.clear()  # the message to reviewers about the request

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("services:review_detail", args=[sent_draft.pk]),
            {"action": "return", "reason": "Lisää yhteystiedot, kiitos."},
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("services:review_list")
    sent_draft.refresh_from_db()
    assert sent_draft.status == ServiceRevision.Status.RETURNED
    assert sent_draft.reason == "Lisää yhteystiedot, kiitos."
    assert sent_draft.service.status == SupportService.Status.DRAFT
    assert [message.to for message in mail.outbox] == [["editor@example.org"]]
    assert "Lisää yhteystiedot, kiitos." in mail.outbox[0].body


def test_returning_without_a_reason_shows_a_field_error_and_changes_nothing(
    sent_draft: ServiceRevision, coordinator_client: Client
) -> None:
    response = coordinator_client.post(
        reverse("services:review_detail", args=[sent_draft.pk]),
        {"action": "return", "reason": "   "},
    )

    assert response.status_code == 400
    assert response.context["return_form"].errors["reason"] == ["Say why the request is returned."]
    page = response.content.decode()
    # The error is tied to the field, so a screen reader reads it with the field.
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in page
    assert 'id="id_reason_error"' in page
    assert "<title>Error:" in page
    sent_draft.refresh_from_db()
    assert sent_draft.status == ServiceRevision.Status.PENDING
    assert sent_draft.service.status == SupportService.Status.PENDING_REVIEW


def test_a_returned_change_leaves_the_published_service_as_it_was(
    organisation: Organisation, editor: User, coordinator_client: Client
) -> None:
    service = SupportServiceFactory(
        organisation=organisation, name_fi="Isäryhmä", municipalities=["491"]
    )
    state = review.working_state(service)
    document = {**state.document, "fields": {**state.document["fields"], "name_fi": "Isät"}}
    review.save_service(
        user=editor, service=service, document=document, token=state.token, submit=True
    )
    revision = ServiceRevision.objects.get(service=service)

    coordinator_client.post(
        reverse("services:review_detail", args=[revision.pk]),
        {"action": "return", "reason": "Nimi on liian lyhyt."},
    )

    revision.refresh_from_db()
    assert revision.status == ServiceRevision.Status.RETURNED
    service.refresh_from_db()
    assert service.status == SupportService.Status.PUBLISHED
    assert service.name_fi == "Isäryhmä"
    # The editor finds the returned change where they left it.
    assert review.working_state(service).document["fields"]["name_fi"] == "Isät"
