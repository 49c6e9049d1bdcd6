"""The evidence-based lens: count only services that use a method rated at least N (Itla's
Kasvun tuki scale), with the same drill-down and gap lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mapping import coverage
from mapping.templatetags.mapping_format import percent
from services.models import Method, SupportService
from tests.factories import MethodFactory
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.worlds import ETELA_SAVO, MIKKELI, make_service

TIER = "UNIVERSAL_INDIVIDUAL"


@pytest.fixture
def rated_world(db: None) -> dict[str, SupportService]:
    """Three phone lines for parents: one in Etelä-Savo using a method rated 5, one in
    Mikkeli using a method rated 2, one in Mikkeli using an unrated method."""
    strong = make_service(channels=["PHONE"], counties=[ETELA_SAVO])
    strong.methods.add(MethodFactory(name_fi="Voimaperheet", rating=Method.Rating.STRONG))
    some = make_service(channels=["PHONE"], municipalities=[MIKKELI])
    some.methods.add(MethodFactory(name_fi="Vahvuutta vanhemmuuteen", rating=2))
    unrated = make_service(channels=["PHONE"], municipalities=[MIKKELI])
    unrated.methods.add(MethodFactory(name_fi="Lapset puheeksi", rating=None))
    coverage.recompute()
    return {"strong": strong, "some": some, "unrated": unrated}


def cell(min_rating: int | None, **area: str) -> coverage.Cell:
    return next(
        c
        for c in coverage.area_matrix(min_rating=min_rating, **area)
        if (c.tier, c.target_group) == (TIER, "PARENTS")
    )


@pytest.mark.django_db
def test_only_services_using_a_method_rated_at_least_n_count(
    rated_world: dict[str, SupportService],
) -> None:
    assert cell(None, municipality=MIKKELI).services == 3
    assert cell(1, municipality=MIKKELI).services == 2  # the unrated method counts for none
    assert cell(3, municipality=MIKKELI).services == 1
    rated_world["strong"].methods.update(rating=4)
    assert cell(5, municipality=MIKKELI).services == 0  # read afresh, no recomputation
    assert cell(5, county=ETELA_SAVO).coverage == 0


@pytest.mark.django_db
def test_the_lens_reaches_the_postal_areas_the_map_and_the_gaps(
    rated_world: dict[str, SupportService],
) -> None:
    rated_world["strong"].area_counties.clear()
    rated_world["strong"].area_municipalities.set([MIKKELI])
    coverage.recompute()
    postal = coverage.postal_areas(
        municipality=MIKKELI, tier=TIER, target_group="PARENTS", min_rating=3
    )
    assert all(c.service_ids == (rated_world["strong"].pk,) for c in postal)
    municipalities = {
        m.code: m
        for m in coverage.municipality_coverage(
            tier=TIER, target_group="PARENTS", county=ETELA_SAVO, min_rating=3
        )
    }
    assert municipalities[MIKKELI].coverage == 1
    assert municipalities["740"].coverage == 0
    gaps = {(g.municipality, g.tier, g.target_group) for g in coverage.gaps(min_rating=3)}
    assert (MIKKELI, TIER, "PARENTS") not in gaps
    assert ("740", TIER, "PARENTS") in gaps
    overview = coverage.gap_overview(county=ETELA_SAVO, min_rating=3)
    [parents] = [r for r in overview.missing if (r.tier, r.target_group) == (TIER, "PARENTS")]
    assert not parents.missing_everywhere and "Mikkeli" not in parents.municipalities


@pytest.mark.django_db
def test_the_county_page_counts_only_rated_services_when_asked(
    staff_client: Client, rated_world: dict[str, SupportService]
) -> None:
    url = reverse("mapping:county", args=[ETELA_SAVO])
    query = f"tier={TIER}&target_group=PARENTS"
    everything = staff_client.get(f"{url}?{query}").content.decode()
    strong_only = staff_client.get(f"{url}?{query}&min_rating=5").content.decode()
    assert "Evidence-based lens" not in everything
    assert "Evidence-based lens: only services that use a method rated 5 or higher" in strong_only
    assert '<option value="5" selected>' in strong_only
    assert percent(cell(5, county=ETELA_SAVO).coverage) in strong_only
    # The drill-down and the gap list keep the lens.
    assert "min_rating=5" in strong_only[strong_only.index('id="municipality-map"') :]
    gap_list = staff_client.get(
        f"{reverse('mapping:gaps')}?county={ETELA_SAVO}&min_rating=5"
    ).content.decode()
    overview = coverage.gap_overview(county=ETELA_SAVO, min_rating=5)
    assert f"{len(overview.unequal)} unequal gap" in gap_list
    assert "Evidence-based lens" in gap_list


@pytest.mark.django_db
@pytest.mark.parametrize("rating", ["0", "6", "x", "2.5"])
def test_an_impossible_rating_gets_a_message_and_every_service(
    staff_client: Client, rated_world: dict[str, SupportService], rating: str
) -> None:
    url = reverse("mapping:municipality", args=[MIKKELI])
    response = staff_client.get(f"{url}?tier={TIER}&target_group=PARENTS&min_rating={rating}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some choices were not valid" in page
    assert "Evidence-based lens" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("rating", [0, 6, -1])
def test_the_engine_refuses_a_rating_outside_the_scale(
    rated_world: dict[str, SupportService], rating: int
) -> None:
    with pytest.raises(ValueError, match="Unknown method rating"):
        coverage.area_matrix(min_rating=rating)
