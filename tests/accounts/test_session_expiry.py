"""Staff sessions last one working day from login, however busy the day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.logins import PASSWORD, log_in, with_password
from tests.cast import make_user
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    with_password(make_user("editor", organisations=[OrganisationFactory()]))
    client = Client()
    log_in(client, "editor")
    return client


def expiry(client: Client) -> dt.datetime:
    return SessionStore(session_key=client.session.session_key).get_expiry_date()


def test_a_login_lasts_a_working_day(client: Client) -> None:
    assert settings.SESSION_COOKIE_AGE == 9 * 60 * 60
    working_day = timezone.now() + dt.timedelta(hours=9)
    assert abs(expiry(client) - working_day) < dt.timedelta(minutes=1)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert 9 * 60 * 60 - 60 < int(cookie["max-age"]) <= 9 * 60 * 60


def test_working_on_does_not_lengthen_the_session(client: Client) -> None:
    end = expiry(client)
    # A new password saves the session again (under a new key).
    client.post(
        reverse("accounts:profile"),
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": "talvinen-perhe-aamu-17",
            "new_password2": "talvinen-perhe-aamu-17",
        },
    )
    assert client.get(reverse("services:staff_home")).status_code == 200
    assert expiry(client) == end


def test_after_the_working_day_the_editor_logs_in_again(client: Client) -> None:
    session = SessionStore(session_key=client.session.session_key)
    session.set_expiry(timezone.now() - dt.timedelta(seconds=1))
    session.save()
    response = client.get(reverse("services:staff_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
