"""The coordinators' review list: what waits for them, oldest first, and nothing else."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from services import review
from services.models import ServiceRevision, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory, SupportServiceFactory

MIKKELI = "491"  # Etelä-Savo
TAMPERE = "837"  # Pirkanmaa


def sent_draft(*, editor: User, name: str, municipality: str = MIKKELI) -> ServiceRevision:
    """A draft its editor has sent for review."""
    service = SupportServiceFactory(
        organisation=editor.organisations.get(),
        name_fi=name,
        status=SupportService.Status.DRAFT,
        municipalities=[municipality],
    )
    review.submit(user=editor, service=service, note=f"Please look at {name}")
    return ServiceRevision.objects.get(service=service)


def sent_change(*, editor: User, name: str, new_name: str) -> ServiceRevision:
    """A change to a published service, sent for review."""
    service = SupportServiceFactory(
        organisation=editor.organisations.get(), name_fi=name, municipalities=[MIKKELI]
    )
    state = review.working_state(service)
    document = copy.deepcopy(state.document)
    document["fields"]["name_fi"] = new_name
    review.save_service(
        user=editor, service=service, document=document, token=state.token, submit=True
    )
    return ServiceRevision.objects.get(service=service)


@pytest.fixture
def editor(db: None) -> User:
    return make_user("editor", organisations=[OrganisationFactory(name_fi="Perheliitto")])


@pytest.fixture
def coordinator_client(db: None) -> Client:
    return sign_in(Client(), make_user("coordinator", counties=["12"]))


def test_requests_are_listed_oldest_first_with_kind_author_and_note(
    editor: User, coordinator_client: Client
) -> None:
    newer = sent_draft(editor=editor, name="Vauvaperhetyö")
    older = sent_change(editor=editor, name="Isäryhmä", new_name="Isien ryhmä")
    older.submitted_at = timezone.now() - dt.timedelta(days=2)
    older.save()

    response = coordinator_client.get(reverse("services:review_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Isäryhmä") < page.index("Vauvaperhetyö")
    assert "change" in page and "new service" in page
    assert "Perheliitto" in page
    assert "Please look at Vauvaperhetyö" in page
    assert reverse("services:review_detail", args=[newer.pk]) in page


def test_the_list_can_show_only_new_services(editor: User, coordinator_client: Client) -> None:
    sent_draft(editor=editor, name="Vauvaperhetyö")
    sent_change(editor=editor, name="Isäryhmä", new_name="Isien ryhmä")

    response = coordinator_client.get(reverse("services:review_list"), {"kind": "PUBLICATION"})

    assert "Vauvaperhetyö" in response.content.decode()
    assert "Isäryhmä" not in response.content.decode()


def test_a_coordinator_sees_only_requests_of_their_own_county(
    editor: User, coordinator_client: Client
) -> None:
    sent_draft(editor=editor, name="Tampereen perhetyö", municipality=TAMPERE)
    returned = sent_draft(editor=editor, name="Palautettu palvelu")
    review.return_to_editor(
        user=make_user("other-coordinator", counties=["12"]), revision=returned, reason="Puuttuu"
    )

    response = coordinator_client.get(reverse("services:review_list"))

    assert "Tampereen perhetyö" not in response.content.decode()
    assert "Palautettu palvelu" not in response.content.decode()
    assert "Nothing waits for review." in response.content.decode()


def test_an_editor_may_not_see_the_review_list(editor: User) -> None:
    response = sign_in(Client(), editor).get(reverse("services:review_list"))

    assert response.status_code == 403


def test_the_list_takes_the_same_number_of_queries_for_many_requests(
    editor: User,
    coordinator_client: Client,
    django_assert_max_num_queries: pytest.FixtureRequest,
) -> None:
    for number in range(3):
        sent_draft(editor=editor, name=f"Palvelu {number}")
    with django_assert_max_num_queries(20) as few:
        coordinator_client.get(reverse("services:review_list"))
    for number in range(3, 15):
        sent_change(editor=editor, name=f"Palvelu {number}", new_name=f"Uusi {number}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(reverse("services:review_list"))

    assert len(re.findall(r"/staff/reviews/\d+/", response.content.decode())) == 15


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_list_shows_in_each_language(
    editor: User, coordinator_client: Client, language: str
) -> None:
    sent_draft(editor=editor, name="Vauvaperhetyö")

    with translation.override(language):
        response = coordinator_client.get(reverse("services:review_list"))

    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
    assert "Vauvaperhetyö" in response.content.decode()
