"""Pages for visitors without cookies are kept in memory until the catalogue changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from services.catalogue import catalogue_changed
from services.search_index import VERSION_CACHE_KEY, bump_version, index_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings: object) -> None:
    settings.SEARCH_PAGE_CACHE_ENTRIES = 100  # type: ignore[attr-defined]


def test_a_page_seen_before_costs_one_query_for_the_version(
    world: dict, parent_client: Client, django_assert_num_queries: Callable
) -> None:
    url = "/sv/search/?q=familjerådgivning&place=Vasa"
    first = parent_client.get(url).content
    with django_assert_num_queries(1):
        assert parent_client.get(url).content == first


def test_a_visitor_with_a_cookie_gets_a_page_of_their_own(
    world: dict, django_assert_num_queries: Callable
) -> None:
    url = "/sv/search/?q=familjerådgivning"
    Client().get(url)
    visitor = Client()
    visitor.cookies["sessionid"] = "something"
    # The version: rendered anew, with the services of its cards as the index keeps them since
    # the first visitor's page; and the session the cookie names, read by perhekeskus.headers
    # to tell a signed-in staff member (never cached) from others.
    with django_assert_num_queries(2):
        assert visitor.get(url).status_code == 200


def test_a_catalogue_change_makes_every_kept_page_obsolete(
    world: dict,
    parent_client: Client,
    django_capture_on_commit_callbacks: Callable,
    django_assert_num_queries: Callable,
) -> None:
    url = "/fi/search/?q=perhekahvila"
    parent_client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_changed(service_ids=[world["perhekahvila"].pk])
    parent_client.get(url)  # the index is reloaded, the page rendered again
    with django_assert_num_queries(1):
        parent_client.get(url)


def test_with_redis_a_kept_page_needs_no_query_at_all(
    world: dict,
    redis_cache: str,
    parent_client: Client,
    django_capture_on_commit_callbacks: Callable,
    django_assert_num_queries: Callable,
) -> None:
    from django.core.cache import cache

    with django_capture_on_commit_callbacks(execute=True):
        version = bump_version()
    assert cache.get(VERSION_CACHE_KEY) == version
    url = "/en/search/?q=rainbow"
    parent_client.get(url)
    with django_assert_num_queries(0):
        assert index_version() == version
        assert parent_client.get(url).status_code == 200


def test_with_redis_down_the_version_comes_from_the_database(
    world: dict, settings: object, django_assert_num_queries: Callable
) -> None:
    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    version = index_version()
    with django_assert_num_queries(1):
        assert index_version() == version != ""
