"""Malformed PTV input never crashes an import and never leaves half of it written."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.imports.conftest import (
    assert_clean,
    catalogue_state,
    import_files,
    ptv_channel,
    ptv_service,
)
from tests.imports.fuzzing import json_values, mutated

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(document=json_values)
def test_any_json_structure_is_reported_not_crashed_on(document: object) -> None:
    before = catalogue_state()

    report = import_files("ptv", ("random.json", json.dumps(document).encode()))

    assert_clean(report, before)


@FUZZ
@given(
    service=mutated(ptv_service()),
    channel=mutated(ptv_channel()),
    page=st.booleans(),
    strict=st.booleans(),
)
def test_mutated_real_samples_are_imported_or_rejected_cleanly(
    service: object, channel: object, page: bool, strict: bool
) -> None:
    before = catalogue_state()
    files = (
        [("page.json", json.dumps({"itemList": [service, channel]}).encode())]
        if page
        else [
            ("service.json", json.dumps(service).encode()),
            ("channel.json", json.dumps(channel).encode()),
        ]
    )

    report = import_files("ptv", *files, strict=strict)

    assert_clean(report, before)


@FUZZ
@given(content=st.binary(max_size=2000))
def test_random_bytes_are_a_clean_error(content: bytes) -> None:
    before = catalogue_state()

    report = import_files("ptv", ("bytes.json", content))

    assert_clean(report, before)
