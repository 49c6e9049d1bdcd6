"""Cells that a spreadsheet program shows as text, never runs as a formula.

Exports people open in Excel or LibreOffice (the action plan, the gap list, import reports)
hold text that came from outside: organisation names from imports, error messages quoting
rows. A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula (``=HYPERLINK(...)``, ``=cmd|...``). Following the OWASP advice on CSV injection:

- in CSV such a text is written with a leading apostrophe, which the program hides and which
  makes the rest text;
- in XLSX every text is written as a string cell (``data_type = "s"``): shown exactly as it
  is, never evaluated, with nothing added.

Numbers, dates and empty cells are left alone. Machine-readable exports (HSDS) stay verbatim.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV file: a text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def xlsx_cell(sheet: Worksheet, value: Any) -> Any:
    """``value`` for a row of a write-only sheet: a text becomes a string cell."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell
