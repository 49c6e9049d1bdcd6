"""What-if: what a hypothetical service would change, without saving anything."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mapping import coverage
from mapping.coverage import HypotheticalService
from mapping.models import CoverageState
from services.models import SupportService
from tests.mapping.worlds import HAMINA, KOUVOLA, KYMENLAAKSO, make_service

pytestmark = pytest.mark.django_db

TIER = "UNIVERSAL_GROUP"
POINT = (60.5697, 27.1981)  # Hamina centre


@pytest.fixture
def world() -> None:
    make_service(tier=TIER, channels=["PHONE"], municipalities=[KOUVOLA], target_groups=["COUPLES"])
    coverage.recompute()


def covered_by_municipality(target_group: str) -> dict[str, float]:
    return {
        m.code: m.covered_children
        for m in coverage.municipality_coverage(tier=TIER, target_group=target_group)
    }


def gap_keys() -> set[tuple[str, str, str]]:
    return {(g.municipality, g.tier, g.target_group) for g in coverage.gaps()}


HYPOTHETICAL = HypotheticalService(
    tier=TIER,
    target_groups=["COUPLES"],
    channels=["GROUP"],
    municipalities=[HAMINA, "489"],  # Hamina and Miehikkälä
    locations=[POINT],
)


@pytest.mark.usefixtures("world")
def test_what_if_equals_the_result_after_actually_adding_the_service() -> None:
    before = covered_by_municipality("COUPLES")
    gaps_before = gap_keys()
    result = coverage.what_if(HYPOTHETICAL)

    service = make_service(
        tier=TIER,
        channels=["GROUP"],
        municipalities=[HAMINA, "489"],
        target_groups=["COUPLES"],
        locations=[POINT],
    )
    coverage.recompute()
    after = covered_by_municipality("COUPLES")
    gaps_after = gap_keys()

    changed = {c.municipality: c for c in result.cells_changed}
    assert set(changed) == {code for code in after if after[code] != before[code]}
    assert HAMINA in changed
    for code, change in changed.items():
        assert change.target_group == "COUPLES"
        assert change.covered_before == before[code]
        assert change.covered_after == after[code]
    assert result.newly_covered_children == pytest.approx(
        sum(after.values()) - sum(before.values()), rel=1e-12
    )
    closed = {(g.municipality, g.tier, g.target_group) for g in result.closed_gaps}
    assert closed == gaps_before - gaps_after
    narrowed = {(g.municipality, g.tier, g.target_group) for g in result.narrowed_gaps}
    assert narrowed == {(code, TIER, "COUPLES") for code in changed} - closed
    reached = {
        area.code
        for code in (HAMINA, "489")
        for area in coverage.postal_areas(municipality=code, tier=TIER, target_group="COUPLES")
        if service.pk in area.service_ids
    }
    assert set(result.postal_areas) == reached


@pytest.mark.usefixtures("world")
def test_what_if_saves_nothing() -> None:
    state = CoverageState.objects.get()
    services = SupportService.objects.count()
    with CaptureQueriesContext(connection) as queries:
        coverage.what_if(HYPOTHETICAL)
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert SupportService.objects.count() == services
    assert CoverageState.objects.get().token == state.token


@pytest.mark.usefixtures("world")
def test_a_service_for_parents_reaches_mothers_and_fathers_in_what_if() -> None:
    result = coverage.what_if(
        HypotheticalService(
            tier=TIER, target_groups=["PARENTS"], channels=["PHONE"], counties=[KYMENLAAKSO]
        )
    )
    assert {c.target_group for c in result.cells_changed} == {"PARENTS", "MOTHERS", "FATHERS"}
    assert {c.municipality for c in result.cells_changed} == {
        HAMINA,
        KOUVOLA,
        "285",
        "489",
        "624",
        "935",
    }
    assert result.reached_children == pytest.approx(
        sum(
            m.children
            for m in coverage.municipality_coverage(
                tier=TIER, target_group="PARENTS", county=KYMENLAAKSO
            )
        ),
        rel=1e-12,
    )
    assert all(g.target_group in {"PARENTS", "MOTHERS", "FATHERS"} for g in result.closed_gaps)
    assert len(result.closed_gaps) == 6 * 3


@pytest.mark.usefixtures("world")
def test_what_if_within_a_county_reports_only_that_county() -> None:
    result = coverage.what_if(
        HypotheticalService(
            tier=TIER, target_groups=["COUPLES"], channels=["CHAT"], is_nationwide=True
        ),
        county=KYMENLAAKSO,
    )
    assert {c.county for c in result.cells_changed} == {KYMENLAAKSO}
    assert KOUVOLA not in {c.municipality for c in result.cells_changed}  # covered already
    assert {g.county for g in result.closed_gaps} == {KYMENLAAKSO}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tier": ""}, "tier", "Choose a tier."),
        ({"tier": "NOPE"}, "tier", "Unknown tier: NOPE."),
        ({"capacity": -1}, "capacity", "Capacity cannot be negative."),
        ({"municipalities": ["999"]}, "municipalities", "Unknown municipalities: 999."),
        ({"counties": ["77"]}, "counties", "Unknown wellbeing services counties: 77."),
        ({"target_groups": ["ALIENS"]}, "target_groups", "Unknown target groups: ALIENS."),
        ({"channels": ["PIGEON"]}, "channels", "Unknown channels: PIGEON."),
        ({"locations": [(40.0, 3.0)]}, "locations", "The point 40.0, 3.0 is not in Finland."),
        (
            {"municipalities": [], "counties": [], "is_nationwide": False},
            "municipalities",
            "Choose where the service is available: the whole of Finland, wellbeing services "
            "counties or municipalities.",
        ),
        (
            {"locations": [], "channels": ["IN_PERSON"]},
            "locations",
            "Enter at least one location, or a remote channel or home visits: otherwise the "
            "service reaches nobody.",
        ),
    ],
)
@pytest.mark.usefixtures("world")
def test_impossible_values_are_refused_with_a_clear_message(
    changes: dict, field: str, message: str
) -> None:
    service = HypotheticalService(**{**HYPOTHETICAL.__dict__, **changes})
    with pytest.raises(ValidationError) as error:
        coverage.what_if(service)
    assert error.value.message_dict[field] == [message]
