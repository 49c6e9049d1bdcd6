"""The public service lists of the APIs (/api/v1/services/, /api/hsds/services) are answered
from the search index, their documents kept with it: the same answers as reading the database
(a filter the index cannot answer, ``updated_since`` or ``modified_after``, makes the list read
the database), before and after catalogue changes, in a fixed number of queries."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.renderers import JSONRenderer

from services import catalogue
from services.models import Organisation
from services.search_index import KEPT, current_snapshot
from tests.hsds.conftest import fresh_throttle  # noqa: F401 (autouse: counts from zero)
from tests.search.test_snapshot_patch import change_everything_a_listing_can
from tests.search.test_sql_filters import REQUESTS

pytestmark = pytest.mark.django_db

V1 = "/api/v1/services/"
HSDS = "/api/hsds/services"
READ_FROM_THE_DATABASE = {
    "v1": {"updated_since": "2000-01-01"},
    "hsds": {"modified_after": "2000-01-01"},
}
HSDS_REQUESTS = [
    {},
    {"search": "ero"},
    {"search": "neuvola", "postcode": "50100"},
    {"postcode": "00100", "lang": "sv"},
    {"search": "väkivalta kotona", "lang": "en"},
    {"search": "xyzzy"},
]


def v1_list(client: Client, params: dict, *, database: bool = False) -> dict:
    extra = READ_FROM_THE_DATABASE["v1"] if database else {}
    response = client.get(V1, {**params, **extra, "page_size": 200})
    assert response.status_code == 200, response.content
    return response.json()


def hsds_page(client: Client, params: dict, *, database: bool = False) -> bytes:
    extra = READ_FROM_THE_DATABASE["hsds"] if database else {}
    response = client.get(HSDS, {**params, **extra, "per_page": 100})
    assert response.status_code == 200, response.content
    return response.content


@pytest.mark.parametrize("params", REQUESTS, ids=[str(sorted(r.items())) for r in REQUESTS])
def test_a_v1_list_from_the_index_is_the_list_read_from_the_database(
    client: Client, world: dict, params: dict
) -> None:
    from_index = v1_list(client, params)
    from_database = v1_list(client, params, database=True)
    assert from_index["count"] == from_database["count"]
    assert from_index["results"] == from_database["results"]


@pytest.mark.parametrize("params", HSDS_REQUESTS, ids=[str(p) for p in HSDS_REQUESTS])
def test_an_hsds_list_from_the_index_is_the_list_read_from_the_database_byte_for_byte(
    client: Client, world: dict, params: dict
) -> None:
    assert hsds_page(client, params) == hsds_page(client, params, database=True)


def test_the_index_answer_is_what_the_json_renderer_writes_for_the_whole_page(
    client: Client, world: dict
) -> None:
    response = client.get(V1, {"page_size": 3, "page": 2, "q": "perhe"})
    page = response.json()
    assert page["previous"] and page["next"] and len(page["results"]) == 3
    assert response.content == JSONRenderer().render(page)
    indented = client.get(
        V1, {"page_size": 3, "page": 2, "q": "perhe"}, HTTP_ACCEPT="application/json; indent=2"
    )
    assert indented.content.startswith(b'{\n  "count"')
    assert json.loads(indented.content) == page


def test_kept_documents_are_those_read_afresh_after_changes(
    client: Client, world: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    v1_list(client, {})
    hsds_page(client, {"lang": "en"})
    before = current_snapshot()
    kept_before = dict(before.fragments[(KEPT, "api", "services")])
    changed = change_everything_a_listing_can(world, django_capture_on_commit_callbacks)
    provider = Organisation.objects.get(pk=world["perheneuvola"].organisation_id)
    with django_capture_on_commit_callbacks(execute=True), catalogue.change(user=None) as work:
        provider.name_fi = "Perheneuvonnan uusi nimi"
        provider.website = "https://uusi.example.fi/"
        work.save(provider)
    changed |= set(provider.services.values_list("pk", flat=True))

    after = v1_list(client, {})
    assert after == v1_list(client, {}, database=True) | {"next": None, "previous": None}
    assert "Perheneuvonnan uusi nimi" in json.dumps(after, ensure_ascii=False)
    assert hsds_page(client, {"lang": "en"}) == hsds_page(client, {"lang": "en"}, database=True)
    assert b"https://uusi.example.fi/" in hsds_page(client, {"lang": "en"})

    patched = current_snapshot()
    assert patched.patches == before.patches + 1
    kept = patched.fragments[(KEPT, "api", "services")]
    untouched = set(kept_before) - changed
    assert untouched
    assert all(kept[pk] is kept_before[pk] for pk in untouched)
    assert not any(kept.get(pk) is kept_before[pk] for pk in changed & set(kept_before))


def test_a_page_of_kept_documents_reads_only_the_index_version(
    client: Client,
    world: dict,
    django_assert_max_num_queries: Callable,
    django_assert_num_queries: Callable,
    settings: object,
) -> None:
    settings.API_PAGE_CACHE_ENTRIES = 0  # every answer made again
    current_snapshot()
    # The version, then the documents of the page's services (as many for any length).
    with django_assert_max_num_queries(1 + 10):
        client.get(V1, {"page_size": 50, "q": "perhe"})
    with django_assert_max_num_queries(1 + 2):  # the services, their contact points
        client.get(HSDS, {"per_page": 50, "search": "perhe"})
    for url, params in ((V1, {"page_size": 50}), (HSDS, {"per_page": 50})):
        client.get(url, params)
        with django_assert_num_queries(1):
            assert client.get(url, params).status_code == 200


def test_nothing_is_kept_when_the_limit_is_zero(
    client: Client, world: dict, settings: object
) -> None:
    settings.API_DOCUMENTS_KEPT = 0
    first = v1_list(client, {})
    assert v1_list(client, {}) == first
    assert not current_snapshot().fragments.get((KEPT, "api", "services"))
