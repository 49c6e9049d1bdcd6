"""The example catalogue's deliberate gaps lead Etelä-Savo's gap lists.

``services/data/example_catalogue/regional_*.yaml`` name them: specialist services only in
Mikkeli and Savonlinna, so Pieksämäki stays uncovered; groups for separating parents and for
stepfamilies only in Mikkeli; no group activity in Enonkoski, Puumala or Sulkava.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from mapping import coverage
from services.example_catalogue import load_example_catalogue

pytestmark = pytest.mark.django_db

TODAY = dt.date(2031, 3, 10)
ETELA_SAVO = "12"
PIEKSAMAKI = "593"
SMALL_MUNICIPALITIES_WITHOUT_GROUPS = {"046": "Enonkoski", "623": "Puumala", "768": "Sulkava"}
FIRST = 10


@pytest.fixture(scope="module")
def example(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """The example catalogue loaded and its coverage computed once for this module, in a
    transaction rolled back at its end (each test runs in a savepoint inside it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_example_catalogue(today=TODAY)
            coverage.recompute()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def loaded(example: None, db: None) -> None:
    """Every test starts from the loaded catalogue (the module fixture comes first)."""


def first_rows(**area: str) -> list[tuple[str, str, tuple[str, ...]]]:
    overview = coverage.gap_overview(**area)
    return [(gap.municipality, gap.tier, gap.target_groups) for gap in overview.unequal[:FIRST]]


def test_pieksamakis_missing_specialist_services_are_among_the_countys_first_unequal_gaps() -> None:
    [row] = [
        gap
        for gap in coverage.gap_overview(county=ETELA_SAVO).unequal[:FIRST]
        if gap.municipality == PIEKSAMAKI and gap.tier == "SPECIALIST"
    ]
    # The parents' row, counted once for mothers and fathers too, and for the other groups
    # that lack specialist services in the same places: one row, not eight tied ones.
    assert row.target_group == "PARENTS"
    assert row.also_for == ("MOTHERS", "FATHERS")
    assert {"COUPLES", "SEPARATING"} <= set(row.same_for)
    assert round(row.uncovered_children) == 2371
    assert round(row.children) == 2521


def test_groups_only_in_mikkeli_are_among_the_countys_first_supports_missing_in_most_of_it() -> (
    None
):
    overview = coverage.gap_overview(county=ETELA_SAVO)
    mostly = [row for row in overview.missing if not row.missing_everywhere]
    first = {(row.tier, row.target_group) for row in mostly[:FIRST]}
    assert ("UNIVERSAL_GROUP", "SEPARATING") in first
    assert ("UNIVERSAL_GROUP", "STEPFAMILY") in first


def test_the_small_municipalities_without_groups_are_among_the_countys_first_unequal_gaps() -> None:
    county = first_rows(county=ETELA_SAVO)
    for code in SMALL_MUNICIPALITIES_WITHOUT_GROUPS:
        rows = [
            groups for place, tier, groups in county if (place, tier) == (code, "UNIVERSAL_GROUP")
        ]
        assert any("PARENTS" in groups for groups in rows), (code, county)
        # On their own municipality's page they lead.
        [(place, tier, groups), *_] = first_rows(municipality=code)
        assert tier == "UNIVERSAL_GROUP"


def test_the_county_page_shows_the_deliberate_gap_among_its_first_rows(
    staff_client: Client,
) -> None:
    page = staff_client.get(reverse("mapping:county", args=[ETELA_SAVO])).content.decode()
    table = page[
        page.index('id="unequal-gaps"') : page.index("</table>", page.index('id="unequal-gaps"'))
    ]
    rows = re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>") :], re.S)
    assert len(rows) == FIRST
    assert any(
        "Pieksämäki" in row
        and "specialist services: parents (also mothers, fathers), couples" in row
        for row in rows
    )


def test_the_county_map_opens_on_the_support_the_most_children_live_without(
    staff_client: Client,
) -> None:
    cells = coverage.area_matrix(county=ETELA_SAVO)
    somewhere = [cell for cell in cells if 0 < cell.covered_children < cell.children]
    expected = max(somewhere, key=lambda cell: cell.uncovered_children)
    # Supports missing everywhere leave more children without, but would draw a map of one
    # colour: they lead the gap list instead.
    assert max(cell.uncovered_children for cell in cells) > expected.uncovered_children

    page = staff_client.get(reverse("mapping:county", args=[ETELA_SAVO])).content.decode()
    assert f'<option value="{expected.tier}" selected>' in page
    assert f'<option value="{expected.target_group}" selected>' in page
    # The choice travels in the links to the municipalities, so it stays in the address.
    assert f"tier={expected.tier}&amp;target_group={expected.target_group}" in page
