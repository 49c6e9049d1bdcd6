"""Restoring an earlier version: a change of its own, reviewed like any other.

The revert of a location change the staff-curation issue asks for: a location moved to
another address is moved back by restoring the version before the move.
"""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from services import review
from services.catalogue import history
from services.models import Location, Organisation, ServiceRevision, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory
from tests.staff.history_world import family_counselling


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def editor(organisation: Organisation) -> User:
    return make_user("eeva", organisations=[organisation])


@pytest.fixture
def coordinator(db: None) -> User:
    return make_user("kaisa", counties=["12"])


def move_location(*, service: SupportService, editor: User, reviewer: User | None) -> None:
    """Move the location to Porrassalmenkatu 1: approved when published, else in place."""
    state = review.working_state(service)
    document = copy.deepcopy(state.document)
    document["locations"][0]["fields"]["street_address_fi"] = "Porrassalmenkatu 1"
    document["locations"][0]["fields"]["latitude"] = 61.6870
    review.save_service(
        user=editor,
        service=service,
        document=document,
        token=state.token,
        submit=reviewer is not None,
    )
    if reviewer is not None:
        revision = ServiceRevision.objects.get(
            service=service, status=ServiceRevision.Status.PENDING
        )
        review.approve(user=reviewer, revision=revision)


def addresses(service: SupportService) -> list[str]:
    return list(
        Location.objects.filter(service=service).values_list("street_address_fi", flat=True)
    )


def restore_url(service: SupportService, version_id: int) -> str:
    return reverse("services:staff_service_restore", args=[service.pk, version_id])


def public_page(service: SupportService) -> str:
    return Client().get(reverse("services:service_detail", args=[service.pk])).content.decode()


def test_restoring_the_version_before_a_move_brings_the_old_address_back_once_approved(
    organisation: Organisation, editor: User, coordinator: User
) -> None:
    service = family_counselling(organisation=organisation, editor=editor)
    move_location(service=service, editor=editor, reviewer=coordinator)
    before_move = history.entries(service)[1]
    assert before_move.document["locations"][0]["fields"]["street_address_fi"] == "Hallituskatu 3"
    client = sign_in(Client(), editor)

    response = client.post(restore_url(service, before_move.version_id), follow=True)

    assert response.redirect_chain[0] == (
        reverse("services:staff_service_edit", args=[service.pk]),
        302,
    )
    assert "is now in the editor: check it and send it for review" in response.content.decode()
    # Nothing public changes yet: the restored version is an unsent change.
    assert addresses(service) == ["Porrassalmenkatu 1"]
    assert "Porrassalmenkatu 1" in public_page(service)
    change = ServiceRevision.objects.get(service=service, status=ServiceRevision.Status.DRAFT)
    assert change.document["locations"][0]["fields"]["street_address_fi"] == "Hallituskatu 3"

    service.refresh_from_db()
    review.submit(user=editor, service=service)
    pending = ServiceRevision.objects.get(service=service, status=ServiceRevision.Status.PENDING)
    detail = sign_in(Client(), coordinator).post(
        reverse("services:review_detail", args=[pending.pk]), {"action": "approve"}
    )

    assert detail.status_code == 302
    assert addresses(service) == ["Hallituskatu 3"]
    assert Location.objects.get(service=service).latitude == pytest.approx(61.6886)
    assert "Hallituskatu 3" in public_page(service)
    newest = history.entries(service)[0]
    assert newest.document["locations"][0]["fields"]["street_address_fi"] == "Hallituskatu 3"


def test_restoring_a_version_of_a_draft_changes_the_draft_in_place(
    organisation: Organisation, editor: User
) -> None:
    service = family_counselling(organisation=organisation, editor=editor, publish=False)
    move_location(service=service, editor=editor, reviewer=None)
    created = history.entries(service)[-1]

    response = sign_in(Client(), editor).post(restore_url(service, created.version_id))

    assert response.status_code == 302
    assert addresses(service) == ["Hallituskatu 3"]
    assert not ServiceRevision.objects.filter(service=service).exists()
    assert history.entries(service)[0].comment.startswith(history.RESTORED)


def test_a_version_of_another_service_is_not_found_and_nothing_changes(
    organisation: Organisation, editor: User, coordinator: User
) -> None:
    service = family_counselling(organisation=organisation, editor=editor)
    move_location(service=service, editor=editor, reviewer=coordinator)
    other = family_counselling(organisation=organisation, editor=editor)
    foreign = history.entries(other)[-1].version_id
    client = sign_in(Client(), editor)

    assert client.post(restore_url(service, foreign)).status_code == 404
    assert client.post(restore_url(service, 999_999_999)).status_code == 404

    assert addresses(service) == ["Porrassalmenkatu 1"]
    assert (
        not ServiceRevision.objects.filter(service=service)
        .exclude(status=ServiceRevision.Status.APPROVED)
        .exists()
    )


def test_only_those_who_may_edit_the_service_may_restore_and_only_by_post(
    organisation: Organisation, editor: User, coordinator: User
) -> None:
    service = family_counselling(organisation=organisation, editor=editor)
    move_location(service=service, editor=editor, reviewer=coordinator)
    url = restore_url(service, history.entries(service)[-1].version_id)
    outsider = make_user("olli", organisations=[OrganisationFactory()])

    assert Client().post(url).status_code == 302  # to the login page
    assert sign_in(Client(), outsider).post(url).status_code == 404
    assert sign_in(Client(), editor).get(url).status_code == 405

    assert not ServiceRevision.objects.filter(service=service, status="DRAFT").exists()
