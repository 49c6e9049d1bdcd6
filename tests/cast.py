"""Making staff users and signing them in, as the tests' cast needs them."""

from __future__ import annotations

from collections.abc import Iterable

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.permissions import requires_two_factor
from services.models import Organisation


def make_user(
    username: str,
    *,
    superuser: bool = False,
    counties: Iterable[str] = (),
    organisations: Iterable[Organisation] = (),
    email: str | None = None,
    language: str = "fi",
) -> User:
    """A user without a password: tests sign in with ``sign_in`` (hashing costs a second)."""
    user = User(
        username=username,
        email=f"{username}@example.org" if email is None else email,
        is_superuser=superuser,
        is_staff=superuser,
        language=language,
    )
    user.set_unusable_password()
    user.save()
    user.counties.set(list(counties))
    user.organisations.set(list(organisations))
    return User.objects.get(pk=user.pk)


def sign_in(client: Client, user: User) -> Client:
    """Log ``user`` in, with the second factor given when their role needs one."""
    client.force_login(user)
    if requires_two_factor(user):
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="test phone", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
