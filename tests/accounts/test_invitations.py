"""The coordinator's editors page: inviting an editor by e-mail, resending and cancelling an
invitation, removing an editor; only for organisations the coordinator manages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from services.models import Organisation
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory, SupportServiceFactory

pytestmark = pytest.mark.django_db

MIKKELI = "491"  # Etelä-Savo (12)
TAMPERE = "837"  # Pirkanmaa


@pytest.fixture
def own_organisation() -> Organisation:
    """An NGO with a service in Etelä-Savo."""
    organisation = OrganisationFactory(name_fi="Mikkelin perhetuki ry")
    SupportServiceFactory(organisation=organisation, municipalities=[MIKKELI])
    return organisation


@pytest.fixture
def foreign_organisation() -> Organisation:
    """An NGO with services in Pirkanmaa only."""
    organisation = OrganisationFactory(name_fi="Tampereen perheet ry")
    SupportServiceFactory(organisation=organisation, municipalities=[TAMPERE])
    return organisation


@pytest.fixture
def coordinator() -> User:
    return make_user("coordinator", counties=["12"])


@pytest.fixture
def client(coordinator: User) -> Client:
    return sign_in(Client(), coordinator)


def invite(client: Client, organisation: Organisation | int, **data: str) -> object:
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return client.post(
        reverse("accounts:invitations"),
        {"email": "uusi@example.fi", "organisation": pk, "language": "fi", **data},
    )


def link_in(message: mail.EmailMessage) -> str:
    return re.search(r"https?://\S+/editors/accept/\S+/", message.body).group(0)


def test_a_coordinator_invites_an_editor_by_e_mail(
    client: Client, own_organisation: Organisation
) -> None:
    response = invite(client, own_organisation, language="sv")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organisation, invitation.language) == (
        "uusi@example.fi",
        own_organisation,
        "sv",
    )
    assert invitation.invited_by.username == "coordinator"
    [message] = mail.outbox
    assert message.to == ["uusi@example.fi"]
    link = link_in(message)
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/sv/staff/editors/accept/")
    assert "Mikkelin perhetuki ry" in message.body
    page = client.get(reverse("accounts:invitations")).content.decode()
    assert "An invitation has been sent to uusi@example.fi." in page


def test_the_page_lists_editors_and_invitations_with_their_expiry(
    client: Client, own_organisation: Organisation, django_assert_max_num_queries: object
) -> None:
    make_user("editor-a", organisations=[own_organisation], email="editor-a@example.fi")
    make_user("editor-b", organisations=[own_organisation])
    invite(client, own_organisation, email="first@example.fi")
    invite(client, own_organisation, email="second@example.fi")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("accounts:invitations"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "editor-a@example.fi" in page and "editor-b" in page
    assert "first@example.fi" in page and "second@example.fi" in page
    expires = Invitation.objects.get(email="first@example.fi").expires_at
    assert timezone.localtime(expires).strftime("%Y") in page
    assert page.count(">Send again<") == 2


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_page_renders_in_each_language(
    client: Client, own_organisation: Organisation, language: str
) -> None:
    Invitation.objects.create(email="x@example.fi", organisation=own_organisation)
    response = client.get(f"/{language}/staff/editors/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_accepted_invitations_are_not_listed(
    client: Client, own_organisation: Organisation
) -> None:
    Invitation.objects.create(
        email="done@example.fi", organisation=own_organisation, accepted_at=timezone.now()
    )
    assert "done@example.fi" not in client.get(reverse("accounts:invitations")).content.decode()


def test_invitations_to_other_coordinators_organisations_are_not_listed(
    client: Client, foreign_organisation: Organisation
) -> None:
    Invitation.objects.create(email="theirs@example.fi", organisation=foreign_organisation)
    make_user("their-editor", organisations=[foreign_organisation])
    page = client.get(reverse("accounts:invitations")).content.decode()
    assert "theirs@example.fi" not in page
    assert "their-editor" not in page


def test_an_organisation_outside_the_coordinators_is_refused_and_nothing_is_sent(
    client: Client, foreign_organisation: Organisation
) -> None:
    response = invite(client, foreign_organisation)
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_organisation_id_that_does_not_exist_is_refused(client: Client) -> None:
    assert invite(client, 987654321).status_code == 403
    assert not Invitation.objects.exists()


def test_a_coordinator_sees_only_their_organisations_as_choices(
    client: Client, own_organisation: Organisation, foreign_organisation: Organisation
) -> None:
    page = client.get(reverse("accounts:invitations")).content.decode()
    assert f'<option value="{own_organisation.pk}">' in page
    assert f'<option value="{foreign_organisation.pk}">' not in page


def test_an_administrator_may_invite_to_any_organisation(
    foreign_organisation: Organisation,
) -> None:
    client = sign_in(Client(), make_user("administrator", superuser=True))
    assert invite(client, foreign_organisation).status_code == 302
    assert Invitation.objects.get().organisation == foreign_organisation


def test_a_wrong_e_mail_address_is_a_field_error(
    client: Client, own_organisation: Organisation
) -> None:
    response = invite(client, own_organisation, email="not an address")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_email_error"' in page
    assert 'aria-describedby="id_email_error"' in page
    assert not Invitation.objects.exists()


def test_the_form_errors_are_in_the_language_of_the_page(
    client: Client, own_organisation: Organisation
) -> None:
    response = client.post(
        "/fi/staff/editors/",
        {"email": "", "organisation": own_organisation.pk, "language": "fi"},
    )
    assert response.status_code == 400
    assert "Tämä kenttä vaaditaan." in response.content.decode()  # Django's own Finnish


def test_inviting_a_current_editor_again_is_a_field_error(
    client: Client, own_organisation: Organisation
) -> None:
    make_user("editor", organisations=[own_organisation], email="Uusi@example.fi")
    response = invite(client, own_organisation)
    assert response.status_code == 400
    assert "already edits this organisation" in response.content.decode()
    assert mail.outbox == []


def test_a_second_open_invitation_for_the_same_address_is_a_field_error(
    client: Client, own_organisation: Organisation
) -> None:
    invite(client, own_organisation)
    response = invite(client, own_organisation)
    assert response.status_code == 400
    assert "already open" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_an_editor_cannot_open_the_editors_page(own_organisation: Organisation) -> None:
    client = sign_in(Client(), make_user("editor", organisations=[own_organisation]))
    assert client.get(reverse("accounts:invitations")).status_code == 403
    assert invite(client, own_organisation).status_code == 403
    assert not Invitation.objects.exists()


def test_resending_sends_a_new_link_that_works_for_another_period(
    client: Client, own_organisation: Organisation
) -> None:
    invite(client, own_organisation)
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - dt.timedelta(days=settings.INVITATION_DAYS + 1)
    )
    assert Client().get(link_in(mail.outbox[0])).status_code == 410
    response = client.post(reverse("accounts:resend_invitation", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert not invitation.is_expired
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["uusi@example.fi"]
    assert Client().get(link_in(mail.outbox[1])).status_code == 200


def test_cancelling_an_invitation_makes_its_link_say_so(
    client: Client, own_organisation: Organisation
) -> None:
    invite(client, own_organisation)
    invitation = Invitation.objects.get()
    response = client.post(reverse("accounts:cancel_invitation", args=[invitation.pk]))
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    page = Client().get(link_in(mail.outbox[0]))
    assert page.status_code == 410
    assert "Kutsu on peruttu" in page.content.decode()  # the invitation was written in Finnish


def test_another_counties_invitations_cannot_be_resent_or_cancelled(
    client: Client, foreign_organisation: Organisation
) -> None:
    invitation = Invitation.objects.create(email="x@example.fi", organisation=foreign_organisation)
    for name in ["accounts:resend_invitation", "accounts:cancel_invitation"]:
        assert client.post(reverse(name, args=[invitation.pk])).status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert mail.outbox == []


def test_resending_and_cancelling_need_a_post(
    client: Client, own_organisation: Organisation
) -> None:
    invitation = Invitation.objects.create(email="x@example.fi", organisation=own_organisation)
    assert (
        client.get(reverse("accounts:cancel_invitation", args=[invitation.pk])).status_code == 405
    )
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_a_coordinator_removes_an_editor_from_an_organisation_they_manage(
    client: Client, own_organisation: Organisation
) -> None:
    other = OrganisationFactory()
    editor = make_user("editor", organisations=[own_organisation, other])
    response = client.post(reverse("accounts:remove_editor", args=[own_organisation.pk, editor.pk]))
    assert response.status_code == 302
    assert list(editor.organisations.all()) == [other]
    editor_client = sign_in(Client(), editor)
    page = editor_client.get(reverse("services:staff_home")).content.decode()
    assert own_organisation.name not in page


def test_an_editor_of_another_counties_organisation_cannot_be_removed(
    client: Client, foreign_organisation: Organisation
) -> None:
    editor = make_user("editor", organisations=[foreign_organisation])
    response = client.post(
        reverse("accounts:remove_editor", args=[foreign_organisation.pk, editor.pk])
    )
    assert response.status_code == 404
    assert list(editor.organisations.all()) == [foreign_organisation]


def test_an_e_mail_that_cannot_be_sent_leaves_the_invitation_to_send_again(
    client: Client, own_organisation: Organisation, settings: object
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = invite(client, own_organisation)
    assert response.status_code == 302
    assert Invitation.objects.filter(email="uusi@example.fi").exists()
    page = client.get(reverse("accounts:invitations")).content.decode()
    assert "the e-mail could not be sent" in page
