"""A service's history: every version, who made it, and what changed, in words."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from services import catalogue, review
from services.catalogue.documents import service_document
from services.models import Organisation, ServiceRevision, SupportService
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


def move(*, service: SupportService, editor: User, reviewer: User, street: str) -> None:
    """The editor moves the service's location; a coordinator approves it."""
    state = review.working_state(service)
    document = copy.deepcopy(state.document)
    document["locations"][0]["fields"]["street_address_fi"] = street
    review.save_service(
        user=editor, service=service, document=document, token=state.token, submit=True
    )
    revision = ServiceRevision.objects.get(service=service, status=ServiceRevision.Status.PENDING)
    review.approve(user=reviewer, revision=revision)


def history_url(service: SupportService) -> str:
    return reverse("services:staff_service_history", args=[service.pk])


def test_moving_a_location_reads_as_the_address_before_and_after(
    organisation: Organisation, editor: User, coordinator: User
) -> None:
    service = family_counselling(organisation=organisation, editor=editor)
    move(service=service, editor=editor, reviewer=coordinator, street="Porrassalmenkatu 1")

    response = sign_in(Client(), editor).get(history_url(service))

    assert response.status_code == 200
    newest, published, created = response.context["versions"]
    assert newest["what"] == "change approved in review"
    assert newest["entry"].user == coordinator
    assert [(d.section, d.field, d.before, d.after) for d in newest["differences"]] == [
        (
            "Location: Porrassalmenkatu 1",
            "street address (in Finnish)",
            "Hallituskatu 3",
            "Porrassalmenkatu 1",
        )
    ]
    assert published["what"] == "published"
    assert (published["older_status"], published["status"]) == ("draft", "published")
    assert published["differences"] == []
    assert created["created"] and created["entry"].user == editor
    assert created["what"] == "created"
    page = response.content.decode()
    assert "street address (in Finnish)" in page
    assert "draft → published" in page
    assert page.count("Restore this version") == 2  # not the current one


def test_the_history_table_is_readable_without_colour(
    organisation: Organisation, editor: User, coordinator: User
) -> None:
    service = family_counselling(organisation=organisation, editor=editor)
    move(service=service, editor=editor, reviewer=coordinator, street="Porrassalmenkatu 1")

    page = sign_in(Client(), editor).get(history_url(service)).content.decode()

    assert page.count("<h1") == 1 and "<h2" in page and "<h3" not in page
    assert '<th scope="col">Before</th>' in page and '<th scope="col">After</th>' in page
    assert 'role="region"' in page and 'tabindex="0"' in page and "<caption" in page


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_history_page_shows_in_each_language(
    organisation: Organisation, editor: User, coordinator: User, language: str
) -> None:
    service = family_counselling(organisation=organisation, editor=editor)
    move(service=service, editor=editor, reviewer=coordinator, street="Porrassalmenkatu 1")

    with translation.override(language):
        response = sign_in(Client(), editor).get(history_url(service))

    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
    assert "Porrassalmenkatu 1" in response.content.decode()


def test_only_those_who_may_edit_the_service_see_its_history(
    organisation: Organisation, editor: User
) -> None:
    service = family_counselling(organisation=organisation, editor=editor)
    other_editor = make_user("olli", organisations=[OrganisationFactory()])
    other_coordinator = make_user("pirkko", counties=["08"])

    assert Client().get(history_url(service)).status_code == 302
    assert sign_in(Client(), other_editor).get(history_url(service)).status_code == 404
    assert sign_in(Client(), other_coordinator).get(history_url(service)).status_code == 404
    own_coordinator = make_user("kalle", counties=["12"])
    assert sign_in(Client(), own_coordinator).get(history_url(service)).status_code == 200


def test_a_long_history_is_paged_with_the_same_queries_per_page(
    organisation: Organisation,
    editor: User,
    django_assert_max_num_queries: pytest.FixtureRequest,
) -> None:
    service = family_counselling(organisation=organisation, editor=editor)

    def edit(times: int) -> None:
        for number in range(times):
            document = service_document(service)
            document["fields"]["summary_fi"] = f"Tukea vanhemmille, versio {number}."
            service.refresh_from_db()
            catalogue.save_document(user=editor, document=document, service=service)

    edit(10)  # 12 versions: two pages
    client = sign_in(Client(), editor)
    with django_assert_max_num_queries(20) as first:
        client.get(history_url(service))
    edit(20)  # 32 versions: four pages

    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(history_url(service))
    last = client.get(history_url(service), {"page": 4})

    assert len(response.context["versions"]) == 10
    assert "Page 1 of 4" in response.content.decode()
    assert last.context["versions"][-1]["created"]
    assert "Everything in the first kept version" in last.content.decode()
