"""Draft, pending-review and archived services count for nothing."""

from __future__ import annotations

import pytest

from mapping import coverage
from services.models import SupportService
from tests.mapping.worlds import KOUVOLA, cell, make_service

pytestmark = pytest.mark.django_db

TIER = "UNIVERSAL_INDIVIDUAL"


@pytest.mark.parametrize(
    "status",
    [
        SupportService.Status.DRAFT,
        SupportService.Status.PENDING_REVIEW,
        SupportService.Status.ARCHIVED,
    ],
)
def test_an_unpublished_service_covers_nobody(status: str) -> None:
    make_service(status=status, channels=["PHONE"], nationwide=True)
    coverage.recompute()

    nation = coverage.area_matrix()
    assert cell(nation, TIER, "PARENTS").covered_children == 0
    assert cell(nation, TIER, "PARENTS").services == 0
    assert coverage.status().services == 0


def test_publishing_a_draft_makes_it_count() -> None:
    service = make_service(status=SupportService.Status.DRAFT, channels=["PHONE"], nationwide=True)
    coverage.recompute()
    service.status = SupportService.Status.PUBLISHED
    service.save()
    coverage.recompute()

    assert cell(coverage.area_matrix(municipality=KOUVOLA), TIER, "PARENTS").coverage == 1.0
