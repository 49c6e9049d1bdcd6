"""Swedish content where the Language Act expects it.

Every example catalogue service offered nationwide or in a bilingual municipality, with its
organisation (and the organisations above it), methods, group sessions and locations, has its
texts in Swedish: on a Swedish page none of them falls back to Finnish.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "services" / "data" / "example_catalogue"
MUNICIPALITIES = ROOT / "services" / "data" / "reference" / "municipalities"
# The texts a parent reads on a service page, a result card or an organisation page.
TEXT_FIELDS = (
    "name",
    "summary",
    "description",
    "how_to_get",
    "eligibility",
    "cost",
    "title",
    "label",
    "charge",
    "note",
    "accessibility_notes",
)


def bilingual_municipalities() -> set[str]:
    with (MUNICIPALITIES / "municipalities_2026.csv").open(encoding="utf-8") as handle:
        return {row["code"] for row in csv.DictReader(handle) if row["is_bilingual"] == "True"}


def county_municipalities() -> dict[str, set[str]]:
    path = MUNICIPALITIES / "wellbeing_services_counties_2026.csv"
    with path.open(encoding="utf-8") as handle:
        return {
            row["hyvinvointialue_code"]: set(row["municipality_codes"].split())
            for row in csv.DictReader(handle)
        }


def catalogue() -> dict[str, list[dict]]:
    records: dict[str, list[dict]] = {}
    for path in sorted(CATALOGUE.glob("*.yaml")):
        for kind, items in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            records.setdefault(kind, []).extend(items)
    return records


def needs_swedish(area: object, bilingual: set[str], counties: dict[str, set[str]]) -> bool:
    if area == "nationwide":
        return True
    assert isinstance(area, dict)
    codes = set(area.get("municipalities", []))
    for county in area.get("counties", []):
        codes |= counties[county]
    return bool(codes & bilingual)


def finnish_only(record: object, where: str) -> Iterator[str]:
    """Paths of the texts in ``record`` that have Finnish but no Swedish."""
    if isinstance(record, dict):
        for key, value in record.items():
            path = f"{where}.{key}"
            if key in TEXT_FIELDS and isinstance(value, str) and value.strip():
                yield path  # a plain string is Finnish
            elif key in TEXT_FIELDS and isinstance(value, dict) and value.get("fi"):
                if not (value.get("sv") or "").strip():
                    yield path
            elif isinstance(value, dict | list):
                yield from finnish_only(value, path)
    elif isinstance(record, list):
        for number, item in enumerate(record):
            key = item.get("key") or item.get("id") if isinstance(item, dict) else None
            yield from finnish_only(item, f"{where}[{key or number}]")


def texts_falling_back_to_finnish() -> list[str]:
    data = catalogue()
    bilingual, counties = bilingual_municipalities(), county_municipalities()
    organisations = {o["id"]: o for o in data["organisations"]}
    methods = {m["id"]: m for m in data["methods"]}
    places = {p["id"]: p for p in data["places"]}
    shown: dict[str, dict] = {}
    for service in data["services"]:
        if not needs_swedish(service["area"], bilingual, counties):
            continue
        shown[f"service {service['id']}"] = service
        organisation_id = service["organisation"]
        while organisation_id:
            shown[f"organisation {organisation_id}"] = organisations[organisation_id]
            organisation_id = organisations[organisation_id].get("parent")
        for method in service.get("methods") or []:
            shown[f"method {method}"] = methods[method]
        for place in service.get("places") or []:
            shown[f"place {place}"] = places[place]
    return [path for where, record in shown.items() for path in finnish_only(record, where)]


def test_nationwide_and_bilingual_services_have_their_texts_in_swedish() -> None:
    assert texts_falling_back_to_finnish() == []


def test_the_list_names_a_finnish_only_text_of_a_nationwide_service() -> None:
    service = {
        "id": "x",
        "area": "nationwide",
        "name": {"fi": "Nimi", "sv": "Namn"},
        "summary": "Vain suomeksi.",
        "description": {"fi": "Kuvaus", "en": "Description"},
        "sessions": [
            {"key": "ryhma", "title": {"fi": "Ryhmä", "sv": "Grupp"}, "description": "Kuvaus"}
        ],
    }
    assert list(finnish_only(service, "service x")) == [
        "service x.summary",
        "service x.description",
        "service x.sessions[ryhma].description",
    ]


def test_bilingual_municipalities_need_swedish_and_finnish_speaking_ones_do_not() -> None:
    bilingual, counties = bilingual_municipalities(), county_municipalities()
    assert needs_swedish({"municipalities": ["091"]}, bilingual, counties)  # Helsinki
    assert needs_swedish({"counties": ["01"]}, bilingual, counties)  # East Uusimaa
    assert not needs_swedish({"municipalities": ["491"]}, bilingual, counties)  # Mikkeli
    assert not needs_swedish({"counties": ["12"]}, bilingual, counties)  # Etelä-Savo
