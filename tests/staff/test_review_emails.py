"""Review e-mails: the editor hears the outcome, the coordinators hear that a request waits.

Each message is in its recipient's language (``User.language``): the service's name in that
language, and links to pages in that language, absolute (``settings.SITE_URL``).
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from services import review
from services.models import Organisation, ServiceRevision, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory, SupportServiceFactory

SITE = "https://perhekeskus.example.fi"


@pytest.fixture(autouse=True)
def site_url(settings: pytest.FixtureRequest) -> None:
    settings.SITE_URL = SITE + "/"


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto", name_sv="Familjeförbundet")


@pytest.fixture
def coordinator_client(db: None) -> Client:
    return sign_in(Client(), make_user("coordinator", counties=["12"], email=""))


def draft(organisation: Organisation) -> SupportService:
    return SupportServiceFactory(
        organisation=organisation,
        name_fi="Perheneuvola",
        name_sv="Familjerådgivning",
        status=SupportService.Status.DRAFT,
        municipalities=["491"],
    )


def test_an_approved_request_is_told_to_its_editor_in_their_language(
    organisation: Organisation,
    coordinator_client: Client,
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    editor = make_user("anna", organisations=[organisation], language="sv")
    service = draft(organisation)
    review.submit(user=editor, service=service)
    revision = ServiceRevision.objects.get(service=service)

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("services:review_detail", args=[revision.pk]), {"action": "approve"}
        )

    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "Familjerådgivning" in message.subject
    assert "Perheneuvola" not in message.subject + message.body
    assert f"{SITE}/sv/staff/services/{service.pk}/" in message.body
    assert "\n" not in message.subject


def test_a_returned_request_tells_the_editor_the_reason_and_where_to_fix_it(
    organisation: Organisation,
    coordinator_client: Client,
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    editor = make_user("eino", organisations=[organisation], language="fi")
    service = draft(organisation)
    review.submit(user=editor, service=service)
    revision = ServiceRevision.objects.get(service=service)

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("services:review_detail", args=[revision.pk]),
            {"action": "return", "reason": "Lisää palvelun hinta & ajanvaraus <puhelin>."},
        )

    [message] = mail.outbox
    assert message.to == ["eino@example.org"]
    assert "Perheneuvola" in message.subject
    # Plain text: the reason exactly as written, not HTML-escaped.
    assert "Lisää palvelun hinta & ajanvaraus <puhelin>." in message.body
    assert f"{SITE}/fi/staff/services/{service.pk}/" in message.body


def test_the_coordinators_of_the_county_hear_that_a_request_waits(
    organisation: Organisation, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    editor = make_user("eino", organisations=[organisation])
    make_user("stina", counties=["12"], language="sv")
    make_user("pirkko", counties=["08"])
    service = draft(organisation)

    with django_capture_on_commit_callbacks(execute=True):
        review.submit(user=editor, service=service, note="Uusi palvelu syksyksi.")

    [message] = mail.outbox
    revision = ServiceRevision.objects.get(service=service)
    assert message.to == ["stina@example.org"]
    assert "Familjerådgivning" in message.subject
    assert "Uusi palvelu syksyksi." in message.body
    assert f"{SITE}/sv/staff/reviews/{revision.pk}/" in message.body


def test_an_editor_without_an_e_mail_address_is_not_sent_anything(
    organisation: Organisation,
    coordinator_client: Client,
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    editor = make_user("eino", organisations=[organisation], email="")
    service = draft(organisation)
    review.submit(user=editor, service=service)
    revision = ServiceRevision.objects.get(service=service)

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("services:review_detail", args=[revision.pk]),
            {"action": "return", "reason": "Puuttuu hinta."},
        )

    assert response.status_code == 302
    assert mail.outbox == []


def test_the_messages_read_in_each_language(
    organisation: Organisation, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    """Every template renders in fi, sv and en with the service's name and the link."""
    reviewer = make_user("reviewer", counties=["12"])
    for language in ("fi", "sv", "en"):
        editor = make_user(f"editor-{language}", organisations=[organisation], language=language)
        service = draft(organisation)
        with django_capture_on_commit_callbacks(execute=True):
            review.submit(user=editor, service=service)
        revision = ServiceRevision.objects.get(service=service)
        with django_capture_on_commit_callbacks(execute=True):
            review.approve(user=reviewer, revision=revision)

    outcomes = [message for message in mail.outbox if message.to[0].startswith("editor-")]
    assert [message.to[0] for message in outcomes] == [
        "editor-fi@example.org",
        "editor-sv@example.org",
        "editor-en@example.org",
    ]
    for message, language in zip(outcomes, ("fi", "sv", "en"), strict=True):
        assert f"{SITE}/{language}/staff/services/" in message.body
        assert "{%" not in message.body and "{{" not in message.body
