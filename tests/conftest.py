"""Shared fixtures: real Finnish reference data in every test database, and a cast of users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.models import User
from services.models import Municipality
from services.reference_data import load_reference_data

# Password hashing is slow on purpose; tests that log in need none of that.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load the shipped reference data once per test database."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def english_by_default() -> Iterator[None]:
    """Assertions read in English; tests of other languages say so with override()."""
    with translation.override("en"):
        yield


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """For transactional tests: the database is flushed after each one, so load again."""
    if not Municipality.objects.exists():
        load_reference_data()


@pytest.fixture
def parent_client() -> Client:
    """A parent with no account."""
    return Client()


@pytest.fixture
def staff_user(db: None) -> User:
    return User.objects.create_user(
        "coordinator", "coordinator@example.org", "correct horse battery", is_staff=True
    )


@pytest.fixture
def staff_client(staff_user: User) -> Iterator[Client]:
    client = Client()
    client.force_login(staff_user)
    yield client
