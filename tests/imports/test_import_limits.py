"""Imports are bounded: records per file, unpacked size, time; the message names the limit
and says what to do, and nothing is imported."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from services.models import ImportRun
from tests.imports.conftest import (
    PTV_SERVICE_FILE,
    catalogue_state,
    import_files,
    ptv_service,
)

pytestmark = pytest.mark.django_db

HEADER = "Tunniste;Nimi (suomi);Palvelualue\n"


def spreadsheet(rows: int) -> bytes:
    lines = [f"ryhma-{number};Ryhmä {number};Mikkeli\n" for number in range(rows)]
    return (HEADER + "".join(lines)).encode()


def workbook(rows: int, *, width: int = 1) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Tunniste", "Nimi (suomi)", "Palvelualue"])
    for number in range(rows):
        sheet.append([f"ryhma-{number}", f"Ryhmä {number}" + " x" * width, "Mikkeli"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_csv_with_more_rows_than_the_limit_is_refused_naming_the_limit(
    settings: pytest.FixtureRequest,
) -> None:
    settings.IMPORT_MAX_RECORDS = 50
    before = catalogue_state()

    report = import_files("spreadsheet", ("palvelut.csv", spreadsheet(51)))

    assert report.failed and not report.internal_error
    assert "palvelut.csv holds more than 50 records" in report.error
    assert "the limit on records" in report.error
    assert "Split it into files of at most 50 records" in report.error
    assert catalogue_state() == before


def test_a_csv_at_the_limit_is_imported(settings: pytest.FixtureRequest) -> None:
    settings.IMPORT_MAX_RECORDS = 51  # the header row counts as a row of the file

    report = import_files("spreadsheet", ("palvelut.csv", spreadsheet(50)), dry_run=True)

    assert not report.failed, report.error
    assert report.total("created") == 50


def test_a_workbook_with_more_rows_than_the_limit_is_refused(
    settings: pytest.FixtureRequest,
) -> None:
    settings.IMPORT_MAX_RECORDS = 50

    report = import_files("spreadsheet", ("palvelut.xlsx", workbook(60)))

    assert "palvelut.xlsx (Sheet) holds more than 50 records" in report.error
    assert report.counts == {}


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_before_it_is_read(
    settings: pytest.FixtureRequest,
) -> None:
    # Highly compressible, as in a zip bomb: a sheet of the same text over and over.
    content = workbook(2000, width=200)
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(content)).infolist())
    assert len(content) < settings.IMPORT_MAX_UNPACKED_BYTES < unpacked

    report = import_files("spreadsheet", ("palvelut.xlsx", content))

    assert report.failed and not report.internal_error
    assert "palvelut.xlsx would unpack to" in report.error
    assert "more than the 1.0\xa0MB an import may unpack (the limit on unpacked size)" in (
        report.error
    )
    assert "Split it into smaller files" in report.error


def test_a_table_of_a_data_package_with_too_many_rows_is_refused(
    settings: pytest.FixtureRequest,
) -> None:
    settings.IMPORT_MAX_RECORDS = 10
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        descriptor = {"resources": [{"name": "services", "path": "services.csv"}]}
        archive.writestr("datapackage.json", json.dumps(descriptor))
        rows = "".join(f"s{number},Palvelu {number}\n" for number in range(11))
        archive.writestr("services.csv", "id,name\n" + rows)

    report = import_files("hsds", ("package.zip", buffer.getvalue()))

    assert "package.zip (services.csv) holds more than 10 records" in report.error


def test_a_ptv_file_with_too_many_records_is_refused(settings: pytest.FixtureRequest) -> None:
    settings.IMPORT_MAX_RECORDS = 2
    records = [ptv_service() for _ in range(3)]

    report = import_files("ptv", ("ptv.json", json.dumps(records).encode()))

    assert "ptv.json holds more than 2 records" in report.error


def test_an_import_stopped_by_the_workers_time_limit_writes_nothing_and_says_so(
    settings: pytest.FixtureRequest,
) -> None:
    settings.IMPORT_TIME_LIMIT_SECONDS = 600
    before = catalogue_state()

    def celery_stops_it(stage: str, done: int, total: int) -> None:
        # What Celery's soft time limit does: raise in the middle of whatever runs, here after
        # the services were written inside the import's transaction.
        if stage == "writing" and done:
            raise SoftTimeLimitExceeded()

    report = import_files("ptv", PTV_SERVICE_FILE, progress=celery_stops_it)

    assert report.failed and not report.internal_error
    assert "ran longer than 10 minutes, the longest an import may run (the time limit)" in (
        report.error
    )
    assert "nothing was imported" in report.error
    assert catalogue_state() == before


def test_the_import_page_says_which_limit_a_refused_upload_broke(
    staff_client: Client,
    settings: pytest.FixtureRequest,
    task_queue: Callable[[], list[str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.IMPORT_MAX_RECORDS = 5
    form = {
        "kind": "spreadsheet",
        "file": SimpleUploadedFile("palvelut.csv", spreadsheet(10)),
        "dry_run": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("services:import_list"), form)
    assert task_queue() == [ImportRun.Status.FAILED]

    run = ImportRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    assert run.status == ImportRun.Status.FAILED
    page = staff_client.get(run.get_absolute_url()).content.decode()
    assert "palvelut.csv holds more than 5 records, the most one file may hold" in page
