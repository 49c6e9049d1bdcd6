"""The busiest API lists answer clients without cookies from memory, and never stale: a
catalogue change, a signed-in user and the age limit each get a freshly read answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from services.api import kept_pages
from services.models import SupportService
from services.search_index import bump_version
from tests.hsds.world import World

LISTS = ["/api/v1/services/", "/api/hsds/services", "/api/hsds/services?lang=en&per_page=2"]


@pytest.fixture(autouse=True)
def keeping() -> Iterator[None]:
    kept_pages.clear()
    with override_settings(API_PAGE_CACHE_ENTRIES=50, API_PAGE_CACHE_SECONDS=60):
        yield
    kept_pages.clear()


def rename_behind_the_write_path(world: World) -> None:
    SupportService.objects.filter(pk=world.service.pk).update(name_fi="Uusi nimi", name_en="New")


@pytest.mark.parametrize("url", LISTS)
def test_a_kept_answer_is_the_answer_byte_for_byte(client: Client, world: World, url: str) -> None:
    first = client.get(url)
    kept = client.get(url)
    assert first.status_code == kept.status_code == 200
    assert kept.content == first.content
    assert kept["Content-Type"] == first["Content-Type"] == "application/json"
    assert kept.get("Vary") == first.get("Vary")
    assert kept.get("Allow") == first.get("Allow")


@pytest.mark.parametrize("url", LISTS)
def test_a_catalogue_change_makes_kept_answers_obsolete_at_once(
    client: Client, world: World, url: str
) -> None:
    before = client.get(url).content
    rename_behind_the_write_path(world)
    assert client.get(url).content == before  # kept: the change did not go through the path
    bump_version([world.service.pk])  # what every change through the write path does
    after = client.get(url).content
    assert after != before
    assert b"Uusi nimi" in after or b"New" in after


def test_signed_in_users_always_get_a_freshly_read_answer(
    client: Client, staff_client: Client, world: World
) -> None:
    client.get("/api/v1/services/")
    rename_behind_the_write_path(world)
    assert b"Uusi nimi" in staff_client.get("/api/v1/services/").content


def test_no_answer_is_kept_longer_than_the_age_limit(client: Client, world: World) -> None:
    # A list the database answers (``updated_since``): the others join documents kept with the
    # search index, as current as the index is (tests/search/test_api_lists_from_index.py).
    url = "/api/v1/services/?updated_since=2000-01-01"
    with override_settings(API_PAGE_CACHE_SECONDS=0):
        client.get(url)
        rename_behind_the_write_path(world)
        assert b"Uusi nimi" in client.get(url).content


def test_errors_are_not_kept(client: Client, world: World) -> None:
    assert client.get("/api/v1/services/", {"page": "x"}).status_code == 400
    assert client.get("/api/v1/services/", {"page": "9"}).status_code == 404
    assert not kept_pages.pages


def test_an_answer_kept_for_one_host_is_not_given_for_another(client: Client, world: World) -> None:
    """The next-page link names the host the client asked."""
    with override_settings(ALLOWED_HOSTS=["a.example", "b.example"]):
        first = client.get("/api/v1/services/", {"page_size": 1}, HTTP_HOST="a.example")
        second = client.get("/api/v1/services/", {"page_size": 1}, HTTP_HOST="b.example")
    assert first.json()["next"].startswith("http://a.example/")
    assert second.json()["next"].startswith("http://b.example/")


def test_the_kept_answers_stay_within_their_bytes_whatever_is_asked(
    client: Client, world: World
) -> None:
    """Anyone may ask for every page of the full HSDS list (almost 3 MB each at 100 per page):
    the process keeps at most API_PAGE_CACHE_BYTES of them."""
    addresses = [
        f"/api/hsds/services?full=true&per_page={n}&page={p}" for n in (1, 2) for p in (1, 2)
    ]
    one = len(client.get(addresses[0]).content)
    kept_pages.clear()
    limit = 4 * one  # an answer this size is kept, and four of them fit
    with override_settings(API_PAGE_CACHE_BYTES=limit):
        for address in addresses * 2:
            assert client.get(address).status_code == 200
            assert kept_pages.bytes <= limit
            assert kept_pages.bytes == sum(
                len(page.content) for page, _at in kept_pages.pages.values()
            )
        assert kept_pages.pages  # answers that fit are still kept
        assert len(kept_pages.pages) < len(addresses)
