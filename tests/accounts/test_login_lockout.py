"""Login throttling (django-axes): five failures for one user name from one address lock it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.logins import PASSWORD, log_in, with_password
from tests.cast import make_user
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor() -> User:
    return with_password(make_user("editor", organisations=[OrganisationFactory()]))


def fail(client: Client, username: str, times: int, address: str = "10.0.0.1") -> list[int]:
    return [
        log_in(client, username, "wrong-password", address=address).status_code
        for _ in range(times)
    ]


def test_five_failures_lock_the_user_name_with_a_clear_message(editor: User) -> None:
    client = Client()
    statuses = fail(client, "editor", settings.AXES_FAILURE_LIMIT)
    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    response = log_in(client, "editor", "wrong-password")
    assert response.status_code == 429
    assert "too many failed logins" in response.content.decode()
    assert "15 minutes" in response.content.decode()


def test_the_right_password_is_refused_while_locked(editor: User) -> None:
    client = Client()
    fail(client, "editor", settings.AXES_FAILURE_LIMIT)
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("services:staff_home")).status_code == 302


def test_the_lockout_page_is_in_the_language_of_the_login_page(editor: User) -> None:
    fail(Client(), "editor", settings.AXES_FAILURE_LIMIT)
    response = log_in(Client(), "editor", PASSWORD, language="sv")
    assert response.status_code == 429
    assert '<html lang="sv">' in response.content.decode()


def test_another_address_is_not_locked(editor: User) -> None:
    fail(Client(), "editor", settings.AXES_FAILURE_LIMIT, address="10.0.0.1")
    response = log_in(Client(), "editor", PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    assert response["Location"] == reverse("services:staff_home")


def test_another_user_name_from_the_locked_address_is_not_locked(editor: User) -> None:
    with_password(make_user("other-editor", organisations=[OrganisationFactory()]))
    fail(Client(), "editor", settings.AXES_FAILURE_LIMIT)
    assert log_in(Client(), "other-editor", PASSWORD).status_code == 302


def test_a_successful_login_before_the_limit_resets_the_count(editor: User) -> None:
    client = Client()
    fail(client, "editor", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    fail(client, "editor", settings.AXES_FAILURE_LIMIT - 1)
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("services:staff_home")).status_code == 200


def test_a_failed_login_says_what_went_wrong_without_telling_which_part(editor: User) -> None:
    response = log_in(Client(), "editor", "wrong-password")
    assert response.status_code == 400
    assert "The user name or the password is wrong." in response.content.decode()
