"""Every document the HSDS API returns validates against the official HSDS 3.0 schemas."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.hsds.schemas import object_errors, response_errors
from tests.hsds.world import World

# List endpoints: (path, HSDS object of each item).
LISTS = [
    ("/services", "service"),
    ("/organizations", "organization"),
    ("/service_at_locations", "service_at_location"),
    ("/taxonomies", "taxonomy"),
    ("/taxonomy_terms", "taxonomy_term"),
]


def get_json(client: Client, url: str) -> object:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return response.json()


def all_pages(client: Client, path: str, query: str = "") -> list[dict]:
    documents, page = [], 1
    per_page = 100 if path == "/taxonomy_terms" else 7  # 700 terms, a handful of the rest
    while True:
        envelope = get_json(client, f"/api/hsds{path}?per_page={per_page}&page={page}{query}")
        assert response_errors(envelope, path) == []
        documents += envelope["contents"]
        if envelope["last_page"]:
            return documents
        page += 1


@pytest.mark.parametrize("path, name", LISTS)
@pytest.mark.parametrize("query", ["", "&full=true&full_service=true&lang=sv"])
def test_every_page_of_every_list_validates(
    staff_client: Client, world: World, path: str, name: str, query: str
) -> None:
    # Signed in, so that walking every page is not throttled; HSDS shows the same to anyone.
    documents = all_pages(staff_client, path, query)
    assert documents
    for document in documents:
        assert object_errors(document, name) == [], document["id"]


@pytest.mark.parametrize("path, name", LISTS)
def test_every_ndjson_line_validates(client: Client, world: World, path: str, name: str) -> None:
    for query in ("", "&full=true"):
        response = client.get(f"/api/hsds{path}?format=ndjson{query}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/x-ndjson")
        lines = b"".join(response.streaming_content).decode().splitlines()
        assert lines
        for line in lines:
            assert object_errors(json.loads(line), name) == []


def test_every_detail_document_validates(staff_client: Client, world: World) -> None:
    # The list's ids, followed to their fully nested documents (one term of each taxonomy).
    for path, name in LISTS:
        items = all_pages(staff_client, path)
        if path == "/taxonomy_terms":
            items = list({item["taxonomy_id"]: item for item in items}.values())
        for item in items:
            document = get_json(staff_client, f"/api/hsds{path}/{item['id']}")
            assert object_errors(document, name) == [], (path, item["id"])
            if path != "/service_at_locations":
                # The official openapi.json gives service.json as the schema of
                # /service_at_locations/{id} (an error in the specification): checked above
                # against service_at_location.json instead.
                assert response_errors(document, f"{path}/{{id}}") == []


def test_the_root_and_the_openapi_document_describe_the_api(client: Client) -> None:
    root = get_json(client, "/api/hsds/")
    assert response_errors(root, "/") == []
    assert root["version"] == "3.0"
    openapi = get_json(client, root["openapi_url"].removeprefix("http://testserver"))
    assert openapi["openapi"].startswith("3.")
    assert set(openapi["paths"]) >= {"/services", "/services/{id}", "/taxonomy_terms"}
    assert openapi["info"]["title"] == "Perhekeskus HSDS API"


def test_the_validation_catches_a_broken_document(client: Client, world: World) -> None:
    document = get_json(client, f"/api/hsds/services/{world.service.uuid}")
    document["status"] = "published"
    document["service_at_locations"][0]["location"]["addresses"][0].pop("city")
    errors = object_errors(document, "service")
    assert any("status" in error for error in errors)
    assert any("city" in error for error in errors)
