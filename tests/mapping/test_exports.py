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
    gaps = coverage.gaps(county=ETELA_SAVO)
    assert rows[0][:4] == ["rank", "wellbeing services county", "municipality code", "municipality"]
    assert len(rows) == len(gaps) + 1
    first = rows[1]
    assert first[0] == "1"
    assert first[2] == gaps[0].municipality
    assert int(first[8]) == round(gaps[0].uncovered_children)
    assert float(first[9]) == percent_value(gaps[0].coverage)


def test_the_gap_list_exports_as_xlsx_with_numbers_as_numbers(
    staff_client: Client, small_world: dict
) -> None:
    response = staff_client.get(
        reverse("mapping:gap_export", args=["xlsx"]) + f"?county={ETELA_SAVO}&threshold=50"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(response.content)
    gaps = coverage.gaps(county=ETELA_SAVO, threshold=0.5)
    assert len(rows) == len(gaps) + 1
    for row, gap in zip(rows[1:], gaps, strict=True):
        assert row[2] == gap.municipality
        assert isinstance(row[7], int) and row[7] == round(gap.children)
        assert isinstance(row[9], int | float) and row[9] < 50


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
