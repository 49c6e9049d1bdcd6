"""Logging in through the real login page, as the lockout and two-factor tests need it."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

PASSWORD = "kesäinen-perhe-ilta-42"


def with_password(user: User, password: str = PASSWORD) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def log_in(
    client: Client,
    username: str,
    password: str = PASSWORD,
    *,
    address: str = "10.0.0.1",
    next_url: str = "",
    language: str = "en",
) -> object:
    """Send the login form of the page in ``language`` from ``address`` (django-axes counts
    failures per user name and address)."""
    with translation.override(language):
        url = reverse("accounts:login")
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(url, data, REMOTE_ADDR=address)


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's authenticator app shows now (or ``steps_ahead`` periods later:
    django-otp accepts one period of drift and never the same period twice)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
