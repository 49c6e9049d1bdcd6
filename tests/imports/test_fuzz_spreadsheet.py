"""Malformed spreadsheets never crash an import and never leave half of it written."""

from __future__ import annotations

import csv
import functools
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.importers.spreadsheet import COLUMNS, template_xlsx
from tests.imports.conftest import assert_clean, catalogue_state, import_files

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HEADERS = [header for column in COLUMNS for header in (column.fi, column.en)]
cells = st.text(max_size=30) | st.sampled_from(
    [
        "",
        "x" * 5000,
        "\x00",
        "PARENTS; ALIENS",
        "koko Suomi",
        "491",
        "50100",
        "-1",
        "99",
        "61.6886",
        "1e400",
        "kyllä",
        "00100",
        "1234567-8",
        "https://",
        "+358 40 123 4567",
    ]
)
FRACTION = st.floats(min_value=0, max_value=1, exclude_max=True)


@functools.cache
def template() -> bytes:
    return template_xlsx("fi")


@FUZZ
@given(content=st.binary(max_size=3000))
def test_random_bytes_are_a_clean_error(content: bytes) -> None:
    before = catalogue_state()

    report = import_files("spreadsheet", ("random.csv", content))

    assert_clean(report, before)


@FUZZ
@given(
    header=st.lists(st.sampled_from(HEADERS) | st.text(max_size=10), min_size=1, max_size=12),
    rows=st.lists(st.lists(cells, max_size=14), max_size=6),
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),
    strict=st.booleans(),
)
def test_any_cells_under_any_headers_in_any_dialect_are_handled(
    header: list[str], rows: list[list[str]], delimiter: str, encoding: str, strict: bool
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    content = buffer.getvalue().encode(encoding, errors="replace")
    before = catalogue_state()

    report = import_files("spreadsheet", ("services.csv", content), strict=strict)

    assert_clean(report, before)


@FUZZ
@given(
    flips=st.lists(st.tuples(FRACTION, st.integers(0, 255)), min_size=1, max_size=20),
    cut=FRACTION,
)
def test_a_corrupt_xlsx_workbook_is_a_clean_error(
    flips: list[tuple[float, int]], cut: float
) -> None:
    content = bytearray(template())
    for position, value in flips:
        content[int(position * len(content))] = value
    content = content[: len(content) - int(cut * len(content))]
    before = catalogue_state()

    report = import_files("spreadsheet", ("services.xlsx", bytes(content)))

    assert_clean(report, before)
