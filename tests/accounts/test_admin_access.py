"""The Django admin: administrators only, and only after both factors."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.accounts.logins import app_code, log_in, with_password
from tests.cast import make_user
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def admin_page(client: Client) -> tuple[bool, str]:
    """Whether /admin/ shows the administration, and where the visitor ended up."""
    response = client.get(reverse("admin:index"), follow=True)
    shown = response.status_code == 200 and response.request["PATH_INFO"] == reverse("admin:index")
    return shown, response.request["PATH_INFO"]


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_an_administrator_with_both_factors_opens_the_admin() -> None:
    administrator = with_password(make_user("administrator", superuser=True))
    device = confirmed_device(administrator)
    client = Client()
    log_in(client, "administrator")
    client.post(reverse("accounts:two_factor"), {"token": app_code(device)})
    assert admin_page(client)[0]


def test_an_administrator_with_the_password_only_cannot_open_the_admin() -> None:
    administrator = with_password(make_user("administrator", superuser=True))
    confirmed_device(administrator)
    client = Client()
    log_in(client, "administrator")
    shown, ended_at = admin_page(client)
    assert not shown
    assert ended_at == reverse("accounts:two_factor")


def test_an_administrator_without_an_app_is_sent_to_set_one_up() -> None:
    with_password(make_user("administrator", superuser=True))
    client = Client()
    log_in(client, "administrator")
    shown, ended_at = admin_page(client)
    assert not shown
    assert ended_at == reverse("accounts:two_factor_setup")


def test_a_coordinator_with_the_password_only_cannot_open_the_admin() -> None:
    coordinator = with_password(make_user("coordinator", counties=["12"]))
    confirmed_device(coordinator)
    client = Client()
    log_in(client, "coordinator")
    assert not admin_page(client)[0]


def test_a_coordinator_with_both_factors_cannot_open_the_admin() -> None:
    coordinator = with_password(make_user("coordinator", counties=["12"]))
    device = confirmed_device(coordinator)
    client = Client()
    log_in(client, "coordinator")
    client.post(reverse("accounts:two_factor"), {"token": app_code(device)})
    assert client.get(reverse("services:staff_home")).status_code == 200
    assert not admin_page(client)[0]
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_an_editor_cannot_open_the_admin() -> None:
    with_password(make_user("editor", organisations=[OrganisationFactory()]))
    client = Client()
    log_in(client, "editor")
    assert client.get(reverse("services:staff_home")).status_code == 200
    assert not admin_page(client)[0]
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_anonymous_visitors_are_sent_to_the_staff_login() -> None:
    shown, ended_at = admin_page(Client())
    assert not shown
    assert ended_at.endswith("/staff/login/")
