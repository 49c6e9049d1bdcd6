"""A coordinator approves what an editor sent: the public sees it only then."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from services import catalogue, review
from services.catalogue.documents import empty_document, service_document
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
def coordinator(db: None) -> User:
    return make_user("coordinator", counties=["12"])


@pytest.fixture
def coordinator_client(coordinator: User) -> Client:
    return sign_in(Client(), coordinator)


def new_service(*, organisation: Organisation, name: str, publish: bool) -> SupportService:
    """A service of Mikkeli made through the catalogue, so its history is kept."""
    document = empty_document(
        organisation=organisation.pk,
        name_fi=name,
        summary_fi="Tukea vanhemmille.",
        tier="UNIVERSAL_INDIVIDUAL",
    )
    document["links"]["area_municipalities"] = ["491"]
    service = catalogue.save_document(user=None, document=document)
    if publish:
        catalogue.publish(user=None, services=[service])
    return SupportService.objects.get(pk=service.pk)


def send_change(*, editor: User, service: SupportService, **fields: str) -> ServiceRevision:
    state = review.working_state(service)
    document = copy.deepcopy(state.document)
    document["fields"].update(fields)
    review.save_service(
        user=editor, service=service, document=document, token=state.token, submit=True
    )
    return ServiceRevision.objects.get(service=service, status=ServiceRevision.Status.PENDING)


def public_page(service: SupportService) -> str:
    return Client().get(reverse("services:service_detail", args=[service.pk])).content.decode()


def test_the_public_sees_a_change_only_after_a_coordinator_approves_it(
    organisation: Organisation, editor: User, coordinator_client: Client
) -> None:
    service = new_service(organisation=organisation, name="Isäryhmä", publish=True)
    revision = send_change(editor=editor, service=service, name_fi="Isien ryhmä")
    assert "Isäryhmä" in public_page(service)
    assert "Isien ryhmä" not in public_page(service)

    response = coordinator_client.post(
        reverse("services:review_detail", args=[revision.pk]), {"action": "approve"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("services:review_list")
    assert "Isien ryhmä" in public_page(service)
    revision.refresh_from_db()
    assert revision.status == ServiceRevision.Status.APPROVED
    listing = coordinator_client.get(response["Location"]).content.decode()
    assert "approved and now public" in listing


def test_the_review_page_shows_the_change_field_by_field(
    organisation: Organisation, editor: User, coordinator_client: Client
) -> None:
    service = new_service(organisation=organisation, name="Isäryhmä", publish=True)
    revision = send_change(editor=editor, service=service, name_fi="Isien ryhmä")

    response = coordinator_client.get(reverse("services:review_detail", args=[revision.pk]))

    assert response.status_code == 200
    rows = [
        (difference.field, difference.before, difference.after)
        for difference in response.context["differences"]
    ]
    assert rows == [("name (in Finnish)", "Isäryhmä", "Isien ryhmä")]
    page = response.content.decode()
    assert "<caption" in page and 'scope="col">Before<' in page and 'scope="col">After<' in page
    assert "Approve and publish the change" in page
    assert "has changed after the editor started" not in page


def test_approving_a_new_service_publishes_it(
    organisation: Organisation, editor: User, coordinator_client: Client
) -> None:
    service = new_service(organisation=organisation, name="Vauvaperhetyö", publish=False)
    review.submit(user=editor, service=service)
    revision = ServiceRevision.objects.get(service=service)
    detail = coordinator_client.get(reverse("services:review_detail", args=[revision.pk]))
    assert "Vauvaperhetyö" in [d.after for d in detail.context["differences"]]
    preview = reverse("services:staff_service_preview", args=[service.pk])
    assert f'href="{preview}"' in detail.content.decode()
    assert "Vauvaperhetyö" not in public_page(service)

    coordinator_client.post(
        reverse("services:review_detail", args=[revision.pk]), {"action": "approve"}
    )

    service.refresh_from_db()
    assert service.status == SupportService.Status.PUBLISHED
    assert "Vauvaperhetyö" in public_page(service)


def test_approving_a_change_made_on_an_older_version_needs_a_confirmation(
    organisation: Organisation, editor: User, coordinator_client: Client
) -> None:
    service = new_service(organisation=organisation, name="Isäryhmä", publish=True)
    revision = send_change(editor=editor, service=service, name_fi="Isien ryhmä")
    # Meanwhile an administrator corrects the summary of the published service.
    document = service_document(service)
    document["fields"]["summary_fi"] = "Vertaistukea isille."
    catalogue.save_document(user=None, document=document, service=service)
    url = reverse("services:review_detail", args=[revision.pk])

    shown = coordinator_client.get(url)
    refused = coordinator_client.post(url, {"action": "approve"})

    assert "The service has changed after the editor started" in shown.content.decode()
    since = [(d.field, d.before, d.after) for d in shown.context["changes_since"]]
    assert since == [("summary (in Finnish)", "Tukea vanhemmille.", "Vertaistukea isille.")]
    assert refused.status_code == 409
    assert "confirm that this change may replace them" in refused.content.decode()
    assert 'aria-describedby="id_over_newer_error"' in refused.content.decode()
    assert "Isien ryhmä" not in public_page(service)

    version = refused.context["approve_form"]["seen_version"].value()
    confirmed = coordinator_client.post(
        url, {"action": "approve", "over_newer": "on", "seen_version": version}
    )

    assert confirmed.status_code == 302
    assert "Isien ryhmä" in public_page(service)


def test_a_confirmation_given_before_a_further_change_is_asked_again(
    organisation: Organisation, editor: User, coordinator_client: Client
) -> None:
    service = new_service(organisation=organisation, name="Isäryhmä", publish=True)
    revision = send_change(editor=editor, service=service, name_fi="Isien ryhmä")
    document = service_document(service)
    document["fields"]["summary_fi"] = "Vertaistukea isille."
    catalogue.save_document(user=None, document=document, service=service)
    url = reverse("services:review_detail", args=[revision.pk])
    seen = coordinator_client.get(url).context["approve_form"].initial["seen_version"]
    document["fields"]["summary_fi"] = "Vertaistukea isille ja isoisille."
    service.refresh_from_db()
    catalogue.save_document(user=None, document=document, service=service)

    response = coordinator_client.post(
        url, {"action": "approve", "over_newer": "on", "seen_version": seen}
    )

    assert response.status_code == 409
    assert "Isien ryhmä" not in public_page(service)


def test_a_request_handled_meanwhile_says_so_instead_of_failing(
    organisation: Organisation, editor: User, coordinator_client: Client
) -> None:
    service = new_service(organisation=organisation, name="Isäryhmä", publish=True)
    revision = send_change(editor=editor, service=service, name_fi="Isien ryhmä")
    colleague = make_user("colleague", counties=["12"])
    review.return_to_editor(user=colleague, revision=revision, reason="Nimi on jo käytössä.")
    url = reverse("services:review_detail", args=[revision.pk])

    response = coordinator_client.post(url, {"action": "approve"}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "no longer waiting for review" in page
    assert "colleague" in page
    assert "Approve and publish" not in page
    assert "Isäryhmä" in public_page(service)


def test_a_coordinator_of_another_county_finds_nothing_and_changes_nothing(
    organisation: Organisation, editor: User
) -> None:
    service = new_service(organisation=organisation, name="Isäryhmä", publish=True)
    revision = send_change(editor=editor, service=service, name_fi="Isien ryhmä")
    pirkanmaa = sign_in(Client(), make_user("pirkanmaa", counties=["08"]))
    url = reverse("services:review_detail", args=[revision.pk])

    assert pirkanmaa.get(url).status_code == 404
    assert pirkanmaa.post(url, {"action": "approve"}).status_code == 404
    assert pirkanmaa.post(url, {"action": "return", "reason": "Ei"}).status_code == 404

    revision.refresh_from_db()
    assert revision.status == ServiceRevision.Status.PENDING
    assert "Isäryhmä" in public_page(service)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_review_page_shows_in_each_language(
    organisation: Organisation, editor: User, coordinator_client: Client, language: str
) -> None:
    service = new_service(organisation=organisation, name="Isäryhmä", publish=True)
    revision = send_change(editor=editor, service=service, name_fi="Isien ryhmä")
    document = service_document(service)
    document["fields"]["summary_fi"] = "Vertaistukea isille."
    catalogue.save_document(user=None, document=document, service=service)

    with translation.override(language):
        response = coordinator_client.get(reverse("services:review_detail", args=[revision.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    assert "Isien ryhmä" in page and "Vertaistukea isille." in page
    assert 'name="over_newer"' in page
