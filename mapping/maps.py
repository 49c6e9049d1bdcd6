"""Choropleth maps drawn on the server as inline SVG from the shipped boundaries.

No tile server and no script: the boundaries (GeoJSON, WGS84) are projected once to
ETRS-TM35FIN (EPSG:3067, the Finnish national grid, metres), written as SVG path data in
kilometres and cached. Each area becomes a link with an accessible name ("Mikkeli: 82 %
covered"), and each colour class also has a pattern, so the legend does not rely on colour.

Counties and municipalities come from the reference data (``Boundary``, National Land Survey
1:4.5M); the postal code areas of a municipality's map from the file shipped in
``mapping/data/boundaries/`` (Statistics Finland, Paavo; see its SOURCE.md). Every map names
the source of what it draws.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html import escape as escape_text
from pathlib import Path
from typing import Any

import numpy as np
from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from pyproj import Transformer

from mapping.templatetags.mapping_format import percent
from services.models import Boundary

# Coordinates in the SVG are kilometres on the national grid, rounded to 100 m: finer than
# the 1:4.5M boundaries and the pixels of any map on the dashboard.
PRECISION = 1
# Postal code areas in towns are a few hundred metres across: 10 m.
POSTAL_PRECISION = 2
POSTAL_AREAS_FILE = (
    Path(__file__).resolve().parent / "data" / "boundaries" / "postal_areas_paavo.geojson"
)
BOUNDARY_SOURCE = _(
    "Boundaries: National Land Survey of Finland, administrative borders 1:4.5M (2023), CC BY 4.0."
)
POSTAL_AREA_SOURCE = _(
    "Postal code area boundaries: Statistics Finland, Paavo postal code areas, CC BY 4.0."
)
CACHE_TIMEOUT = 24 * 60 * 60
CACHE_VERSION = 1
# Room around the drawn areas, as a share of the larger side of their bounding box.
MARGIN = 0.02

_TO_NATIONAL_GRID = Transformer.from_crs("EPSG:4326", "EPSG:3067", always_xy=True)


@dataclass(frozen=True)
class Shape:
    """One area's outline: SVG path data and its bounding box (min x, min y, max x, max y)."""

    path: str
    bounds: tuple[float, float, float, float]


@dataclass(frozen=True)
class ColourClass:
    key: str
    label: str | Promise
    colour: str
    # Each class has its own texture (drawn in ``ink``), so that the map reads in greyscale
    # and for people who cannot tell the colours apart.
    pattern: str
    ink: str


NO_CHILDREN = ColourClass("none", _("no children"), "#ffffff", "vertical", "#767676")
# A postal code area is covered or not: at least one service available, or none.
COVERED = ColourClass("covered", _("at least one service available"), "#08519c", "plain", "#08519c")
UNCOVERED = ColourClass("uncovered", _("no service available"), "#fdd0a2", "cross", "#7f2704")
POSTAL_CLASSES = (UNCOVERED, COVERED, NO_CHILDREN)
CLASSES: tuple[ColourClass, ...] = (
    ColourClass("zero", _("0 % (nobody covered)"), "#fdd0a2", "cross", "#7f2704"),
    ColourClass("low", _("under 50 %"), "#fdae6b", "diagonal", "#7f2704"),
    ColourClass("mid", _("50 % to under 90 %"), "#c6dbef", "horizontal", "#08306b"),
    ColourClass("high", _("90 % to under 100 %"), "#6baed6", "dots", "#08306b"),
    ColourClass("full", _("100 % (everybody covered)"), "#08519c", "plain", "#08519c"),
)


@dataclass(frozen=True)
class PatternScale:
    """Sizes of the textures in the units of the drawing they fill."""

    size: float
    half: float
    stroke: float
    dot: float

    @classmethod
    def of(cls, size: float) -> PatternScale:
        size = round(size, 2)
        return cls(
            size=size,
            half=round(size / 2, 2),
            stroke=round(size / 6, 2),
            dot=round(size / 5, 2),
        )


# The legend's swatches are drawn in CSS pixels.
LEGEND_PATTERN = PatternScale.of(7)
# The map's texture repeats about every 1/90 of the map's larger side (7 px on a 630 px map).
PATTERN_REPEATS = 90


def class_for(coverage: float | None) -> ColourClass:
    """The colour class of a coverage share; None means an area without children."""
    if coverage is None:
        return NO_CHILDREN
    if coverage <= 0:
        return CLASSES[0]
    if coverage < 0.5:
        return CLASSES[1]
    if coverage < 0.9:
        return CLASSES[2]
    if coverage < 1:
        return CLASSES[3]
    return CLASSES[4]


@dataclass(frozen=True)
class AreaValue:
    """What the map shows for one area (a county or a municipality)."""

    code: str
    name: str
    coverage: float | None
    url: str


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    path: str
    colour_class: ColourClass
    label: str
    url: str


