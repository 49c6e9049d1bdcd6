"""The small world of tests/search/world.py, built once per test module and rolled back after."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import transaction

from services import demand
from services.models import SupportService
from tests.search.world import build_world


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[dict[str, SupportService]]:
    """The services of the small world by key; each test still runs in its own transaction."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def no_counts_from_earlier_tests() -> None:
    """Searches of earlier tests were counted in this process's memory; start from zero."""
    demand._local.take()


@pytest.fixture
def redis_cache(settings: object) -> str:
    """Redis as the cache, as in production (skipped when TEST_REDIS_URL is not set)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (./dev test sets it when Redis answers)")
    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}
    }
    from django.core.cache import cache
    from django_redis import get_redis_connection

    from services.search_index import VERSION_CACHE_KEY

    # Only this feature's keys: the same Redis database may serve a Celery test as broker.
    cache.delete(VERSION_CACHE_KEY)
    redis = get_redis_connection("default")
    for key in redis.scan_iter("search-demand:*"):
        redis.delete(key)
    return url
