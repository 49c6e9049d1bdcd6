"""Catalogues loaded in bulk are searchable and mapped as soon as the load commits."""

from __future__ import annotations

import pytest

from mapping import coverage
from services.example_catalogue import load_example_catalogue
from services.generator import generate_catalogue
from services.search import parse_search, run_search

pytestmark = pytest.mark.django_db


def test_the_example_catalogue_is_searchable_and_mapped_after_loading(
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    assert run_search(parse_search({"q": "perheneuvola"})).total == 0  # the index is built
    with django_capture_on_commit_callbacks(execute=True):
        load_example_catalogue()
    results = run_search(parse_search({"q": "perheneuvola", "place": "Mikkeli"}))
    assert results.total > 0
    assert all(hit.service.is_example for hit in results.hits)
    cells = coverage.area_matrix(county="12")
    assert any(cell.covered_children > 0 for cell in cells)


def test_a_generated_catalogue_is_searchable_after_generating(
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    assert run_search(parse_search({})).total == 0  # the index is built
    with django_capture_on_commit_callbacks(execute=True):
        generate_catalogue(services=60, seed=3)
    assert run_search(parse_search({})).total > 0
