"""The invitation's link: the invited person chooses a user name and a password and becomes an
editor; an expired, used, cancelled or tampered link says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.invitations import invitation_token, invite_editor
from accounts.models import Invitation, User
from services.models import Organisation
from tests.accounts.logins import PASSWORD, log_in, with_password
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory, SupportServiceFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "perhe-ilta-kesällä-7"


@pytest.fixture
def organisation() -> Organisation:
    organisation = OrganisationFactory(name_fi="Mikkelin perhetuki ry")
    SupportServiceFactory(
        organisation=organisation, name_fi="Vertaisryhmä isille", municipalities=["491"]
    )
    return organisation


@pytest.fixture
def invitation(organisation: Organisation) -> Invitation:
    return invite_editor(
        invited_by=make_user("coordinator", counties=["12"]),
        email="uusi.editori@example.fi",
        organisation=organisation,
        language="fi",
    )


def accept_url(invitation: Invitation, language: str = "en") -> str:
    with translation.override(language):
        return reverse(
            "accounts:accept_invitation", kwargs={"token": invitation_token(invitation=invitation)}
        )


def choose(client: Client, url: str, **data: str) -> object:
    return client.post(
        url,
        {
            "username": "uusi.editori@example.fi",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            **data,
        },
    )


def age(invitation: Invitation, days: float) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )
    invitation.refresh_from_db()


def test_the_e_mailed_link_makes_an_editor_who_sees_the_organisations_services(
    invitation: Invitation,
) -> None:
    [message] = mail.outbox
    link = next(word for word in message.body.split() if "/editors/accept/" in word)
    client = Client()
    page = client.get(link)
    assert page.status_code == 200
    assert 'value="uusi.editori@example.fi"' in page.content.decode()
    response = choose(client, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("services:staff_home")
    user = User.objects.get(username="uusi.editori@example.fi")
    assert user.email == "uusi.editori@example.fi"
    assert user.language == "fi"
    assert list(user.organisations.all()) == [invitation.organisation]
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.user == user
    home = client.get("/fi/staff/")
    assert home.status_code == 200
    assert "Vertaisryhmä isille" in home.content.decode()
    client.post(reverse("accounts:logout"))
    assert log_in(Client(), "uusi.editori@example.fi", NEW_PASSWORD).status_code == 302


def test_the_accept_page_is_never_cached(invitation: Invitation) -> None:
    response = Client().get(accept_url(invitation))
    assert "no-store" in response["Cache-Control"]


def test_the_accept_page_sets_only_the_csrf_cookie_before_the_form_is_sent(
    invitation: Invitation,
) -> None:
    response = Client().get(accept_url(invitation))
    assert set(response.cookies) == {settings.CSRF_COOKIE_NAME}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_accept_page_is_in_the_language_of_its_link(
    invitation: Invitation, language: str
) -> None:
    response = Client().get(accept_url(invitation, language))
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_a_used_link_says_it_has_been_used(invitation: Invitation) -> None:
    url = accept_url(invitation)
    choose(Client(), url)
    response = Client().get(url)
    assert response.status_code == 410
    assert "The invitation has been used" in response.content.decode()
    again = choose(Client(), url, username="someone-else")
    assert again.status_code == 410
    assert not User.objects.filter(username="someone-else").exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature
        lambda token: "eyJpbnZpdGF0aW9uIjo5OTl9" + token[token.index(".") :],  # payload
        lambda token: token[: token.rindex(".")],  # cut short
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_link_says_it_does_not_work(
    invitation: Invitation, change: Callable[[str], str]
) -> None:
    token = change(invitation_token(invitation=invitation))
    url = reverse("accounts:accept_invitation", kwargs={"token": token})
    response = Client().get(url)
    assert response.status_code == 400
    assert "The invitation link does not work" in response.content.decode()
    assert choose(Client(), url).status_code == 400
    assert not User.objects.filter(username="uusi.editori@example.fi").exists()


def test_a_link_with_characters_no_token_has_is_not_found() -> None:
    assert Client().get("/en/staff/editors/accept/abc%3Cscript%3E/").status_code == 404


def test_an_invitation_older_than_its_days_says_it_has_expired(invitation: Invitation) -> None:
    url = accept_url(invitation)  # signed now: only the invitation's own age refuses it
    age(invitation, settings.INVITATION_DAYS + 0.01)
    response = Client().get(url)
    assert response.status_code == 410
    assert "The invitation has expired" in response.content.decode()
    assert choose(Client(), url).status_code == 410
    assert not User.objects.filter(email="uusi.editori@example.fi").exists()


def test_a_link_older_than_its_days_stays_expired_when_the_invitation_is_resent(
    invitation: Invitation,
) -> None:
    age(invitation, settings.INVITATION_DAYS + 0.01)
    old_url = accept_url(invitation)  # the link of the first e-mail, signed when it was sent
    coordinator = sign_in(Client(), invitation.invited_by)
    coordinator.post(reverse("accounts:resend_invitation", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert not invitation.is_expired
    response = Client().get(old_url)
    assert response.status_code == 410
    assert "The invitation has expired" in response.content.decode()
    assert Client().get(accept_url(invitation)).status_code == 200


def test_an_invitation_just_inside_its_days_still_works(invitation: Invitation) -> None:
    age(invitation, settings.INVITATION_DAYS - 0.01)
    assert Client().get(accept_url(invitation)).status_code == 200


def test_a_cancelled_invitation_says_so(invitation: Invitation) -> None:
    url = accept_url(invitation)
    invitation.delete()
    response = Client().get(url)
    assert response.status_code == 410
    assert "The invitation has been cancelled" in response.content.decode()


def test_passwords_that_do_not_match_are_a_field_error(invitation: Invitation) -> None:
    response = choose(Client(), accept_url(invitation), password2="something-else-42")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_password2_error"' in page
    assert "id_password2_error" in page[page.index('name="password2"') - 300 :]
    assert not User.objects.filter(username="uusi.editori@example.fi").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize(
    "password", ["lyhyt", "uusi.editori@example.fi", "123456789012345", "password1234"]
)
def test_weak_passwords_are_refused_by_djangos_validators(
    invitation: Invitation, password: str
) -> None:
    response = choose(Client(), accept_url(invitation), password1=password, password2=password)
    assert response.status_code == 400
    assert 'id="id_password2_error"' in response.content.decode()
    assert not User.objects.filter(username="uusi.editori@example.fi").exists()


def test_password_errors_are_in_the_language_of_the_link(invitation: Invitation) -> None:
    response = choose(Client(), accept_url(invitation, "fi"), password1="a", password2="b")
    assert response.status_code == 400
    assert "Salasanakentät eivät täsmänneet." in response.content.decode()  # Django's own Finnish


def test_a_user_name_taken_already_is_a_field_error(invitation: Invitation) -> None:
    make_user("Taken", organisations=[OrganisationFactory()])
    response = choose(Client(), accept_url(invitation), username="taken")
    assert response.status_code == 400
    assert 'id="id_username_error"' in response.content.decode()


def test_someone_with_an_account_logs_in_on_the_page_and_gets_the_organisation(
    invitation: Invitation,
) -> None:
    other = OrganisationFactory()
    with_password(make_user("vanha", organisations=[other], email="Uusi.Editori@example.fi"))
    client = Client()
    page = client.get(accept_url(invitation)).content.decode()
    assert 'name="password1"' not in page
    assert 'name="password"' in page
    response = client.post(accept_url(invitation), {"username": "vanha", "password": PASSWORD})
    assert response["Location"] == reverse("services:staff_home")
    user = User.objects.get(username="vanha")
    assert set(user.organisations.all()) == {other, invitation.organisation}
    assert client.get(reverse("services:staff_home")).status_code == 200


def test_a_coordinator_who_logs_in_on_the_page_gives_the_second_factor_next(
    invitation: Invitation,
) -> None:
    coordinator = with_password(
        make_user("koordinaattori", counties=["12"], email="uusi.editori@example.fi")
    )
    TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    client = Client()
    response = client.post(
        accept_url(invitation), {"username": "koordinaattori", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:two_factor")
    assert coordinator.organisations.filter(pk=invitation.organisation.pk).exists()
    assert client.get(reverse("services:staff_home")).status_code == 302


def test_a_wrong_password_on_the_page_adds_nothing(invitation: Invitation) -> None:
    user = with_password(make_user("vanha", email="uusi.editori@example.fi"))
    response = Client().post(accept_url(invitation), {"username": "vanha", "password": "x"})
    assert response.status_code == 400
    assert "The user name or the password is wrong." in response.content.decode()
    assert not user.organisations.exists()


def test_the_login_on_the_page_is_throttled_like_the_login_page(invitation: Invitation) -> None:
    with_password(make_user("vanha", email="uusi.editori@example.fi"))
    client = Client()
    statuses = [
        client.post(accept_url(invitation), {"username": "vanha", "password": "x"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    response = client.post(accept_url(invitation), {"username": "vanha", "password": PASSWORD})
    assert response.status_code == 429


def test_an_account_with_another_address_cannot_take_up_the_invitation(
    invitation: Invitation,
) -> None:
    with_password(make_user("uusi.editori@example.fi", email="uusi.editori@example.fi"))
    stranger = with_password(make_user("stranger", email="stranger@example.fi"))
    response = Client().post(accept_url(invitation), {"username": "stranger", "password": PASSWORD})
    assert response.status_code == 400
    assert not stranger.organisations.exists()


def test_someone_logged_in_with_the_invited_address_confirms(invitation: Invitation) -> None:
    other = OrganisationFactory()
    user = make_user("vanha", organisations=[other], email="uusi.editori@example.fi")
    client = sign_in(Client(), user)
    page = client.get(accept_url(invitation))
    assert page.status_code == 200
    assert not user.organisations.filter(pk=invitation.organisation.pk).exists()
    response = client.post(accept_url(invitation))
    assert response["Location"] == reverse("services:staff_home")
    assert set(user.organisations.all()) == {other, invitation.organisation}


def test_someone_logged_in_as_another_person_is_asked_to_log_out(
    invitation: Invitation,
) -> None:
    user = make_user("toinen", organisations=[OrganisationFactory()], email="toinen@example.fi")
    client = sign_in(Client(), user)
    assert client.get(accept_url(invitation)).status_code == 403
    assert client.post(accept_url(invitation)).status_code == 403
    assert user.organisations.count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    response = client.post(reverse("accounts:logout"), {"next": accept_url(invitation)})
    assert response["Location"] == accept_url(invitation)
    assert client.get(accept_url(invitation)).status_code == 200
