"""What-if: describe a service that does not exist and see the gaps it would close."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from mapping import coverage
from mapping.templatetags.mapping_format import children
from services.models import PostalArea, SupportService
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import ETELA_SAVO, MIKKELI

WHAT_IF_QUERIES = 15


def ask(client: Client, params: list[tuple[str, str]]) -> str:
    response = client.get(f"{reverse('mapping:what_if')}?{urlencode(params)}")
    assert response.status_code == 200
    return response.content.decode()


def errors_of(page: str) -> list[str]:
    return re.findall(
        r"<li>(.*?)</li>",
        " ".join(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)),
    )


def test_the_empty_form_shows_no_errors(staff_client: Client, small_world: dict) -> None:
    page = ask(staff_client, [])
    assert errors_of(page) == []
    assert "Result" not in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([("tier", ""), ("is_nationwide", "on"), ("channels", "PHONE")], "Choose the tier"),
        ([("tier", "NOPE"), ("is_nationwide", "on"), ("channels", "PHONE")], "Select a valid"),
        (
            [
                ("tier", "DIGITAL"),
                ("is_nationwide", "on"),
                ("channels", "PHONE"),
                ("capacity", "-5"),
            ],
            "Enter a capacity of at least 1",
        ),
        (
            [("tier", "DIGITAL"), ("municipalities", "Mikkeli, Atlantis"), ("channels", "PHONE")],
            "Unknown municipality: Atlantis.",
        ),
        (
            [("tier", "DIGITAL"), ("counties", "99"), ("channels", "PHONE")],
            "Select a valid choice",
        ),
        (
            [("tier", "SPECIALIST"), ("municipalities", MIKKELI), ("locations", "99999")],
            "Unknown postal code: 99999.",
        ),
        (
            [("tier", "SPECIALIST"), ("municipalities", MIKKELI), ("locations", "27.27, 61.69")],
            "is not in Finland",
        ),
        (
            [("tier", "SPECIALIST"), ("municipalities", MIKKELI), ("locations", "somewhere")],
            "is neither a postal code nor latitude, longitude",
        ),
        ([("tier", "DIGITAL"), ("channels", "PHONE")], "Choose where the service is offered"),
        (
            [("tier", "SPECIALIST"), ("municipalities", MIKKELI), ("channels", "IN_PERSON")],
            "give at least one location",
        ),
        ([("tier", "DIGITAL"), ("capacity", "many")], "Enter a whole number"),
    ],
)
def test_impossible_services_get_a_clear_form_error(
    staff_client: Client, small_world: dict, params: list[tuple[str, str]], message: str
) -> None:
    page = ask(staff_client, params)
    assert any(message in error for error in errors_of(page)), errors_of(page)
    assert "Result" not in page


def test_municipalities_are_found_by_name_in_any_language_or_by_code(
    staff_client: Client, small_world: dict
) -> None:
    page = ask(
        staff_client,
        [
            ("tier", "DIGITAL"),
            ("channels", "CHAT"),
            ("municipalities", "mikkeli, S:t Michel, 740; 46"),
        ],
    )
    assert errors_of(page) == []
    assert "Result" in page


def test_a_hypothetical_service_shows_the_gaps_it_would_close_and_the_children_it_reaches(
    staff_client: Client, small_world: dict, django_assert_max_num_queries: object
) -> None:
    services_before = SupportService.objects.count()
    params = [
        ("tier", "UNIVERSAL_GROUP"),
        ("target_groups", "COUPLES"),
        ("channels", "ONLINE_GROUP"),
        ("counties", ETELA_SAVO),
    ]
    with django_assert_max_num_queries(WHAT_IF_QUERIES):
        page = ask(staff_client, params)
    expected = coverage.what_if(
        coverage.HypotheticalService(
            tier="UNIVERSAL_GROUP",
            target_groups=["COUPLES"],
            channels=["ONLINE_GROUP"],
            counties=[ETELA_SAVO],
        )
    )
    # An online group for couples across the county closes every couples gap there.
    assert len(expected.closed_gaps) == 11
    assert f"It would close {len(expected.closed_gaps)} gaps." in page
    assert f"It would reach {children(expected.reached_children)} children" in page
    for gap in expected.closed_gaps:
        assert gap.municipality_name in page
    assert SupportService.objects.count() == services_before  # nothing saved


def test_a_location_given_as_a_postal_code_stands_at_the_centre_of_its_area(
    staff_client: Client, small_world: dict
) -> None:
    page = ask(
        staff_client,
        [
            ("tier", "UNIVERSAL_GROUP"),
            ("channels", "GROUP"),
            ("municipalities", "Juva"),
            ("locations", "51900"),
        ],
    )
    assert errors_of(page) == []
    centre = PostalArea.objects.get(code="51900")
    expected = coverage.what_if(
        coverage.HypotheticalService(
            tier="UNIVERSAL_GROUP",
            channels=["GROUP"],
            municipalities=["178"],
            locations=[(centre.latitude, centre.longitude)],
        )
    )
    assert expected.reached_children > 0
    assert f"It would reach {children(expected.reached_children)} children" in page


def test_a_service_for_parents_closes_each_places_gap_once_not_once_per_group(
    staff_client: Client, small_world: dict
) -> None:
    page = ask(
        staff_client,
        [
            ("tier", "UNIVERSAL_GROUP"),
            ("target_groups", "PARENTS"),
            ("channels", "ONLINE_GROUP"),
            ("municipalities", "Mikkeli, Savonlinna"),
        ],
    )
    expected = coverage.what_if(
        coverage.HypotheticalService(
            tier="UNIVERSAL_GROUP",
            target_groups=["PARENTS"],
            channels=["ONLINE_GROUP"],
            municipalities=[MIKKELI, "740"],
        )
    )
    # Two places × parents, mothers and fathers: the engine's six cells ...
    assert len(expected.closed_gaps) == 6
    # ... are two gaps, each the parents' gap counted for mothers and fathers too.
    assert "It would close 2 gaps." in page
    closed = page[
        page.index('id="closed-gaps"') : page.index("</table>", page.index('id="closed-gaps"'))
    ]
    assert closed.count("universal, group: parents (also mothers, fathers)") == 2
