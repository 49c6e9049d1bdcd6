"""The gap list and the action plan as CSV and XLSX files.

Headers are in the active language; numbers are written as numbers and dates as dates, so a
spreadsheet can sort and sum them. An empty plan is still a valid file with its headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mapping.gaps import Gap, MissingSupport
from mapping.models import Action
from mapping.templatetags.mapping_format import percent_value
from services.spreadsheets import csv_cell, xlsx_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    header: str | Promise
    kind: str = "text"  # text, integer, number (one decimal), percent, date, datetime
    width: int = 14


@dataclass(frozen=True)
class Table:
    title: str | Promise
    columns: Sequence[Column]
    rows: list[list[Any]]


GAP_COLUMNS = (
    Column(_("rank"), "integer", 7),
    Column(_("wellbeing services county"), width=30),
    Column(_("municipality code"), width=10),
    Column(_("municipality"), width=20),
    Column(_("tier"), width=24),
    Column(_("target group"), width=24),
    Column(_("life situation"), width=20),
    Column(_("estimated children 0–17"), "integer"),
    Column(_("uncovered children"), "integer"),
    Column(_("coverage (%)"), "number", 11),
    Column(_("searches that found nothing local"), "integer"),
    Column(_("open actions"), "integer", 10),
    Column(_("kind"), width=30),
    Column(_("also counts for"), width=24),
    Column(_("county coverage (%)"), "number", 11),
    Column(_("only services using a method rated at least"), "integer", 10),
)

KIND_NAMES = {
    "unequal": _("unequal: most of the county has it"),
    "mostly": _("missing in most of the county"),
    "everywhere": _("missing everywhere in the county"),
}

PLAN_COLUMNS = (
    Column(_("wellbeing services county"), width=30),
    Column(_("municipality code"), width=10),
    Column(_("municipality"), width=20),
    Column(_("tier"), width=24),
    Column(_("target group"), width=24),
    Column(_("life situation"), width=20),
    Column(_("gap"), width=10),
    Column(_("owner organisation"), width=30),
    Column(_("what"), width=26),
    Column(_("description"), width=60),
    Column(_("due date"), "date", 12),
    Column(_("status"), width=12),
    Column(_("created"), "datetime", 17),
    Column(_("updated"), "datetime", 17),
)


def gap_table(
    unequal: Iterable[Gap],
    *,
    missing: Iterable[MissingSupport] = (),
    names: dict[str, dict[str, str]],
    life_situation: str,
    min_rating: int | None = None,
    open_actions: dict[tuple[str, str, str], int],
) -> Table:
    """The unequal gaps (one row per municipality), then the supports missing in a county
    (one row per county; the municipalities affected in one cell), each ranked from 1.
    ``names``: county, tier and target group names by code; ``life_situation``: the name of
    the life situation the list was narrowed to, or empty."""

    def groups(codes: Iterable[str]) -> str:
        return ", ".join(names["target_group"].get(code, code) for code in codes)

    rows = [
        [
            rank,
            names["county"].get(gap.county, gap.county),
            gap.municipality,
            gap.municipality_name,
            names["tier"].get(gap.tier, gap.tier),
            names["target_group"].get(gap.target_group, gap.target_group),
            life_situation,
            round(gap.children),
            round(gap.uncovered_children),
            percent_value(gap.coverage),
            gap.unmet_searches,
            sum(open_actions.get((gap.municipality, gap.tier, g), 0) for g in gap.target_groups),
            str(KIND_NAMES["unequal"]),
            groups(gap.target_groups[1:]),
            None if gap.county_coverage is None else percent_value(gap.county_coverage),
            min_rating,
        ]
        for rank, gap in enumerate(unequal, start=1)
    ]
    ranks: dict[bool, int] = {}
    for row in missing:
        rank = ranks[row.missing_everywhere] = ranks.get(row.missing_everywhere, 0) + 1
        rows.append(
            [
                rank,
                names["county"].get(row.county, row.county),
                "",
                ", ".join(row.municipalities),
                names["tier"].get(row.tier, row.tier),
                names["target_group"].get(row.target_group, row.target_group),
                life_situation,
                round(row.children),
                round(row.uncovered_children),
                percent_value(row.coverage),
                row.unmet_searches,
                None,
                str(KIND_NAMES["everywhere" if row.missing_everywhere else "mostly"]),
                groups(row.also_for),
                percent_value(row.county_coverage),
                min_rating,
            ]
        )
    return Table(title=_("Gaps"), columns=GAP_COLUMNS, rows=rows)


def plan_table(actions: Iterable[Action], *, closed: set[int]) -> Table:
    """``closed``: ids of the actions whose gap the catalogue has since closed."""
    rows = [
        [
            str(action.municipality.county),
            action.municipality_id,
            str(action.municipality),
            str(action.tier),
            str(action.target_group),
            str(action.life_situation) if action.life_situation_id else "",
            str(_("closed") if action.pk in closed else _("open")),
            str(action.owner),
            action.get_kind_display(),
            action.description,
            action.due_date,
            action.get_status_display(),
            action.created_at,
            action.updated_at,
        ]
        for action in actions
    ]
    return Table(title=_("Action plan"), columns=PLAN_COLUMNS, rows=rows)


def filename(stem: str, scope: str, extension: str) -> str:
    return f"{slugify(stem)}-{slugify(scope)}-{dt.date.today():%Y-%m-%d}.{extension}"


def csv_response(table: Table, name: str) -> HttpResponse:
    """UTF-8 with a byte order mark, so that spreadsheet programs read å, ä and ö right."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(column.header) for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(value) for value in row])
    return response


def csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_cell(value)  # names from imports may start a formula


def xlsx_response(table: Table, name: str) -> HttpResponse:
    """A write-only workbook (streamed row by row): a national gap list has ~25,000 rows."""
    workbook = Workbook(write_only=True)
    # Sheet names are at most 31 characters.
    sheet = workbook.create_sheet(str(table.title)[:31])
    date_format = "yyyy-mm-dd" if get_language() == "en" else "d.m.yyyy"
    formats = {"date": date_format, "datetime": f"{date_format} hh:mm"}
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    # Whole numbers and decimals read right in the General format; dates need a format.
    dated = {
        index: formats[column.kind]
        for index, column in enumerate(table.columns)
        if column.kind in formats
    }
    for row in table.rows:
        # Texts as string cells: names from imports may look like formulas.
        values: list[Any] = [xlsx_cell(sheet, xlsx_value(value)) for value in row]
        for index, number_format in dated.items():
            if values[index] is not None:
                cell = WriteOnlyCell(sheet, values[index])
                cell.number_format = number_format
                values[index] = cell
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def xlsx_value(value: Any) -> Any:
    # Spreadsheets have no time zones: write local (Helsinki) wall-clock time.
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def export_response(table: Table, *, stem: str, scope: str, file_format: str) -> HttpResponse:
    if file_format == "xlsx":
        return xlsx_response(table, filename(stem, scope, "xlsx"))
    return csv_response(table, filename(stem, scope, "csv"))
