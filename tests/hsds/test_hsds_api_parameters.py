"""The HSDS API's parameters: filters find the right records, bad values get a 400."""

from __future__ import annotations

import pytest
from django.test import Client

from services.hsds.taxonomies import taxonomy_id, term_id
from tests.hsds.world import World


def ids(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["contents"]}


def test_only_published_services_are_listed_and_found(client: Client, world: World) -> None:
    assert ids(client, "/api/hsds/services") == {str(world.service.uuid), str(world.online.uuid)}
    assert client.get(f"/api/hsds/services/{world.draft.uuid}").status_code == 404


def test_search_finds_services_by_inflected_words(client: Client, world: World) -> None:
    assert ids(client, "/api/hsds/services?search=perheneuvonnan") == {str(world.service.uuid)}
    assert ids(client, "/api/hsds/services?search=vanhempainchatissa") == {str(world.online.uuid)}


def test_taxonomy_term_and_taxonomy_filters(client: Client, world: World) -> None:
    specialist = term_id("tier", "SPECIALIST")
    assert ids(client, f"/api/hsds/services?taxonomy_term_id={specialist}") == {
        str(world.service.uuid)
    }
    swedish = term_id("language", "sv")
    assert ids(client, f"/api/hsds/services?taxonomy_term_id={swedish}") == {
        str(world.service.uuid)
    }
    methods = taxonomy_id("method")
    assert ids(client, f"/api/hsds/services?taxonomy_id={methods}") == {str(world.service.uuid)}
    unknown = "00000000-0000-4000-8000-000000000000"
    assert ids(client, f"/api/hsds/services?taxonomy_term_id={unknown}") == set()


def test_organisation_and_modified_after_filters(client: Client, world: World) -> None:
    assert ids(client, f"/api/hsds/services?organization_id={world.parent.uuid}") == {
        str(world.online.uuid)
    }
    assert ids(client, "/api/hsds/services?modified_after=2999-01-01") == set()
    assert len(ids(client, "/api/hsds/services?modified_after=2000-01-01T00:00:00Z")) == 2


def test_postcode_keeps_services_serving_it_and_proximity_measures_from_it(
    client: Client, world: World
) -> None:
    # 00100 Helsinki: only the nationwide chat serves it.
    assert ids(client, "/api/hsds/services?postcode=00100") == {str(world.online.uuid)}
    near_mikkeli = ids(client, "/api/hsds/service_at_locations?postcode=50100&proximity=3000")
    assert near_mikkeli == {
        item["id"]
        for item in client.get("/api/hsds/service_at_locations?per_page=100").json()["contents"]
        if item["location_id"] == str(world.location.uuid)
    }
    assert ids(client, "/api/hsds/service_at_locations?postcode=00100&proximity=3000") == set()


def test_per_page_is_clamped_and_pages_are_counted(client: Client, world: World) -> None:
    envelope = client.get("/api/hsds/taxonomy_terms?per_page=100000&page=2").json()
    assert envelope["size"] == 100
    assert envelope["page_number"] == 2
    assert envelope["first_page"] is False
    assert envelope["total_pages"] == -(-envelope["total_items"] // 100)
    beyond = client.get("/api/hsds/services?page=99").json()
    assert beyond["empty"] is True and beyond["contents"] == []


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("per_page=0", "per_page"),
        ("taxonomy_term_id=not-a-uuid", "taxonomy_term_id"),
        ("organization_id=123", "organization_id"),
        ("modified_after=yesterday", "modified_after"),
        ("modified_after=2025-13-45", "modified_after"),
        ("postcode=99999", "postcode"),
        ("postcode=abc", "postcode"),
        ("postcode=50100&proximity=-5", "proximity"),
        ("postcode=50100&proximity=far", "proximity"),
        ("postcode=50100&proximity=nan", "proximity"),
        ("proximity=1000", "proximity"),
        ("format=xml", "format"),
        ("full=maybe", "full"),
        ("lang=de", "lang"),
    ],
)
def test_bad_parameters_are_answered_with_a_400_naming_them(
    client: Client, world: World, query: str, parameter: str
) -> None:
    for path in ("services", "service_at_locations"):
        response = client.get(f"/api/hsds/{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert parameter in response.json()


def test_unknown_ids_are_404_and_malformed_ones_too(client: Client, world: World) -> None:
    for path in ("services", "organizations", "service_at_locations", "taxonomies"):
        assert client.get(f"/api/hsds/{path}/{world.draft.uuid}").status_code == 404
        assert client.get(f"/api/hsds/{path}/not-a-uuid").status_code == 404


def test_error_messages_follow_the_accept_language(world: World) -> None:
    finnish = Client(HTTP_ACCEPT_LANGUAGE="fi").get("/api/hsds/services?page=0").json()
    swedish = Client(HTTP_ACCEPT_LANGUAGE="sv").get("/api/hsds/services?page=0").json()
    assert finnish["page"] != swedish["page"]
    assert "1" in finnish["page"][0] and "1" in swedish["page"][0]


def test_texts_follow_the_lang_parameter_with_fallback(client: Client, world: World) -> None:
    url = f"/api/hsds/services/{world.service.uuid}"
    assert client.get(url).json()["name"] == "Perheneuvonta"
    assert client.get(f"{url}?lang=sv").json()["name"] == "Familjerådgivning"
    assert client.get(f"{url}?lang=en").json()["name"] == "Family counselling"
    # No English description: Finnish is used.
    english = client.get(f"{url}?lang=en").json()
    assert english["description"] == "Perheneuvolassa voit keskustella perheen arjesta."
