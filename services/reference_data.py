"""Loading the reference data shipped in ``services/data/reference/``.

Every file is read and checked before anything is written; an error names the file and line
and leaves the database as it was. Loading is an upsert: re-running it changes nothing.
Rows that disappear from the source are kept (catalogue records may point at them) and
reported.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import translation

from services.models import (
    Attribute,
    Boundary,
    Channel,
    Language,
    LifeSituation,
    Municipality,
    PostalArea,
    ServiceClass,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)
from services.models.geography import FINLAND_LAT, FINLAND_LON

REFERENCE_DIR = Path(__file__).resolve().parent / "data" / "reference"

FILES = {
    "taxonomies": "taxonomies.csv",
    "counties": "municipalities/wellbeing_services_counties_2026.csv",
    "municipalities": "municipalities/municipalities_2026.csv",
    "municipality_points": "municipalities/municipality_polygon_centroids_2026.csv",
    "municipality_changes": "municipalities/municipality_changes_2020_2026.csv",
    "municipal_population": "population/municipality_population_sotkanet_2000_2022.csv",
    "municipal_demographics": "population/paavo_municipality_demographics_2018.csv",
    "postal_areas": "postal_codes/postal_areas_2025_merged.csv",
    "service_classes": "services/ptv_service_classes_ptvserclass2.csv",
    "municipality_boundaries": "boundaries/municipalities_2026.geojson",
    "county_boundaries": "boundaries/wellbeing_services_counties_2026.geojson",
}

POPULATION_YEAR = 2022
CHILDREN_SHARE_YEAR = 2018
CHILD_AGE_COLUMNS = [
    f"{band} years, {CHILDREN_SHARE_YEAR} (HE)" for band in ("0-2", "3-6", "7-12", "13-15", "16-17")
]
INHABITANTS_COLUMN = f"Inhabitants, total, {CHILDREN_SHARE_YEAR} (HE)"

TAXONOMY_MODELS: dict[str, type[models.Model]] = {
    "tier": Tier,
    "channel": Channel,
    "target_group": TargetGroup,
    "life_situation": LifeSituation,
    "attribute": Attribute,
    "language": Language,
}


class ReferenceDataError(Exception):
    """A reference file is missing or malformed."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class ModelReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_source: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.not_in_source:
            text += f"; {len(self.not_in_source)} not in the source, kept"
        return text

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


Report = dict[str, ModelReport]


