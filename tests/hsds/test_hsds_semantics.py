"""HSDS as a consuming directory reads it: times in Finnish time, round the clock as a whole
day, closures marked as closures, phone numbers callable from abroad, only parameters that
work advertised, JSON answers for any id, and a package that holds the API's documents."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from frictionless import Package

from services.hsds.documents import HELSINKI, helsinki_offset, international_phone
from services.hsds.export import export_data_package
from services.models import ContactPoint, GroupSession, OpeningHours
from tests.hsds.schemas import object_errors, response_errors
from tests.hsds.world import World


@pytest.fixture
def helpline(world: World) -> ContactPoint:
    """A phone line of the online service open round the clock, every day."""
    line = ContactPoint.objects.create(
        service=world.online, kind=ContactPoint.Kind.PHONE, value="0800 96116", order=1
    )
    for weekday in range(7):
        OpeningHours.objects.create(
            contact_point=line, weekday=weekday, opens=dt.time(0), closes=dt.time(0)
        )
    return line


def document(client: Client, path: str, **query: str) -> dict:
    response = client.get(f"/api/hsds/{path}", query)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def locations(service: dict) -> list[dict]:
    return [link["location"] for link in service["service_at_locations"]]


def fields(row: dict) -> dict[str, str | None]:
    return {
        attribute["taxonomy_term"]["code"]: attribute.get("value")
        for attribute in row.get("attributes", [])
    }


def all_schedules(service: dict) -> list[dict]:
    nested = [row for place in locations(service) for row in place.get("schedules", [])]
    return service["schedules"] + nested


def test_every_schedule_says_it_is_in_finnish_time(client: Client, world: World) -> None:
    service = document(client, f"services/{world.service.uuid}")
    schedules = all_schedules(service)
    assert len(schedules) >= 5
    for schedule in schedules:
        assert fields(schedule)["field:timezone"] == "Europe/Helsinki"
        assert schedule["timezone"] in (2, 3)
    weekly = [s for s in schedules if "valid_from" not in s]
    assert {s["timezone"] for s in weekly} == {helsinki_offset(timezone.localdate())}
    by_start = {s["valid_from"]: s["timezone"] for s in schedules if "valid_from" in s}
    assert by_start["2026-07-01"] == 3  # summer time
    assert by_start["2026-12-23"] == 2


def test_round_the_clock_is_a_whole_day_not_an_empty_interval(
    client: Client, world: World, helpline: ContactPoint
) -> None:
    service = document(client, f"services/{world.online.uuid}", lang="en")
    (line,) = [place for place in locations(service) if place.get("phones")]
    (schedule,) = line["schedules"]
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "MO,TU,WE,TH,FR,SA,SU",
        "00:00:00",
        "23:59:59",
    )
    assert schedule["description"] == "Open 24/7"
    for place in locations(document(client, f"services/{world.service.uuid}")):
        for row in place.get("schedules", []):
            assert row.get("opens_at") is None or row["opens_at"] != row["closes_at"]


def test_a_closure_is_told_apart_from_opening_hours(client: Client, world: World) -> None:
    service = document(client, f"services/{world.service.uuid}", lang="sv")
    (place,) = [place for place in locations(service) if place["location_type"] == "physical"]
    dated = {row["valid_from"]: row for row in place["schedules"] if "valid_from" in row}
    closure, short_day = dated["2026-07-01"], dated["2026-12-23"]
    assert fields(closure)["field:closed"] == "true"
    assert "opens_at" not in closure and "freq" not in closure
    assert closure["description"] == "Stängt: Sommarstängt"
    assert "field:closed" not in fields(short_day)
    assert (short_day["opens_at"], short_day["closes_at"]) == ("09:00:00", "12:00:00")


def test_a_session_ending_at_midnight_ends_at_the_start_of_its_last_day(
    client: Client, world: World
) -> None:
    GroupSession.objects.filter(pk=world.session_at_location.pk).update(
        ends_at=dt.datetime(2026, 10, 7, 0, 0, tzinfo=HELSINKI)
    )
    service = document(client, f"services/{world.service.uuid}")
    links = [row for link in service["service_at_locations"] for row in link.get("schedules", [])]
    (row,) = [s for s in links if s["id"] == str(world.session_at_location.uuid)]
    assert (row["valid_from"], row["opens_at"]) == ("2026-10-06", "17:30:00")
    assert (row["valid_to"], row["closes_at"]) == ("2026-10-07", "00:00:00")


@pytest.mark.parametrize(
    "number, international",
    [
        ("015 123 4567", "+358 15 123 4567"),
        ("09 310 5015", "+358 9 310 5015"),
        ("(09) 310 5015", "+358 9 310 5015"),
        ("040-123 4567", "+358 40 123 4567"),
        ("0401234567", "+358 401234567"),
        ("00358 40 123 4567", "+358 40 123 4567"),
        ("+358 40 123 4567", "+358 40 123 4567"),
        ("+46 8 123 456", "+46 8 123 456"),
        ("0800 96116", "0800 96116"),  # freephone service number
        ("0600 12345", "0600 12345"),
        ("116 111", "116 111"),  # the child helpline, a short number
        ("112", "112"),
    ],
)
def test_finnish_subscriber_numbers_are_given_in_international_form(
    number: str, international: str
) -> None:
    assert international_phone(number) == international


def test_phone_numbers_in_documents_are_international(
    client: Client, world: World, helpline: ContactPoint
) -> None:
    organisation = document(client, f"organizations/{world.organisation.uuid}")
    assert [phone["number"] for phone in organisation["phones"]] == ["+358 15 123 4567"]
    service = document(client, f"services/{world.service.uuid}")
    numbers = [p["number"] for place in locations(service) for p in place.get("phones", [])]
    assert numbers == ["+358 15 194 2000"]
    online = document(client, f"services/{world.online.uuid}")
    numbers = [p["number"] for place in locations(online) for p in place.get("phones", [])]
    assert numbers == ["0800 96116"]


def test_minimal_is_not_advertised_and_asking_for_it_is_answered_clearly(
    client: Client, world: World
) -> None:
    openapi = document(client, "openapi.json")
    parameters = openapi["paths"]["/services"]["get"]["parameters"]
    assert all("minimal" not in parameter.get("$ref", "") for parameter in parameters)
    assert "minimal" not in openapi["components"]["parameters"]
    response = client.get("/api/hsds/services", {"minimal": "true"})
    assert response.status_code == 400
    assert "modified_after" in response.json()["minimal"][0]
    assert client.get("/api/hsds/services", {"minimal": "false"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "services/not-a-uuid",
        "services/12345",
        "organizations/%00",
        "service_at_locations/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
        "taxonomies/1",
        "taxonomy_terms/%E2%82%AC",
        "services/3d5f1b9e-2c47-4e8a-9f61-7a0b8c2d4e15",  # well formed, unknown
        "services/3d5f1b9e-2c47-4e8a-9f61-7a0b8c2d4e15/",
        "no_such_endpoint",
    ],
)
def test_a_malformed_or_unknown_id_answers_a_json_404(
    client: Client, world: World, path: str
) -> None:
    response = client.get(f"/api/hsds/{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def ndjson(directory: Path, name: str) -> list[dict]:
    text = (directory / "json" / f"{name}.ndjson").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_the_package_holds_the_documents_the_api_serves(
    staff_client: Client, world: World, helpline: ContactPoint, tmp_path: Path
) -> None:
    # Signed in, so that reading every document is not throttled; HSDS shows anyone the same.
    export_data_package(tmp_path)
    for name in ("services", "organizations"):
        documents = ndjson(tmp_path, name)
        assert documents, name
        for line in documents:
            assert line == document(staff_client, f"{name}/{line['id']}"), (name, line["id"])
    for name in ("taxonomies", "taxonomy_terms"):
        response = staff_client.get(f"/api/hsds/{name}", {"format": "ndjson"})
        served = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
        assert ndjson(tmp_path, name) == served, name
    terms = ndjson(tmp_path, "taxonomy_terms")
    assert not [term for term in terms if "attributes" in term]
    rated = document(staff_client, f"taxonomy_terms/{terms[0]['id']}")
    assert rated == terms[0]


def test_the_package_with_all_of_this_still_validates(
    world: World, helpline: ContactPoint, tmp_path: Path
) -> None:
    export_data_package(tmp_path)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, [error.message for task in report.tasks for error in task.errors][:10]
    for line in ndjson(tmp_path, "services"):
        assert object_errors(line, "service") == []
    for line in ndjson(tmp_path, "organizations"):
        assert object_errors(line, "organization") == []
        assert response_errors(line, "/organizations/{id}") == []


@override_settings(SITE_URL="https://perhekeskus.example.fi")
def test_the_package_names_the_site_as_its_homepage(world: World, tmp_path: Path) -> None:
    export_data_package(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert descriptor["homepage"] == "https://perhekeskus.example.fi"


def test_the_api_documents_with_all_of_this_validate(
    client: Client, world: World, helpline: ContactPoint
) -> None:
    for service in (world.service, world.online):
        served = document(client, f"services/{service.uuid}")
        assert response_errors(served, "/services/{id}") == [], service
    organisation = document(client, f"organizations/{world.organisation.uuid}")
    assert response_errors(organisation, "/organizations/{id}") == []
    assert response_errors(document(client, "services"), "/services") == []
    listing = document(client, "service_at_locations", full="true")
    assert response_errors(listing, "/service_at_locations") == []
