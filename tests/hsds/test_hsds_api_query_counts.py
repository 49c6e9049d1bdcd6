"""HSDS lists read a fixed number of queries, however many items a page holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from services.search_index import current_snapshot
from tests.hsds.world import World, more_services

LISTS = [
    ("/api/hsds/services", 3),
    ("/api/hsds/services?full=true", 32),
    ("/api/hsds/organizations", 2),
    # The page of one holds the organisation whose services use every relation.
    ("/api/hsds/organizations?full=true&full_service=true&search=Mikkelin", 33),
    ("/api/hsds/service_at_locations", 4),
    ("/api/hsds/service_at_locations?full=true", 34),
    ("/api/hsds/service_at_locations?postcode=50100&proximity=2000", 5),
    ("/api/hsds/taxonomy_terms", 10),
]


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("url, most", LISTS)
def test_a_page_of_one_and_a_page_of_fifty_read_the_same_queries(
    client: Client, world: World, django_assert_max_num_queries, url: str, most: int
) -> None:
    more_services(50, organisation=world.organisation)
    separator = "&" if "?" in url else "?"
    current_snapshot()  # the search index of this process catches up first (documents aside)
    one = count_queries(client, f"{url}{separator}per_page=1")
    url = url.replace("&search=Mikkelin", "")
    with django_assert_max_num_queries(one):
        response = client.get(f"{url}{separator}per_page=50")
    assert response.json()["size"] > 1
    assert one <= most


def test_a_detail_document_reads_a_fixed_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    more_services(3, organisation=world.organisation)
    with django_assert_max_num_queries(31):
        assert client.get(f"/api/hsds/services/{world.service.uuid}").status_code == 200
