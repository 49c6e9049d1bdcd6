"""Importing Open Referral HSDS 3.0 JSON documents and CSV data packages."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

import pytest

from services.models import ContactPoint, Organisation, Source, SupportService
from tests.imports.conftest import HSDS_EXAMPLES, as_file, catalogue_state, import_files

pytestmark = pytest.mark.django_db

EXAMPLE_SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
JSON_EXAMPLES = sorted((HSDS_EXAMPLES / "json").glob("*.json"))


def service_full() -> dict:
    return json.loads((HSDS_EXAMPLES / "json" / "service_full.json").read_text())


@pytest.mark.parametrize("path", JSON_EXAMPLES, ids=lambda path: path.name)
def test_every_official_json_example_imports_without_errors(path: Path) -> None:
    report = import_files("hsds", path)

    assert report.error == ""
    assert report.rejected == []


def test_the_official_csv_data_package_imports_the_example_service() -> None:
    report = import_files("hsds", HSDS_EXAMPLES / "csv")

    assert report.error == ""
    assert report.rejected == []
    service = SupportService.objects.get(source=Source.HSDS, external_id=EXAMPLE_SERVICE_ID)
    assert str(service.uuid) == EXAMPLE_SERVICE_ID
    assert service.status == SupportService.Status.DRAFT
    assert service.name_fi == "Community Counselling"
    assert service.how_to_get_fi.startswith("If you are an NHS patient")
    assert service.website == "http://example.com/counselling"
    # Ages 12–100: the service has no upper limit among children's ages.
    assert (service.min_age, service.max_age) == (12, None)
    assert service.organisation.name_fi == "Example Organization Inc."
    assert {(c.kind, c.value) for c in service.contact_points.all()} == {
        (ContactPoint.Kind.PHONE, "+44 1234 234567"),
        (ContactPoint.Kind.EMAIL, "email@example.com"),
    }
    # The location is in the United Kingdom (and at latitude 100): reported, not imported.
    assert not service.locations.exists()
    assert any("1-30 Main Street" in note.message for note in report.warnings)


def test_the_same_service_from_json_and_csv_is_one_service_and_a_rerun_changes_nothing() -> None:
    import_files("hsds", HSDS_EXAMPLES / "csv")
    before = catalogue_state()

    report = import_files("hsds", HSDS_EXAMPLES / "json" / "service_full.json")
    again = import_files("hsds", HSDS_EXAMPLES / "csv")

    assert report.total("created") == 0
    assert (again.total("created"), again.total("updated")) == (0, 0)
    assert catalogue_state() == before


def test_a_zipped_data_package_is_read_like_the_directory() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (HSDS_EXAMPLES / "csv").glob("*"):
            archive.write(path, f"package/{path.name}")

    report = import_files("hsds", ("package.zip", buffer.getvalue()))

    assert report.rejected == []
    assert report.total("created") == 1


def test_a_finnish_service_with_a_finnish_address_gets_its_area_and_location() -> None:
    document = service_full()
    document["service_areas"] = [{"id": "a1", "name": "Mikkeli"}, {"id": "a2", "name": "Juva"}]
    document["languages"] = [{"id": "l1", "code": "fi"}, {"id": "l2", "code": "sv"}]
    del document["organization"]["locations"]  # the same location, unchanged
    location = document["service_at_locations"][0]["location"]
    location.update({"latitude": 61.6886, "longitude": 27.2723, "name": "Perhekeskus"})
    location["addresses"] = [
        {
            "id": "ad1",
            "address_1": "Porrassalmenkatu 21",
            "city": "Mikkeli",
            "postal_code": "50100",
            "country": "FI",
            "address_type": "physical",
        }
    ]
    location["schedules"] = [
        {"id": "s1", "freq": "WEEKLY", "byday": "MO,WE", "opens_at": "09:00", "closes_at": "15:00"}
    ]
    document["cost_options"] = [{"id": "c1", "amount": 0, "currency": "EUR"}]

    report = import_files(
        "hsds", as_file("service.json", document), options={"text_language": "en"}
    )

    assert report.rejected == []
    service = SupportService.objects.get()
    assert service.name_en == "Community Counselling"
    assert set(service.area_municipalities.values_list("code", flat=True)) == {"491", "178"}
    assert set(service.languages.values_list("code", flat=True)) == {"fi", "sv"}
    assert set(service.attributes.values_list("code", flat=True)) == {"FREE"}
    place = service.locations.get()
    assert (place.postal_code, place.municipality_id, place.latitude) == ("50100", "491", 61.6886)
    assert [(h.weekday, h.opens.hour, h.closes.hour) for h in place.opening_hours.all()] == [
        (0, 9, 15),
        (2, 9, 15),
    ]


def test_a_service_whose_organization_is_nowhere_is_rejected() -> None:
    document = service_full()
    del document["organization"]
    document["organization_id"] = "5f0c8f2e-0000-4000-8000-000000000000"

    report = import_files("hsds", as_file("service.json", document))

    assert len(report.rejected) == 1
    assert "provider" in report.rejected[0].message
    assert not SupportService.objects.exists()


def test_an_organization_business_id_is_checked() -> None:
    document = service_full()
    organisation = document["organization"]
    organisation["organization_identifiers"] = [
        {"id": "i1", "identifier_scheme": "FI-PRO", "identifier": "0201256-6"}
    ]
    other = copy.deepcopy(document)
    other["id"] = "bb148810-d857-441c-9679-408f346de14b"
    other["organization"]["id"] = "e9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    other["organization"]["organization_identifiers"] = [
        {"id": "i2", "identifier_type": "Y-tunnus", "identifier": "0201256-7"}
    ]

    report = import_files("hsds", as_file("services.json", [document, other]))

    assert Organisation.objects.get(external_id=organisation["id"]).business_id == "0201256-6"
    assert any("0201256-7" in note.message for note in report.warnings)


def test_something_that_is_no_hsds_at_all_is_a_clean_error() -> None:
    report = import_files("hsds", as_file("weather.json", {"temperature": -20}))

    assert report.failed
    assert "no HSDS records" in report.error
    assert not report.internal_error


def test_a_zip_that_would_unpack_to_too_much_is_refused(settings: pytest.FixtureRequest) -> None:
    settings.IMPORT_MAX_UNPACKED_BYTES = 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", "{}")
        archive.writestr("services.csv", "id,name\n" + "x" * 5000)

    report = import_files("hsds", ("package.zip", buffer.getvalue()))

    assert "the limit on unpacked size" in report.error