@dataclass(frozen=True)
class LegendEntry:
    colour_class: ColourClass
    count: int


@dataclass(frozen=True)
class MapPoint:
    """A service point, in the map's coordinates."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Choropleth:
    map_id: str
    view_box: str
    width: float
    height: float
    areas: list[MapArea]
    legend: list[LegendEntry]
    missing: list[str]
    pattern: PatternScale
    legend_pattern: PatternScale = LEGEND_PATTERN
    source: str | Promise = BOUNDARY_SOURCE
    points: list[MapPoint] = field(default_factory=list)
    point_radius: float = 0.0

    @property
    def points_svg(self) -> SafeString:
        """The service points as SVG circles, each titled (a town may have a thousand:
        formatted here rather than in a template loop, and with the standard library's
        escaping, several times faster than ``format_html`` on a page's worth)."""
        radius = self.point_radius
        return mark_safe(  # noqa: S308 - the only text, the label, is escaped
            "".join(
                f'<circle cx="{point.x}" cy="{point.y}" r="{radius}">'
                f"<title>{escape_text(point.label)}</title></circle>"
                for point in self.points
            )
        )


def ring_path(ring: np.ndarray, precision: int = PRECISION) -> str:
    """One closed ring as SVG path data, dropping points that coincide after rounding."""
    points: list[str] = []
    previous = ""
    for x, y in ring:
        point = f"{x:.{precision}f} {y:.{precision}f}"
        if point != previous:
            points.append(point)
            previous = point
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""
    return "M" + "L".join(points) + "Z"


def project_geometry(geometry: dict[str, Any], precision: int = PRECISION) -> Shape:
    """A GeoJSON Polygon or MultiPolygon (WGS84 lon/lat) as SVG path data in kilometres.

    SVG's y axis points down, so northing is negated; holes (Kauniainen inside Espoo) are
    kept as rings and drawn with the even-odd fill rule.
    """
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"Not a polygon: {geometry['type']}")
    parts: list[str] = []
    minima, maxima = [], []
    for polygon in polygons:
        for ring in polygon:
            lon_lat = np.asarray(ring, dtype=float)[:, :2]
            east, north = _TO_NATIONAL_GRID.transform(lon_lat[:, 0], lon_lat[:, 1])
            projected = np.column_stack((np.asarray(east) / 1000, -np.asarray(north) / 1000))
            parts.append(ring_path(projected, precision))
            minima.append(projected.min(axis=0))
            maxima.append(projected.max(axis=0))
    low = np.min(minima, axis=0)
    high = np.max(maxima, axis=0)
    return Shape(path="".join(parts), bounds=(low[0], low[1], high[0], high[1]))


def projected_shapes(kind: str) -> dict[str, Shape]:
    """Every boundary of one kind, projected; cached because boundaries change only on load."""
    key = f"mapping:shapes:{kind}"

    def build() -> dict[str, Shape]:
        return {
            code: project_geometry(geometry)
            for code, geometry in Boundary.objects.filter(kind=kind).values_list("code", "geometry")
        }

    return cache.get_or_set(key, build, timeout=CACHE_TIMEOUT, version=CACHE_VERSION)


@functools.cache
def _postal_area_geometries() -> dict[str, dict[str, Any]]:
    """The shipped postal code area boundaries by code, read once per process (the file is
    part of the code: it changes only with a new release)."""
    with POSTAL_AREAS_FILE.open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return {feature["properties"]["code"]: feature["geometry"] for feature in features}


@functools.lru_cache(maxsize=4096)
def postal_area_shape(code: str) -> Shape | None:
    """One postal code area's outline, projected (None if the file has none for it)."""
    geometry = _postal_area_geometries().get(code)
    return None if geometry is None else project_geometry(geometry, POSTAL_PRECISION)


def postal_area_bounds(codes: Iterable[str]) -> tuple[float, float, float, float] | None:
    """West, south, east and north (WGS84 degrees) of these postal areas' outlines; None if
    none has one."""
    points = []
    geometries = _postal_area_geometries()
    for code in codes:
        geometry = geometries.get(code)
        if geometry is None:
            continue
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        points.extend(polygon[0] for polygon in polygons)
    if not points:
        return None
    everything = np.concatenate([np.asarray(ring, dtype=float) for ring in points])
    west, south = everything.min(axis=0)
    east, north = everything.max(axis=0)
    return float(west), float(south), float(east), float(north)


def project_point(latitude: float, longitude: float) -> tuple[float, float]:
    """A WGS84 point in the maps' coordinates (km on the national grid, y down)."""
    east, north = _TO_NATIONAL_GRID.transform(longitude, latitude)
    return east / 1000, -north / 1000


