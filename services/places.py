"""Where a family lives: a postal code or a municipality's name, as a point on the map."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from services.models import Municipality, PostalArea
from services.search_index import Gazetteer, current_snapshot, place_key

POSTAL_CODE_RE = re.compile(r"^\s*(\d{5})(?:\s+\S.*)?$")
MAX_PLACE_LENGTH = 100
# "Use my location": a point this far from every postal area's centre is not in Finland (the
# largest areas of Lapland are about 60 km across).
MAX_NEAREST_KM = 50
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Place:
    """A resolved place: distances are measured from its point (postal area or municipality
    centre), and services must serve its municipality."""

    label: str
    municipality: Municipality
    postal_area: PostalArea | None
    latitude: float
    longitude: float

    @property
    def code(self) -> str:
        """The postal code, or the municipality's code: what identifies the place in links."""
        return self.postal_area.code if self.postal_area else self.municipality.code

    @property
    def param(self) -> str:
        """The place as the search form sends it back (postal code, or the name shown)."""
        return self.postal_area.code if self.postal_area else self.municipality.name


def is_postal_code(text: str) -> bool:
    return bool(POSTAL_CODE_RE.match(text))


def area_place(area: PostalArea) -> Place:
    """The postal area as a place (read with its municipality)."""
    return Place(
        label=f"{area.code} {area.name}",
        municipality=area.municipality,
        postal_area=area,
        latitude=area.latitude,
        longitude=area.longitude,
    )


def resolve_place(text: str, *, gazetteer: Gazetteer | None = None) -> Place | None:
    """A postal code (five digits, an existing postal area; a name may follow it, as in
    "50100 Mikkeli") or a municipality's name in Finnish or Swedish, whatever the case,
    diacritics or hyphens. None when nothing matches. ``gazetteer``: the places to look in
    (those of the current search index by default)."""
    text = text.replace("\x00", "").strip()[:MAX_PLACE_LENGTH]
    if not text:
        return None
    gazetteer = gazetteer or current_snapshot().gazetteer
    if match := POSTAL_CODE_RE.match(text):
        area = gazetteer.postal_area(match.group(1))
        return None if area is None else area_place(area)
    municipality = gazetteer.by_name.get(place_key(text))
    if municipality is None or municipality.latitude is None:
        return None
    return Place(
        label=municipality.name,
        municipality=municipality,
        postal_area=None,
        latitude=municipality.latitude,
        longitude=municipality.longitude,
    )


def nearest_postal_area(
    *, latitude: float, longitude: float, gazetteer: Gazetteer | None = None
) -> PostalArea | None:
    """The postal area whose centre is nearest to the point (great-circle distance), or None
    when none is within ``MAX_NEAREST_KM``: the point is not in Finland.

    The nearest centre is not always the area the point lies in, near a boundary; it is close
    enough for ordering services by distance, and the family sees and can correct the result.
    """
    gazetteer = gazetteer or current_snapshot().gazetteer
    lat0, lon0 = math.radians(latitude), math.radians(longitude)
    best_code, best_km = None, MAX_NEAREST_KM
    for code, row in gazetteer.postal_rows.items():
        lat, lon = math.radians(row[4]), math.radians(row[5])
        # haversine
        h = (
            math.sin((lat - lat0) / 2) ** 2
            + math.cos(lat0) * math.cos(lat) * math.sin((lon - lon0) / 2) ** 2
        )
        km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
        if km <= best_km:
            best_code, best_km = code, km
    return gazetteer.postal_area(best_code) if best_code else None
