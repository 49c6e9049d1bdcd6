"""/api/v1/services/: the public search's filters, published services for the public."""

from __future__ import annotations

import pytest
from django.test import Client

from services.search import parse_search, run_search
from tests.hsds.world import World, more_services


def all_ids(client: Client, query: str) -> list[int]:
    ids, url = [], f"/api/v1/services/?page_size=3&{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [service["id"] for service in body["results"]]
        url = body["next"]
    return ids


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=perheneuvonnan",
        "q=kahvila",
        "place=50100",
        "place=Helsinki",
        "place=Helsingfors",
        "place=s:t%20michel",
        "tier=SPECIALIST&tier=DIGITAL",
        "channel=CHAT",
        "target_group=MOTHERS",
        "life_situation=SEPARATION",
        "language=sv",
        "age=4",
        "free=true",
        "no_referral=true&anonymous=true",
        "place=Mikkeli&channel=MEETING_PLACE&age=2",
    ],
)
def test_filters_find_what_the_public_search_finds(
    client: Client, world: World, query: str
) -> None:
    more_services(4, organisation=world.organisation)
    found = all_ids(client, query)
    params = {}
    for pair in filter(None, query.split("&")):
        key, value = pair.split("=")
        params.setdefault(key, []).append(value.replace("%20", " "))
    expected = [hit.service.pk for hit in run_search(parse_search(params), per_page=100).hits]
    assert sorted(found) == sorted(expected)
    assert found == sorted(found)  # stable order: by id


def test_the_public_sees_published_services_only(client: Client, world: World) -> None:
    assert set(all_ids(client, "")) == {world.service.pk, world.online.pk}
    assert client.get(f"/api/v1/services/{world.draft.pk}/").status_code == 404
    assert set(all_ids(client, "status=DRAFT")) == set()


def test_staff_see_every_status(staff_client: Client, world: World) -> None:
    assert set(all_ids(staff_client, "status=DRAFT")) == {world.draft.pk}
    assert staff_client.get(f"/api/v1/services/{world.draft.pk}/").status_code == 200


def test_texts_come_in_all_three_languages_whatever_the_accept_language(world: World) -> None:
    url = f"/api/v1/services/{world.service.pk}/"
    finnish = Client(HTTP_ACCEPT_LANGUAGE="fi").get(url).json()
    swedish = Client(HTTP_ACCEPT_LANGUAGE="sv").get(url).json()
    assert finnish == swedish
    assert finnish["name"] == {
        "fi": "Perheneuvonta",
        "sv": "Familjerådgivning",
        "en": "Family counselling",
    }
    assert finnish["description"]["sv"] == ""
    assert finnish["tier"] == "SPECIALIST"
    assert finnish["channels"] == ["IN_PERSON", "PHONE", "CHAT"]
    assert finnish["methods"] == ["lapset-puheeksi"]
    (location,) = finnish["locations"]
    assert location["street_address"]["sv"] == "Landshövdingsgatan 13"
    assert len(location["opening_hours"]) == 6
    assert [point["kind"] for point in finnish["contact_points"]] == ["PHONE", "CHAT", "EMAIL"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("tier=NOPE", "tier"),
        ("language=xx", "language"),
        ("age=18", "age"),
        ("age=-1", "age"),
        ("age=two", "age"),
        ("place=Atlantis", "place"),
        ("place=99999", "place"),
        ("free=perhaps", "free"),
        ("organisation=abc", "organisation"),
        ("organisation=99999999999999999999999", "organisation"),
        ("updated_since=yesterday", "updated_since"),
        ("q=%00", "q"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("page_size=0", "page_size"),
        ("page_size=many", "page_size"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(
    client: Client, world: World, query: str, parameter: str
) -> None:
    response = client.get(f"/api/v1/services/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()


def test_a_page_past_the_end_is_not_found_and_big_pages_are_clamped(
    client: Client, world: World
) -> None:
    more_services(3, organisation=world.organisation)
    assert client.get("/api/v1/services/?page=9").status_code == 404
    body = client.get("/api/v1/services/?page_size=100000").json()
    assert body["count"] == 5 and len(body["results"]) == 5
