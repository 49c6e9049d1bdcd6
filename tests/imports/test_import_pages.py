"""The staff import pages: upload, dry run, import for real, the kept report, the template."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import User
from services.models import ImportRun, SupportService
from tests.imports.conftest import PTV_SERVICE_FILE

pytestmark = pytest.mark.django_db

CSV = "Tunniste;Nimi (suomi);Palvelualue\nisaryhma;Isäryhmä;Mikkeli\nnimeton;;Mikkeli\n".encode()


@pytest.fixture
def on_commit(
    django_capture_on_commit_callbacks: Any, task_queue: Callable[[], list[str]]
) -> Callable[[], Any]:
    """Imports are queued once the request's transaction commits (tests never commit); after
    the request, a worker runs what was queued."""

    @contextmanager
    def committed_and_worked() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield
        task_queue()

    return committed_and_worked


def upload(client: Client, content: bytes = CSV, name: str = "services.csv", **data: object):
    form = {"kind": "spreadsheet", "file": SimpleUploadedFile(name, content), **data}
    return client.post(reverse("services:import_list"), form)


def test_a_visitor_without_an_account_is_sent_to_log_in(parent_client: Client) -> None:
    response = parent_client.get(reverse("services:import_list"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_user_who_is_not_staff_is_refused() -> None:
    client = Client()
    client.force_login(User.objects.create_user("editor", password="x" * 16))

    assert client.get(reverse("services:import_list")).status_code == 403
    assert client.get(reverse("services:import_template_csv")).status_code == 403


def test_a_dry_run_shows_what_would_change_and_writes_nothing(
    staff_client: Client, on_commit: Callable[[], Any]
) -> None:
    with on_commit():
        response = upload(staff_client, dry_run="on")

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert run.status == ImportRun.Status.DONE
    assert run.dry_run
    assert (run.services_created, run.rejected) == (1, 1)
    assert not SupportService.objects.exists()
    page = staff_client.get(run.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "What the import would do" in text
    assert "row 3" in text
    assert "The row has no name." in text
    assert "Import this file for real" in text


def test_after_a_dry_run_the_same_file_is_imported_for_real(
    staff_client: Client, on_commit: Callable[[], Any]
) -> None:
    with on_commit():
        upload(staff_client, dry_run="on")
    dry = ImportRun.objects.get()

    with on_commit():
        response = staff_client.post(reverse("services:import_repeat", args=[dry.pk]))

    real = ImportRun.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == real.get_absolute_url()
    assert not real.dry_run
    assert real.file_name == "services.csv"
    assert SupportService.objects.get().name_fi == "Isäryhmä"
    assert (
        "Import this file for real"
        not in staff_client.get(real.get_absolute_url()).content.decode()
    )


def test_the_report_is_in_the_language_of_the_page(
    staff_client: Client, on_commit: Callable[[], Any]
) -> None:
    with translation.override("fi"):
        url = reverse("services:import_list")

    with on_commit():
        staff_client.post(url, {"kind": "ptv", "file": SimpleUploadedFile("x.json", b"{broken")})

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.language == "fi"
    assert "x.json ei ole kelvollista JSONia" in run.report["error"]


def test_the_full_report_downloads_as_csv(
    staff_client: Client, on_commit: Callable[[], Any]
) -> None:
    with on_commit():
        upload(staff_client)
    run = ImportRun.objects.get()

    response = staff_client.get(reverse("services:import_report_csv", args=[run.pk]))

    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "rejected;row 3;The row has no name."


def test_a_file_of_the_wrong_kind_or_too_large_gets_a_clear_message(
    staff_client: Client, settings: pytest.FixtureRequest
) -> None:
    response = upload(staff_client, content=b"{}", name="services.json")

    assert response.status_code == 400
    assert "A file of this kind ends in .csv, .tsv, .txt, .xlsx." in response.content.decode()
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    response = upload(staff_client)
    assert response.status_code == 400
    assert "the largest file accepted here is 10\xa0bytes (the limit on upload size)" in (
        response.content.decode()
    )
    assert "Split it into smaller files" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_list_of_imports_takes_the_same_queries_however_many_there_are(
    staff_client: Client, staff_user: User, django_assert_max_num_queries: pytest.FixtureRequest
) -> None:
    for number in range(30):
        ImportRun.objects.create(
            kind="ptv", file_name=f"page-{number}.json", started_by=staff_user, report={"x": 1}
        )

    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("services:import_list"))

    assert response.status_code == 200
    assert "page-29.json" in response.content.decode()


def test_the_template_downloads_as_xlsx_with_instructions_and_codes(staff_client: Client) -> None:
    response = staff_client.get(reverse("services:import_template_xlsx"))

    workbook = load_workbook(io.BytesIO(response.content))
    assert [sheet.title for sheet in workbook.worksheets] == ["Services", "Instructions", "Codes"]
    assert workbook.worksheets[0]["B1"].value == "Name (Finnish)"
    codes = {row[1] for row in workbook.worksheets[2].iter_rows(values_only=True)}
    assert {"PARENTS", "HOME_VISIT", "P3.1", "12"} <= codes


def test_the_csv_template_has_headers_in_the_pages_language(staff_client: Client) -> None:
    with translation.override("sv"):
        url = reverse("services:import_template_csv")

    response = staff_client.get(url)

    assert response.content.decode("utf-8-sig").startswith("Identifierare;Namn (finska)")


def test_an_import_started_from_the_command_line_is_listed_too(staff_client: Client) -> None:
    from django.core.management import call_command

    call_command("import_ptv", str(PTV_SERVICE_FILE), "--no-progress", stdout=io.StringIO())

    run = ImportRun.objects.get()
    assert run.started_by is None
    assert run.services_created == 1
    page = staff_client.get(reverse("services:import_list")).content.decode()
    assert "command line" in page