def area_label(name: str, coverage: float | None) -> str:
    if coverage is None:
        return gettext("%(name)s: no children") % {"name": name}
    return gettext("%(name)s: %(percent)s covered") % {"name": name, "percent": percent(coverage)}


def view_box(shapes: Iterable[Shape]) -> tuple[float, float, float, float]:
    """x, y, width, height around ``shapes`` with a small margin."""
    bounds = list(shapes)
    if not bounds:
        return (0.0, 0.0, 1.0, 1.0)
    min_x = min(shape.bounds[0] for shape in bounds)
    min_y = min(shape.bounds[1] for shape in bounds)
    max_x = max(shape.bounds[2] for shape in bounds)
    max_y = max(shape.bounds[3] for shape in bounds)
    margin = max(max_x - min_x, max_y - min_y) * MARGIN
    return (
        math.floor(min_x - margin),
        math.floor(min_y - margin),
        math.ceil(max_x - min_x + 2 * margin),
        math.ceil(max_y - min_y + 2 * margin),
    )


def choropleth(*, kind: str, values: Sequence[AreaValue], map_id: str) -> Choropleth:
    """A map of ``values`` (one per area of ``kind``), sized to the areas it shows.

    Areas without a shipped boundary are listed in ``missing`` (they still appear in the
    table beside the map).
    """
    return _draw(
        shapes=projected_shapes(kind),
        areas=[
            (value, class_for(value.coverage), area_label(value.name, value.coverage))
            for value in values
        ],
        classes=(*CLASSES, NO_CHILDREN),
        map_id=map_id,
        source=BOUNDARY_SOURCE,
    )


@dataclass(frozen=True)
class PostalAreaValue:
    """What the postal code area map shows for one area."""

    code: str
    name: str
    children: float
    covered: bool
    services: int
    url: str


def postal_area_label(value: PostalAreaValue) -> str:
    name = f"{value.code} {value.name}".strip()
    if value.children <= 0:
        return gettext("%(name)s: no children") % {"name": name}
    if not value.covered:
        return gettext("%(name)s: no service available") % {"name": name}
    return ngettext(
        "%(name)s: covered, %(count)s service available",
        "%(name)s: covered, %(count)s services available",
        value.services,
    ) % {"name": name, "count": value.services}


def postal_class(value: PostalAreaValue) -> ColourClass:
    if value.children <= 0:
        return NO_CHILDREN
    return COVERED if value.covered else UNCOVERED


def postal_map(
    *,
    values: Sequence[PostalAreaValue],
    points: Iterable[tuple[float, float, str]] = (),
    map_id: str,
) -> Choropleth:
    """The postal code areas of one municipality, covered or not, with service points
    ((latitude, longitude, label)) drawn where they fall inside the map."""
    drawn = _draw(
        shapes={
            value.code: shape
            for value in values
            if (shape := postal_area_shape(value.code)) is not None
        },
        areas=[
            # Named by code and name, as the table beside the map names them.
            (
                replace(value, name=f"{value.code} {value.name}".strip()),
                postal_class(value),
                postal_area_label(value),
            )
            for value in values
        ],
        classes=POSTAL_CLASSES,
        map_id=map_id,
        source=POSTAL_AREA_SOURCE,
    )
    x, y, width, height = (float(number) for number in drawn.view_box.split())
    inside = []
    for latitude, longitude, label in points:
        px, py = project_point(latitude, longitude)
        if x <= px <= x + width and y <= py <= y + height:
            inside.append(MapPoint(x=round(px, 2), y=round(py, 2), label=label))
    return replace(drawn, points=inside, point_radius=round(max(width, height) / 110, 2))


def _draw(
    *,
    shapes: Mapping[str, Shape],
    areas: Sequence[tuple[AreaValue | PostalAreaValue, ColourClass, str]],
    classes: Sequence[ColourClass],
    map_id: str,
    source: str | Promise,
) -> Choropleth:
    drawn: list[MapArea] = []
    missing: list[str] = []
    counts: dict[str, int] = {}
    for value, colour_class, label in areas:
        shape = shapes.get(value.code)
        if shape is None:
            missing.append(value.name or value.code)
            continue
        counts[colour_class.key] = counts.get(colour_class.key, 0) + 1
        drawn.append(
            MapArea(
                code=value.code,
                name=value.name,
                path=shape.path,
                colour_class=colour_class,
                label=label,
                url=value.url,
            )
        )
    x, y, width, height = view_box(shapes[area.code] for area in drawn)
    legend = [
        LegendEntry(colour_class=colour_class, count=counts.get(colour_class.key, 0))
        for colour_class in classes
    ]
    return Choropleth(
        map_id=map_id,
        view_box=f"{x} {y} {width} {height}",
        width=width,
        height=height,
        areas=drawn,
        legend=legend,
        missing=missing,
        pattern=PatternScale.of(max(width, height) / PATTERN_REPEATS),
        source=source,
    )
