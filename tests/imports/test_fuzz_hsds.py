"""Malformed HSDS input never crashes an import and never leaves half of it written."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.imports.conftest import HSDS_EXAMPLES, assert_clean, catalogue_state, import_files
from tests.imports.fuzzing import json_values, mutated

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SERVICE_FULL = json.loads((HSDS_EXAMPLES / "json" / "service_full.json").read_text())
PACKAGE = {path.name: path.read_bytes() for path in (HSDS_EXAMPLES / "csv").glob("*")}
TABULAR = json.loads((HSDS_EXAMPLES / "json" / "tabular.json").read_text())


@FUZZ
@given(document=json_values)
def test_any_json_structure_is_reported_not_crashed_on(document: object) -> None:
    before = catalogue_state()

    report = import_files("hsds", ("random.json", json.dumps(document).encode()))

    assert_clean(report, before)


@FUZZ
@given(document=mutated(SERVICE_FULL, max_mutations=10), listed=st.booleans())
def test_a_mutated_official_service_is_imported_or_rejected_cleanly(
    document: object, listed: bool
) -> None:
    before = catalogue_state()
    if listed:
        document = {"total_items": 1, "contents": [document]}

    report = import_files("hsds", ("service.json", json.dumps(document).encode()))

    assert_clean(report, before)


@FUZZ
@given(tables=mutated(TABULAR, max_mutations=10))
def test_mutated_tables_are_imported_or_rejected_cleanly(tables: object) -> None:
    before = catalogue_state()

    report = import_files("hsds", ("tabular.json", json.dumps(tables).encode()))

    assert_clean(report, before)


@FUZZ
@given(
    replaced=st.dictionaries(
        st.sampled_from(sorted(PACKAGE)), st.binary(max_size=400), min_size=1, max_size=4
    ),
    cut=st.integers(min_value=0, max_value=4000),
)
def test_a_data_package_with_broken_files_or_a_cut_zip_is_a_clean_error(
    replaced: dict[str, bytes], cut: int
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in {**PACKAGE, **replaced}.items():
            archive.writestr(name, content)
    content = buffer.getvalue()
    if cut:
        content = content[:-cut]
    before = catalogue_state()

    report = import_files("hsds", ("package.zip", content))

    assert_clean(report, before)
