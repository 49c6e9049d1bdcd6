from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from tests.hsds.world import World, build_world


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """The anonymous rate limit counts in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client() -> Client:
    """A client with no account, reading error messages in English."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")