class SourceFile:
    """A CSV file read row by row, with its line numbers for error messages."""

    def __init__(self, base: Path, name: str) -> None:
        self.path = base / FILES[name]

    def error(self, line: int | None, message: str) -> ReferenceDataError:
        return ReferenceDataError(self.path, line, message)

    def rows(self, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            handle = self.path.open(encoding="utf-8", newline="")
        except FileNotFoundError:
            raise self.error(None, "file not found") from None
        with handle:
            reader = csv.DictReader(handle)
            try:
                missing = [column for column in required if column not in (reader.fieldnames or [])]
                if missing:
                    raise self.error(1, f"missing column(s): {', '.join(missing)}")
                line = reader.line_num + 1
                for row in reader:
                    if None in row or any(value is None for value in row.values()):
                        raise self.error(line, "wrong number of fields")
                    yield line, {key: value.strip() for key, value in row.items()}
                    line = reader.line_num + 1
            except UnicodeDecodeError as exc:
                raise self.error(None, f"not UTF-8 text ({exc.reason})") from None
            except csv.Error as exc:
                raise self.error(reader.line_num, f"malformed CSV ({exc})") from None

    def geojson_features(self) -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise self.error(None, "file not found") from None
        except UnicodeDecodeError as exc:
            raise self.error(None, f"not UTF-8 text ({exc.reason})") from None
        except json.JSONDecodeError as exc:
            raise self.error(exc.lineno, f"malformed JSON ({exc.msg})") from None
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            raise self.error(1, "not a GeoJSON FeatureCollection")
        for number, feature in enumerate(features, start=1):
            geometry = feature.get("geometry") if isinstance(feature, dict) else None
            if not isinstance(geometry, dict) or geometry.get("type") not in (
                "Polygon",
                "MultiPolygon",
            ):
                raise self.error(1, f"feature {number} has no polygon geometry")
            yield number, feature


def parse_code(source: SourceFile, line: int, value: str, digits: int, what: str) -> str:
    if not re.fullmatch(rf"\d{{{digits}}}", value):
        raise source.error(line, f"{what} {value!r} is not {digits} digits")
    return value


def parse_number(
    source: SourceFile, line: int, value: str, what: str, convert: Callable[[str], Any] = int
) -> Any:
    try:
        number = convert(value)
    except ValueError:
        raise source.error(line, f"{what} {value!r} is not a number") from None
    if number < 0:
        raise source.error(line, f"{what} {value!r} is negative")
    return number


def parse_bool(source: SourceFile, line: int, value: str, what: str) -> bool:
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0", ""):
        return False
    raise source.error(line, f"{what} {value!r} is not true or false")


def parse_point(source: SourceFile, line: int, lon: str, lat: str) -> tuple[float, float] | None:
    """A WGS84 (latitude, longitude) inside Finland, or None when both are empty."""
    if not lon and not lat:
        return None
    longitude = parse_number(source, line, lon, "longitude", float)
    latitude = parse_number(source, line, lat, "latitude", float)
    if not (FINLAND_LAT[0] <= latitude <= FINLAND_LAT[1]) or not (
        FINLAND_LON[0] <= longitude <= FINLAND_LON[1]
    ):
        raise source.error(line, f"point ({lat}, {lon}) is not in Finland")
    return latitude, longitude


def unique(source: SourceFile, seen: set[str], line: int, key: str) -> str:
    if key in seen:
        raise source.error(line, f"{key} appears twice")
    seen.add(key)
    return key


# Parsing: each function returns {model: {pk: field values}} and raises on the first error.


def parse_taxonomies(base: Path) -> dict[type[models.Model], dict[str, dict[str, Any]]]:
    source = SourceFile(base, "taxonomies")
    result: dict[type[models.Model], dict[str, dict[str, Any]]] = {
        model: {} for model in TAXONOMY_MODELS.values()
    }
    columns = ["taxonomy", "code", "name_fi", "name_sv", "name_en", "is_remote"]
    for line, row in source.rows(columns):
        model = TAXONOMY_MODELS.get(row["taxonomy"])
        if model is None:
            raise source.error(line, f"unknown taxonomy {row['taxonomy']!r}")
        if not re.fullmatch(r"[A-Za-z0-9_]{2,40}", row["code"]):
            raise source.error(line, f"code {row['code']!r} is not a code")
        if row["code"] in result[model]:
            raise source.error(line, f"{row['taxonomy']} {row['code']} appears twice")
        if not row["name_fi"]:
            raise source.error(line, "the Finnish name is empty")
        values = {
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"] or None,
            "name_en": row["name_en"] or None,
            "order": len(result[model]),
        }
        if model is Channel:
            values["is_remote"] = parse_bool(source, line, row["is_remote"], "is_remote")
        result[model][row["code"]] = values
    return result


def parse_counties(base: Path) -> dict[str, dict[str, Any]]:
    source = SourceFile(base, "counties")
    prefix = "hyvinvointialue"
    columns = [
        f"{prefix}_code",
        f"{prefix}_name_fi",
        f"{prefix}_name_sv",
        f"{prefix}_name_en",
        "is_wellbeing_services_county",
    ]
    counties: dict[str, dict[str, Any]] = {}
    for line, row in source.rows(columns):
        code = unique(
            source,
            set(counties),
            line,
            parse_code(source, line, row[f"{prefix}_code"], 2, "county code"),
        )
        counties[code] = {
            "name_fi": row[f"{prefix}_name_fi"],
            "name_sv": row[f"{prefix}_name_sv"] or None,
            "name_en": row[f"{prefix}_name_en"] or None,
            "is_wellbeing_services_county": parse_bool(
                source, line, row["is_wellbeing_services_county"], "is_wellbeing_services_county"
            ),
        }
    if not counties:
        raise source.error(None, "no rows")
    return counties


def parse_code_changes(base: Path) -> dict[str, str]:
    """Former municipality codes mapped to the code of the municipality they merged into."""
    source = SourceFile(base, "municipality_changes")
    changes = {}
    for line, row in source.rows(["old_code", "new_code"]):
        old = parse_code(source, line, row["old_code"], 3, "old code")
        changes[old] = parse_code(source, line, row["new_code"], 3, "new code")
    return changes


def parse_municipal_population(base: Path, changes: dict[str, str]) -> dict[str, int]:
    source = SourceFile(base, "municipal_population")
    population: dict[str, int] = Counter()
    for line, row in source.rows(["code", "year", "population"]):
        if row["year"] != str(POPULATION_YEAR):
            continue
        code = parse_code(source, line, row["code"], 3, "municipality code")
        population[changes.get(code, code)] += parse_number(
            source, line, row["population"], "population"
        )
    return population


def parse_children_shares(base: Path, changes: dict[str, str]) -> dict[str, float]:
    """Share of inhabitants aged 0–17 per municipality (merged municipalities summed)."""
    source = SourceFile(base, "municipal_demographics")
    children: dict[str, int] = Counter()
    inhabitants: dict[str, int] = Counter()
    for line, row in source.rows(["code_2026", INHABITANTS_COLUMN, *CHILD_AGE_COLUMNS]):
        code = parse_code(source, line, row["code_2026"], 3, "municipality code")
        code = changes.get(code, code)
        inhabitants[code] += parse_number(source, line, row[INHABITANTS_COLUMN], "inhabitants")
        children[code] += sum(
            parse_number(source, line, row[column], column) for column in CHILD_AGE_COLUMNS
        )
        if children[code] > inhabitants[code]:
            raise source.error(line, "more children than inhabitants")
    return {code: children[code] / inhabitants[code] for code in inhabitants if inhabitants[code]}


def parse_municipalities(
    base: Path, counties: dict[str, dict[str, Any]], changes: dict[str, str]
) -> dict[str, dict[str, Any]]:
    source = SourceFile(base, "municipalities")
    points_source = SourceFile(base, "municipality_points")
    inside_points = {}
    for line, row in points_source.rows(["code", "inside_point_lon", "inside_point_lat"]):
        code = parse_code(points_source, line, row["code"], 3, "municipality code")
        inside_points[code] = parse_point(
            points_source, line, row["inside_point_lon"], row["inside_point_lat"]
        )
    population = parse_municipal_population(base, changes)
    shares = parse_children_shares(base, changes)

    columns = [
        "code",
        "name_fi",
        "name_sv",
        "name_en",
        "is_bilingual",
        "majority_language",
        "hyvinvointialue_code",
        "admin_centre_lon",
        "admin_centre_lat",
    ]
    municipalities: dict[str, dict[str, Any]] = {}
    for line, row in source.rows(columns):
        code = unique(
            source,
            set(municipalities),
            line,
            parse_code(source, line, row["code"], 3, "municipality code"),
        )
        county = row["hyvinvointialue_code"]
        if county not in counties:
            raise source.error(line, f"unknown wellbeing services county {county!r}")
        if row["majority_language"] not in ("fi", "sv"):
            raise source.error(line, f"majority language {row['majority_language']!r}")
        point = parse_point(source, line, row["admin_centre_lon"], row["admin_centre_lat"])
        point = point or inside_points.get(code)
        if point is None:
            raise source.error(line, f"municipality {code} has no centre point in any file")
        if code not in shares:
            raise source.error(line, f"municipality {code} has no children share")
        municipalities[code] = {
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"] or None,
            "name_en": row["name_en"] or None,
            "county_id": county,
            "is_bilingual": parse_bool(source, line, row["is_bilingual"], "is_bilingual"),
            "majority_language": row["majority_language"],
            "population": population.get(code, 0),
            "population_year": POPULATION_YEAR,
            "children_share": shares[code],
            "children_share_year": CHILDREN_SHARE_YEAR,
            "latitude": point[0],
            "longitude": point[1],
        }
    return municipalities


def parse_postal_areas(
    base: Path, municipalities: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    source = SourceFile(base, "postal_areas")
    columns = [
        "postal_code",
        "name_fi",
        "name_sv",
        "municipality_code",
        "lon_wgs84",
        "lat_wgs84",
        "population_2022",
    ]
    areas: dict[str, dict[str, Any]] = {}
    for line, row in source.rows(columns):
        code = unique(
            source, set(areas), line, parse_code(source, line, row["postal_code"], 5, "postal code")
        )
        municipality = municipalities.get(row["municipality_code"])
        if municipality is None:
            raise source.error(line, f"unknown municipality {row['municipality_code']!r}")
        point = parse_point(source, line, row["lon_wgs84"], row["lat_wgs84"])
        population = parse_number(source, line, row["population_2022"] or "0", "population")
        areas[code] = {
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"] or None,
            "municipality_id": row["municipality_code"],
            "latitude": point[0] if point else municipality["latitude"],
            "longitude": point[1] if point else municipality["longitude"],
            "centre_is_estimated": point is None,
            "population": population,
            "population_year": POPULATION_YEAR,
            "children_estimate": population * municipality["children_share"],
        }
    return areas


def parse_service_classes(base: Path) -> dict[str, dict[str, Any]]:
    source = SourceFile(base, "service_classes")
    columns = [
        "code",
        "parent_code",
        "order",
        "name_fi",
        "name_sv",
        "name_en",
        "description_fi",
        "description_en",
        "status",
    ]
    classes: dict[str, dict[str, Any]] = {}
    for line, row in source.rows(columns):
        if row["status"] != "VALID":
            continue
        code = unique(source, set(classes), line, row["code"])
        if not re.fullmatch(r"P\d+(\.\d+)*", code):
            raise source.error(line, f"service class code {code!r}")
        classes[code] = {
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"] or None,
            "name_en": row["name_en"] or None,
            "description_fi": row["description_fi"],
            "description_en": row["description_en"] or None,
            "parent_id": row["parent_code"] or None,
            "order": parse_number(source, line, row["order"], "order"),
            "_line": line,
        }
    for code, values in classes.items():
        line = values.pop("_line")
        if values["parent_id"] and values["parent_id"] not in classes:
            raise source.error(line, f"parent {values['parent_id']!r} of {code} is not listed")
    return classes


def parse_boundaries(base: Path, name: str, known: set[str]) -> dict[str, dict[str, Any]]:
    source = SourceFile(base, name)
    boundaries: dict[str, dict[str, Any]] = {}
    for number, feature in source.geojson_features():
        code = str((feature.get("properties") or {}).get("code", ""))
        if code not in known:
            raise source.error(1, f"feature {number} has unknown area code {code!r}")
        if code in boundaries:
            raise source.error(1, f"feature {number}: area {code} appears twice")
        boundaries[code] = {"geometry": feature["geometry"]}
    return boundaries


# Writing.


def upsert(model: type[models.Model], rows: dict[str, dict[str, Any]]) -> ModelReport:
    """Create missing rows and update changed ones, keyed by primary key."""
    report = ModelReport()
    fields = sorted({name for values in rows.values() for name in values})
    existing = {str(obj.pk): obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for pk, values in rows.items():
        obj = existing.get(pk)
        if obj is None:
            to_create.append(model(pk=pk, **values))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
        else:
            report.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    report.created, report.updated = len(to_create), len(to_update)
    report.not_in_source = sorted(set(existing) - set(rows))
    return report


def upsert_boundaries(kind: str, rows: dict[str, dict[str, Any]]) -> ModelReport:
    report = ModelReport()
    existing = {b.code: b for b in Boundary.objects.filter(kind=kind)}
    to_create, to_update = [], []
    for code, values in rows.items():
        boundary = existing.get(code)
        if boundary is None:
            to_create.append(Boundary(kind=kind, code=code, geometry=values["geometry"]))
        elif boundary.geometry != values["geometry"]:
            boundary.geometry = values["geometry"]
            to_update.append(boundary)
        else:
            report.unchanged += 1
    Boundary.objects.bulk_create(to_create, batch_size=100)
    Boundary.objects.bulk_update(to_update, ["geometry"], batch_size=100)
    report.created, report.updated = len(to_create), len(to_update)
    report.not_in_source = sorted(set(existing) - set(rows))
    return report


def load_reference_data(*, base: Path = REFERENCE_DIR) -> Report:
    """Read and check every reference file, then write them all in one transaction."""
    taxonomies = parse_taxonomies(base)
    counties = parse_counties(base)
    changes = parse_code_changes(base)
    municipalities = parse_municipalities(base, counties, changes)
    postal_areas = parse_postal_areas(base, municipalities)
    service_classes = parse_service_classes(base)
    municipality_boundaries = parse_boundaries(base, "municipality_boundaries", set(municipalities))
    county_boundaries = parse_boundaries(base, "county_boundaries", set(counties))

    report: Report = defaultdict(ModelReport)
    # The untranslated column modeltranslation keeps is filled from the active language.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for name, model in TAXONOMY_MODELS.items():
            report[f"{name.replace('_', ' ')} terms"] = upsert(model, taxonomies[model])
        report["wellbeing services counties"] = upsert(WellbeingServicesCounty, counties)
        report["municipalities"] = upsert(Municipality, municipalities)
        report["postal areas"] = upsert(PostalArea, postal_areas)
        report["Suomi.fi service classes"] = upsert(ServiceClass, service_classes)
        report["municipality boundaries"] = upsert_boundaries(
            Boundary.Kind.MUNICIPALITY, municipality_boundaries
        )
        report["county boundaries"] = upsert_boundaries(Boundary.Kind.COUNTY, county_boundaries)
    return dict(report)
