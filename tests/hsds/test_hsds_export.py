"""``export_hsds`` writes an HSDS 3.0 data package that validates as the API's documents do."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from frictionless import Package

from services.hsds.export import export_data_package
from services.hsds.taxonomies import term_id
from services.models import SupportService
from tests.hsds.schemas import object_errors
from tests.hsds.world import World, build_world, more_services

JSON_OBJECTS = {
    "services": "service",
    "organizations": "organization",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}


def rows(directory: Path, name: str) -> list[dict[str, str]]:
    with open(directory / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def lines(directory: Path, name: str) -> list[dict]:
    text = (directory / "json" / f"{name}.ndjson").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_the_package_validates_row_by_row_with_its_foreign_keys(
    world: World, tmp_path: Path
) -> None:
    export_data_package(tmp_path)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    errors = [error.message for task in report.tasks for error in task.errors]
    assert report.valid, errors[:10]
    names = {
        resource["path"]
        for resource in json.loads((tmp_path / "datapackage.json").read_text())["resources"]
    }
    assert {"services.csv", "attributes.csv", "schedules.csv", "taxonomy_terms.csv"} <= names


def test_every_json_document_validates_against_its_schema(world: World, tmp_path: Path) -> None:
    export_data_package(tmp_path)
    for name, schema in JSON_OBJECTS.items():
        documents = lines(tmp_path, name)
        assert documents, name
        for document in documents:
            assert object_errors(document, schema) == [], (name, document["id"])


def test_published_services_only_unless_all_are_asked_for(world: World, tmp_path: Path) -> None:
    report = export_data_package(tmp_path / "open")
    assert report.documents["services"] == 2
    names = {row["name"] for row in rows(tmp_path / "open", "services.csv")}
    assert names == {"Perheneuvonta", "Vanhempainchat"}
    everything = export_data_package(tmp_path / "all", statuses=SupportService.Status.values)
    assert everything.documents["services"] == 3
    statuses = {row["status"] for row in rows(tmp_path / "all", "services.csv")}
    assert statuses == {"active", "inactive"}


def test_the_csv_and_json_hold_the_same_records(world: World, tmp_path: Path) -> None:
    export_data_package(tmp_path)
    csv_ids = {row["id"] for row in rows(tmp_path, "services.csv")}
    assert csv_ids == {document["id"] for document in lines(tmp_path, "services")}
    locations = {row["id"] for row in rows(tmp_path, "locations.csv")}
    nested = {
        link["location"]["id"]
        for document in lines(tmp_path, "services")
        for link in document["service_at_locations"]
    }
    assert locations == nested


def test_reading_in_small_chunks_writes_the_same_package(world: World, tmp_path: Path) -> None:
    more_services(7, organisation=world.organisation)
    export_data_package(tmp_path / "big", chunk_size=500)
    export_data_package(tmp_path / "small", chunk_size=2)
    for path in sorted((tmp_path / "big").rglob("*.*sv")) + sorted(
        (tmp_path / "big" / "json").glob("*.ndjson")
    ):
        twin = tmp_path / "small" / path.relative_to(tmp_path / "big")
        assert path.read_bytes() == twin.read_bytes(), path.name


def test_the_command_writes_the_package_and_reports_it(
    world: World, tmp_path: Path, capsys
) -> None:
    call_command("export_hsds", str(tmp_path / "package"), "--language", "sv")
    output = capsys.readouterr().out
    assert "Wrote 2 services" in output
    names = {row["name"] for row in rows(tmp_path / "package", "services.csv")}
    assert "Familjerådgivning" in names


def test_methods_keep_their_rating_and_texts_as_attributes(world: World, tmp_path: Path) -> None:
    export_data_package(tmp_path)
    (method,) = [term for term in lines(tmp_path, "taxonomy_terms") if term["taxonomy"] == "method"]
    linked = [row for row in rows(tmp_path, "attributes.csv") if row["link_id"] == method["id"]]
    assert {row["link_entity"] for row in linked} == {"taxonomy_term"}
    values = {row["taxonomy_term_id"]: row["value"] for row in linked}
    assert values[term_id("field", "rating")] == "4"
    assert values[term_id("field", "rated_on")] == "2023-05-02"
    assert values[term_id("translation", "name:en")] == "Let's Talk about Children"
    # The term's document is the API's: a taxonomy term has no attributes in HSDS.
    assert "attributes" not in method


def same_package(first: Path, second: Path) -> None:
    """Every file but the descriptor (it holds its time of writing) is byte for byte equal."""
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in names:
        if name != Path("datapackage.json"):
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.django_db(transaction=True)
def test_worker_processes_write_the_package_one_process_writes(
    reference_data: None, tmp_path: Path
) -> None:
    world = build_world()
    more_services(7, organisation=world.organisation)
    alone = export_data_package(tmp_path / "alone", workers=1)
    shared = export_data_package(tmp_path / "shared", workers=3)
    # Worker processes open their own connections: an in-memory SQLite test database is not
    # theirs to see, so there one process does the work.
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    assert shared.workers == (1 if in_memory else 3)
    assert alone.workers == 1
    assert shared.rows == alone.rows
    assert shared.documents == alone.documents
    same_package(tmp_path / "alone", tmp_path / "shared")


def test_inside_a_transaction_one_process_writes_everything(world: World, tmp_path: Path) -> None:
    # Other processes could not see what this transaction holds.
    report = export_data_package(tmp_path, workers=3)
    assert report.workers == 1
    assert report.documents["services"] == 2
