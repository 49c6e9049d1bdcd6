"""Every list of /api/v1/ reads as many queries for 50 items as for one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from services.models import Method, Organisation
from services.search_index import current_snapshot
from tests.hsds.world import World, more_services

LISTS = [
    ("services/", 18),
    ("services/?place=50100&tier=UNIVERSAL_GROUP&q=kahvila", 21),
    ("organisations/", 2),
    ("locations/", 4),
    ("sessions/", 2),
    ("methods/", 2),
    ("tiers/", 2),
    ("channels/", 2),
    ("target-groups/", 2),
    ("life-situations/", 2),
    ("attributes/", 2),
    ("languages/", 2),
    ("service-classes/", 2),
    ("counties/", 2),
    ("municipalities/", 2),
    ("postal-areas/", 2),
]


def count(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize("path, most", LISTS)
def test_a_list_of_fifty_reads_no_more_queries_than_a_list_of_one(
    client: Client, world: World, django_assert_max_num_queries, path: str, most: int
) -> None:
    resource = path.split("/")[0]
    if resource in ("services", "locations", "sessions"):
        more_services(50, organisation=world.organisation)
    elif resource == "organisations":
        Organisation.objects.bulk_create(
            Organisation(name_fi=f"Yhdistys {n}", kind=Organisation.Kind.NGO) for n in range(50)
        )
    elif resource == "methods":
        for number in range(3):
            Method.objects.create(slug=f"method-{number}", name_fi=f"Menetelmä {number}")
    separator = "&" if "?" in path else "?"
    current_snapshot()  # the search index of this process catches up first (documents aside)
    queries, items = count(client, f"/api/v1/{path}{separator}page_size=1")
    assert items == 1
    assert queries <= most
    with django_assert_max_num_queries(queries):
        response = client.get(f"/api/v1/{path}{separator}page_size=50")
    assert len(response.json()["results"]) > 1


def test_a_service_s_document_reads_its_codes_in_one_query(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    # The service, its provider, locations and contact points with their hours, and one query
    # for the codes of all its relations (instead of one per relation).
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/services/{world.service.pk}/")
    assert response.json()["channels"]
