"""Small worlds for the coverage engine's tests: services on the real Finnish geography.

Distances are checked with pyproj's geodesic on a sphere of the mean Earth radius, computed
independently of the engine's k-d tree.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import numpy as np
from django.utils import translation
from pyproj import Geod

from mapping import coverage
from services.models import Location, PostalArea, SupportService
from tests.factories import SupportServiceFactory

EARTH_RADIUS_M = 6_371_008.8
SPHERE = Geod(a=EARTH_RADIUS_M, b=EARTH_RADIUS_M)

# Real codes used by the tests.
ETELA_SAVO = "12"
KYMENLAAKSO = "10"
MIKKELI = "491"
KOUVOLA = "286"
HAMINA = "075"
MIKKELI_CENTRE = "50100"


def make_service(
    *,
    tier: str = "UNIVERSAL_INDIVIDUAL",
    status: str = SupportService.Status.PUBLISHED,
    channels: Sequence[str] = (),
    target_groups: Sequence[str] = ("PARENTS",),
    life_situations: Sequence[str] = (),
    nationwide: bool = False,
    counties: Sequence[str] = (),
    municipalities: Sequence[str] = (),
    locations: Iterable[tuple[float, float] | str] = (),
    capacity: int | None = None,
) -> SupportService:
    """A service; a location is (latitude, longitude) or a postal code (no coordinates)."""
    service = SupportServiceFactory(
        tier_id=tier, status=status, is_nationwide=nationwide, channels=list(channels)
    )
    service.target_groups.set(target_groups)
    service.life_situations.set(life_situations)
    service.area_counties.set(counties)
    service.area_municipalities.set(municipalities)
    for place in locations:
        add_location(service, place, capacity=capacity)
    return service


def add_location(
    service: SupportService, place: tuple[float, float] | str, *, capacity: int | None = None
) -> Location:
    if isinstance(place, str):
        area = PostalArea.objects.get(code=place)
        latitude = longitude = None
    else:
        latitude, longitude = place
        area = nearest_postal_area(latitude, longitude)
    with translation.override("fi"):
        return Location.objects.create(
            service=service,
            street_address_fi="Testikatu 1",
            postal_code=area.code,
            municipality=area.municipality,
            latitude=latitude,
            longitude=longitude,
            capacity=capacity,
        )


def nearest_postal_area(latitude: float, longitude: float) -> PostalArea:
    codes, latitudes, longitudes = postal_area_centres()
    _, _, metres = SPHERE.inv(
        np.full(len(codes), longitude), np.full(len(codes), latitude), longitudes, latitudes
    )
    return PostalArea.objects.get(code=codes[int(np.argmin(metres))])


@functools.cache
def postal_area_centres() -> tuple[list[str], np.ndarray, np.ndarray]:
    """The shipped reference data, the same in every test database."""
    rows = list(PostalArea.objects.order_by("code").values_list("code", "latitude", "longitude"))
    return (
        [row[0] for row in rows],
        np.array([row[1] for row in rows]),
        np.array([row[2] for row in rows]),
    )


def distance_km(latitude: float, longitude: float, area: PostalArea) -> float:
    _, _, metres = SPHERE.inv(longitude, latitude, area.longitude, area.latitude)
    return metres / 1000.0


def area_codes(*, county: str | None = None, municipality: str | None = None) -> set[str]:
    areas = PostalArea.objects.all()
    if county is not None:
        areas = areas.filter(municipality__county_id=county)
    if municipality is not None:
        areas = areas.filter(municipality_id=municipality)
    return set(areas.values_list("code", flat=True))


def covered_codes(
    *, municipality: str, tier: str, target_group: str, life_situation: str | None = None
) -> set[str]:
    return {
        cell.code
        for cell in coverage.postal_areas(
            municipality=municipality,
            tier=tier,
            target_group=target_group,
            life_situation=life_situation,
        )
        if cell.covered
    }


def cell(cells: list[coverage.Cell], tier: str, target_group: str) -> coverage.Cell:
    return next(c for c in cells if c.tier == tier and c.target_group == target_group)
