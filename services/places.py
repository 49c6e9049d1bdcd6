"""Where a family lives: a postal code or a municipality's name, as a point on the map."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.models import Municipality, PostalArea
from services.search_index import Gazetteer, current_snapshot, place_key

POSTAL_CODE_RE = re.compile(r"^\s*(\d{5})(?:\s+\S.*)?$")
MAX_PLACE_LENGTH = 100


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
        if area is None:
            return None
        return Place(
            label=f"{area.code} {area.name}",
            municipality=area.municipality,
            postal_area=area,
            latitude=area.latitude,
            longitude=area.longitude,
        )
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
