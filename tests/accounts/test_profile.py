"""The account page: name, e-mail address and language of e-mails, a new password (which logs
the person out elsewhere), the roles, and the way to the second factor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from services.models import Organisation
from tests.accounts.logins import PASSWORD, log_in, with_password
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "talvinen-perhe-aamu-17"


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory(name_fi="Mikkelin perhetuki ry")


@pytest.fixture
def editor(organisation: Organisation) -> User:
    return with_password(make_user("editor", organisations=[organisation]))


def change_password(client: Client, **data: str) -> object:
    return client.post(
        reverse("accounts:profile"),
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            **data,
        },
    )


def test_the_page_shows_the_roles(organisation: Organisation) -> None:
    user = make_user("both", organisations=[organisation], counties=["12"])
    page = sign_in(Client(), user).get(reverse("accounts:profile")).content.decode()
    assert "Editor of Mikkelin perhetuki ry" in page
    assert "Coordinator of South Savo wellbeing services county" in page


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get(reverse("accounts:profile"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_details_are_saved(editor: User) -> None:
    client = sign_in(Client(), editor)
    response = client.post(
        reverse("accounts:profile"),
        {
            "form": "details",
            "first_name": "Eeva",
            "last_name": "Editori",
            "email": "eeva@example.fi",
            "language": "sv",
        },
    )
    assert response["Location"] == reverse("accounts:profile")
    editor.refresh_from_db()
    assert (editor.first_name, editor.last_name, editor.email, editor.language) == (
        "Eeva",
        "Editori",
        "eeva@example.fi",
        "sv",
    )
    assert "Eeva Editori" in client.get(reverse("accounts:profile")).content.decode()


def test_a_wrong_e_mail_address_is_a_field_error(editor: User) -> None:
    client = sign_in(Client(), editor)
    response = client.post(
        reverse("accounts:profile"),
        {"form": "details", "email": "not an address", "language": "fi"},
    )
    assert response.status_code == 400
    assert 'aria-describedby="id_email_error"' in response.content.decode()
    editor.refresh_from_db()
    assert editor.email == "editor@example.org"


def test_a_language_not_offered_is_a_field_error(editor: User) -> None:
    client = sign_in(Client(), editor)
    response = client.post(
        reverse("accounts:profile"),
        {"form": "details", "email": "editor@example.org", "language": "de"},
    )
    assert response.status_code == 400
    assert 'id="id_language_error"' in response.content.decode()


def test_a_new_password_keeps_this_session_and_ends_the_others(editor: User) -> None:
    here, elsewhere = Client(), Client()
    log_in(here, "editor")
    log_in(elsewhere, "editor", address="10.0.0.2")
    assert elsewhere.get(reverse("services:staff_home")).status_code == 200
    response = change_password(here)
    assert response["Location"] == reverse("accounts:profile")
    assert here.get(reverse("services:staff_home")).status_code == 200
    assert elsewhere.get(reverse("services:staff_home")).status_code == 302
    assert log_in(Client(), "editor", NEW_PASSWORD).status_code == 302
    assert log_in(Client(), "editor", PASSWORD, address="10.0.0.3").status_code == 400


def test_a_wrong_old_password_is_a_field_error(editor: User) -> None:
    client = Client()
    log_in(client, "editor")
    response = change_password(client, old_password="not-it")
    assert response.status_code == 400
    assert 'id="id_old_password_error"' in response.content.decode()
    assert log_in(Client(), "editor", PASSWORD).status_code == 302


def test_a_weak_new_password_is_refused_in_the_language_of_the_page(editor: User) -> None:
    client = Client()
    log_in(client, "editor")
    response = client.post(
        "/fi/staff/profile/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": "password1234",
            "new_password2": "password1234",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_new_password2_error"' in page
    assert "Tämä salasana on liian yleinen." in page  # Django's own Finnish
    assert log_in(Client(), "editor", PASSWORD).status_code == 302


def test_coordinators_find_their_two_factor_settings(editor: User) -> None:
    coordinator = make_user("coordinator", counties=["12"])
    page = sign_in(Client(), coordinator).get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:two_factor_setup") in page
    assert reverse("accounts:recovery_codes") in page


def test_editors_are_not_offered_two_factor_settings(editor: User) -> None:
    page = sign_in(Client(), editor).get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:two_factor_setup") not in page


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_page_renders_in_each_language(editor: User, language: str) -> None:
    response = sign_in(Client(), editor).get(f"/{language}/staff/profile/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
