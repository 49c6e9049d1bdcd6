from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User

# The same small world, fresh throttle counts and English error messages as the HSDS tests.
from tests.hsds.conftest import client, fresh_throttle, world  # noqa: F401


@pytest.fixture
def editor_client(db: None) -> Client:
    """Signed in, but not staff."""
    user = User.objects.create_user("editor", "editor@example.org")
    signed_in = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in.force_login(user)
    return signed_in
