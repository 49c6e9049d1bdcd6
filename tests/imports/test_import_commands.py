"""The import commands: reports on standard output, progress on standard error, errors as
command errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from services.models import ImportRun, SupportService
from tests.imports.conftest import AURORAAI_FILE, HSDS_EXAMPLES, PTV_SERVICE_FILE

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, "--language", "en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_from_the_command_line_writes_nothing_and_says_so() -> None:
    out, err = run("import_ptv", str(PTV_SERVICE_FILE), "--dry-run")

    assert "Dry run: nothing was written." in out
    assert "Services: 1 created, 0 updated, 0 unchanged, 0 deleted" in out
    assert "Writing services" in err
    assert not SupportService.objects.exists()
    assert ImportRun.objects.get().dry_run


def test_a_long_import_shows_its_progress_and_lists_the_duplicates() -> None:
    out, err = run("import_spreadsheet", str(AURORAAI_FILE))

    assert "Services: 1790 created" in out
    assert "row 1210: The same service as on row 1062" in out
    assert "Writing services [##############################] 1790/1790 (100 %)" in err


def test_a_data_package_directory_is_imported() -> None:
    out, _err = run("import_hsds", str(HSDS_EXAMPLES / "csv"), "--no-progress")

    assert "Services: 1 created" in out


def test_a_broken_file_is_a_command_error_and_is_kept_as_a_failed_run(tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[{")

    with pytest.raises(CommandError, match="not valid JSON"):
        run("import_ptv", str(broken), "--no-progress")

    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_a_missing_file_is_a_command_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        run("import_hsds", str(tmp_path / "nothing.json"))


def test_a_directory_of_ptv_list_pages_is_imported_as_one(tmp_path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "page-1.json").write_bytes(PTV_SERVICE_FILE.read_bytes())
    (pages / "page-2.json").write_text('{"itemList": []}')

    out, _err = run("import_ptv", str(pages), "--no-progress")

    assert "Services: 1 created" in out
    assert ImportRun.objects.get().file_name == "page-1.json, page-2.json"
