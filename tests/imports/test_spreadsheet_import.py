"""Importing services from a coordinator's spreadsheet (CSV in any common dialect, XLSX)."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from services.importers.spreadsheet import COLUMNS, template_csv, template_xlsx
from services.models import ContactPoint, Organisation, Source, SupportService
from tests.factories import OrganisationFactory
from tests.imports.conftest import AURORAAI_FILE, catalogue_state, import_files

pytestmark = pytest.mark.django_db

HEADER = ["Tunniste", "Nimi (suomi)", "Tiivistelmä (suomi)", "Palveluntuottaja", "Kohderyhmät"]
HEADER += ["Palvelualue"]
ROW = ["perhetyo-1", "Perhetyö", "Tukea arkeen.", "Mikkelin perhetyö", "PARENTS; FATHERS"]
ROW += ["Mikkeli; Juva"]


def test_the_1801_real_ptv_rows_become_1790_draft_services_of_the_right_municipalities() -> None:
    report = import_files("spreadsheet", AURORAAI_FILE)

    assert report.error == ""
    assert report.rejected == []
    assert report.records == 1801
    assert report.total("created") == 1790
    services = SupportService.objects.filter(source=Source.PTV)
    assert services.count() == 1790
    assert services.filter(status=SupportService.Status.DRAFT).count() == 1790
    assert services.filter(is_nationwide=True).count() == 1051
    assert services.filter(area_municipalities="853").count() == 140  # Turku
    assert services.filter(area_municipalities="564").count() == 319  # Oulu
    assert services.filter(area_municipalities="491").count() == 290  # Mikkeli (one row twice)
    # The same PTV id on several lists is one service serving all those municipalities.
    customer_service = services.get(external_id="c6af661b-60fc-413c-980f-349b25db2da8")
    assert set(customer_service.area_municipalities.values_list("code", flat=True)) == {
        "853",
        "564",
        "491",
    }
    duplicates = [note for note in report.warnings if "The same service as on" in note.message]
    assert len(duplicates) == 11
    assert duplicates[0].where.startswith("row ")
    # Summaries over 150 characters are shortened, and the full text kept as the description.
    shortened = [note for note in report.warnings if "shortened to 150" in note.message]
    assert len(shortened) == 4


def test_the_real_file_imported_again_changes_nothing() -> None:
    import_files("spreadsheet", AURORAAI_FILE)
    before = catalogue_state()

    report = import_files("spreadsheet", AURORAAI_FILE)

    assert (report.total("created"), report.total("updated")) == (0, 0)
    assert report.total("unchanged") == 1790
    assert catalogue_state() == before


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ";"), ("utf-8-sig", ","), ("cp1252", ";"), ("utf-16", "\t"), ("latin-1", "|")],
)
def test_csv_in_any_common_encoding_and_delimiter_reads_the_same(
    encoding: str, delimiter: str
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([HEADER, ROW])
    content = buffer.getvalue().encode(encoding)

    report = import_files("spreadsheet", ("services.csv", content))

    assert report.rejected == [], report.rejected
    service = SupportService.objects.get(external_id="perhetyo-1")
    assert service.source == Source.SPREADSHEET
    assert service.name_fi == "Perhetyö"
    assert service.summary_fi == "Tukea arkeen."
    assert service.organisation.name == "Mikkelin perhetyö"
    assert set(service.target_groups.values_list("code", flat=True)) == {"PARENTS", "FATHERS"}
    assert set(service.area_municipalities.values_list("code", flat=True)) == {"491", "178"}


def test_a_row_without_a_name_and_unknown_codes_are_reported() -> None:
    content = (
        "Tunniste;Nimi (suomi);Kohderyhmät;Lapsen ikä vähintään;Palvelualue\n"
        "a;;PARENTS;;Mikkeli\n"
        'b;Vauvaperheiden tuki;"PARENTS; ALIENS";25;Atlantis\n'
    ).encode()

    report = import_files("spreadsheet", ("services.csv", content))

    assert [(n.where, n.message) for n in report.rejected] == [("row 2", "The row has no name.")]
    service = SupportService.objects.get(external_id="b")
    assert set(service.target_groups.values_list("code", flat=True)) == {"PARENTS"}
    assert service.min_age is None
    notes = " ".join(note.message for note in report.warnings)
    assert "ALIENS" in notes
    assert "25" in notes
    assert "Atlantis" in notes


def test_the_template_in_english_with_contacts_and_a_location_imports() -> None:
    workbook = load_workbook(io.BytesIO(template_xlsx("en")))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    values = dict.fromkeys(headers, "")
    values.update(
        {
            "ID": "neuvola-1",
            "Name (Finnish)": "Lastenneuvola",
            "Name (Swedish)": "Barnrådgivning",
            "Provider": "Juvan kunta",
            "Provider kind": "PUBLIC",
            "Tier": "universaalit palvelut, yksilö",
            "Channels": "IN_PERSON; HOME_VISIT",
            "Minimum age": 0,
            "Maximum age": 6,
            "Area served": "Juva",
            "Phone": "015 123 4567",
            "E-mail": "neuvola@juva.fi",
            "Street address": "Kauppakatu 1",
            "Postal code": 51900,
            "Latitude": 61.8978,
            "Longitude": 27.8566,
        }
    )
    new = Workbook()
    new.active.append(headers)
    new.active.append([values[header] for header in headers])
    buffer = io.BytesIO()
    new.save(buffer)

    report = import_files("spreadsheet", ("services.xlsx", buffer.getvalue()))

    assert report.rejected == [], report.rejected
    service = SupportService.objects.get(external_id="neuvola-1")
    assert service.name_sv == "Barnrådgivning"
    assert service.tier_id == "UNIVERSAL_INDIVIDUAL"
    assert (service.min_age, service.max_age) == (0, 6)
    assert service.organisation.kind == Organisation.Kind.PUBLIC
    assert set(service.channels.values_list("code", flat=True)) == {"IN_PERSON", "HOME_VISIT"}
    assert {(c.kind, c.value) for c in service.contact_points.all()} == {
        (ContactPoint.Kind.PHONE, "015 123 4567"),
        (ContactPoint.Kind.EMAIL, "neuvola@juva.fi"),
    }
    location = service.locations.get()
    assert (location.street_address, location.postal_code, location.municipality_id) == (
        "Kauppakatu 1",
        "51900",
        "178",
    )
    assert location.latitude == pytest.approx(61.8978)


def test_a_provider_is_found_by_name_before_a_new_one_is_made() -> None:
    existing = OrganisationFactory(name_fi="Juvan seurakunta", kind=Organisation.Kind.PARISH)
    content = b"Nimi (suomi);Palveluntuottaja\nPerhekerho;juvan seurakunta\n"

    import_files("spreadsheet", ("services.csv", content))

    assert SupportService.objects.get().organisation == existing


def test_rows_without_a_provider_get_one_placeholder_provider() -> None:
    content = "Nimi (suomi)\nPerhekerho\nIsäryhmä\n".encode()

    report = import_files("spreadsheet", ("services.csv", content))

    assert report.total("created") == 2
    provider = Organisation.objects.get()
    assert provider.name_en == "Unknown provider"
    assert {s.organisation for s in SupportService.objects.all()} == {provider}


def test_a_sheet_without_a_name_column_is_a_clean_error() -> None:
    report = import_files("spreadsheet", ("numbers.csv", b"a;b;c\n1;2;3\n"))

    assert report.failed
    assert "no name column" in report.error


def test_an_old_xls_workbook_is_refused_with_advice() -> None:
    report = import_files("spreadsheet", ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100))

    assert "save it as XLSX or CSV" in report.error


def test_the_csv_template_opens_in_excel_and_names_every_column() -> None:
    content = template_csv("fi")

    assert content.startswith(codecs.BOM_UTF8)
    header = content.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:3] == ["Tunniste", "Nimi (suomi)", "Nimi (ruotsi)"]
    assert len(header) == len(COLUMNS) - 1  # the PTV id column is an alternative to the id


def test_the_filled_in_template_example_row_imports() -> None:
    report = import_files("spreadsheet", ("template.csv", template_csv("sv")))

    assert report.rejected == []
    service = SupportService.objects.get()
    assert service.name_fi == "Perhetyö"
    assert service.locations.get().municipality_id == "491"


def test_the_template_documentation_describes_every_column() -> None:
    readme = (
        Path(__file__).resolve().parents[2] / "services/data/spreadsheet_template/README.md"
    ).read_text()

    for column in COLUMNS:
        assert f"| {column.fi} | {column.sv} | {column.en} |" in readme
