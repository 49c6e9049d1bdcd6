"""Shared fixtures: real Finnish reference data in every test database, and a cast of users.

The cast (``tests/cast.py``): an administrator (``staff_user``), coordinators of Etelä-Savo
and of Pirkanmaa, editors of two organisations, a signed-in user with no role, and a parent
with no account. Coordinators and administrators are signed in with their second factor.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.models import User
from services import search_index
from services.models import Municipality
from services.reference_data import load_reference_data
from tests.cast import make_user, sign_in

# Password hashing is slow on purpose; tests that log in need none of that.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load the shipped reference data once per test database."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def index_of_this_database() -> None:
    """The process's search index belongs to the database it was read from. Each test's
    database starts again from the same state, the index's change numbers included, so an
    index kept from an earlier test would be brought up to date with this test's changes as if
    they followed its own (a running site never sees its database go back; a restore goes into
    a new database, read by new processes). Each test reads the index of its own database."""
    search_index._current = None


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
    """An administrator: every staff page, every county."""
    return make_user("administrator", superuser=True)


@pytest.fixture
def staff_client(staff_user: User) -> Client:
    return sign_in(Client(), staff_user)


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    """pytest-django's administrator, signed in with two factors as the admin requires."""
    return sign_in(Client(), admin_user)
