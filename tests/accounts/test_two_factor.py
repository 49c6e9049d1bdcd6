"""Two-factor login (django-otp): coordinators and administrators enrol an authenticator app,
keep recovery codes, and give a code after the password; editors need no second factor."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.accounts.logins import app_code, log_in, with_password
from tests.cast import make_user
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> User:
    return with_password(make_user("coordinator", counties=["12"]))


def enrol(client: Client, user: User) -> list[str]:
    """Log in with the password, connect the app and return the recovery codes shown."""
    response = log_in(client, user.username)
    assert response["Location"] == reverse("accounts:two_factor_setup")
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:two_factor_setup"), {"token": app_code(device)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    return re.findall(r"<li><code>([^<]+)</code></li>", page)


def log_out(client: Client) -> None:
    client.post(reverse("accounts:logout"))


def test_a_coordinator_with_a_password_only_is_sent_to_set_up_the_app(
    coordinator: User,
) -> None:
    client = Client()
    response = log_in(client, "coordinator")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "data:image/svg+xml;base64," in page
    assert 'class="secret"' in page


def test_enrolment_turns_two_factor_login_on_and_shows_recovery_codes_once(
    coordinator: User,
) -> None:
    client = Client()
    codes = enrol(client, coordinator)
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    assert client.get(reverse("services:staff_home")).status_code == 200
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "You have 10 unused recovery codes." in again


def test_a_wrong_code_at_enrolment_is_refused_with_a_field_error(coordinator: User) -> None:
    client = Client()
    log_in(client, "coordinator")
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"token": "000000x"})
    assert response.status_code == 400
    assert 'id="id_token_error"' in response.content.decode()
    assert not TOTPDevice.objects.get(user=coordinator).confirmed


def test_an_enrolled_coordinator_logs_in_with_password_and_code(coordinator: User) -> None:
    enrol(Client(), coordinator)
    client = Client()
    response = log_in(client, "coordinator")
    assert response["Location"] == reverse("accounts:two_factor")
    assert client.get(reverse("services:staff_home"))["Location"].startswith(
        reverse("accounts:two_factor")
    )
    device = TOTPDevice.objects.get(user=coordinator)
    # The enrolment used this period's code; the app shows the next one a little later.
    response = client.post(
        reverse("accounts:two_factor"), {"token": app_code(device, steps_ahead=1)}
    )
    assert response["Location"] == reverse("services:staff_home")
    assert client.get(reverse("mapping:nation")).status_code == 200


def test_a_wrong_code_is_refused(coordinator: User) -> None:
    enrol(Client(), coordinator)
    client = Client()
    log_in(client, "coordinator")
    device = TOTPDevice.objects.get(user=coordinator)
    wrong = f"{(int(app_code(device, steps_ahead=1)) + 1) % 1000000:06d}"
    response = client.post(reverse("accounts:two_factor"), {"token": wrong})
    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    assert 'aria-describedby="id_token_helptext id_token_error"' in response.content.decode()
    assert client.get(reverse("services:staff_home")).status_code == 302


def test_a_recovery_code_works_once_only(coordinator: User) -> None:
    codes = enrol(Client(), coordinator)
    client = Client()
    log_in(client, "coordinator")
    response = client.post(reverse("accounts:two_factor"), {"token": codes[0]})
    assert response["Location"] == reverse("services:staff_home")
    assert client.get(reverse("services:staff_home")).status_code == 200
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9

    client = Client()
    log_in(client, "coordinator")
    response = client.post(reverse("accounts:two_factor"), {"token": codes[0]})
    assert response.status_code == 400
    assert client.get(reverse("services:staff_home")).status_code == 302


def test_an_editor_needs_no_second_factor() -> None:
    with_password(make_user("editor", organisations=[OrganisationFactory()]))
    client = Client()
    response = log_in(client, "editor")
    assert response["Location"] == reverse("services:staff_home")
    assert client.get(reverse("services:staff_home")).status_code == 200
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("page", ["services:staff_home", "mapping:nation"])
def test_a_coordinator_with_the_password_only_is_sent_to_the_second_factor(
    coordinator: User, page: str
) -> None:
    enrol(Client(), coordinator)
    client = Client()
    log_in(client, "coordinator")
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor") + "?next=")


def test_the_second_factor_leads_on_to_the_page_asked_for(coordinator: User) -> None:
    enrol(Client(), coordinator)
    client = Client()
    log_in(client, "coordinator", next_url=reverse("mapping:nation"))
    device = TOTPDevice.objects.get(user=coordinator)
    response = client.post(
        reverse("accounts:two_factor"),
        {"token": app_code(device, steps_ahead=1), "next": reverse("mapping:nation")},
    )
    assert response["Location"] == reverse("mapping:nation")


def test_a_user_with_no_role_cannot_log_in() -> None:
    with_password(make_user("nobody"))
    client = Client()
    response = log_in(client, "nobody")
    assert response.status_code == 400
    assert "has no staff role yet" in response.content.decode()
    assert "_auth_user_id" not in client.session
