"""Children 0–17 per postal area follow the shipped population files."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from mapping import coverage
from services.models import PostalArea

pytestmark = pytest.mark.django_db

REFERENCE = Path(settings.BASE_DIR) / "services" / "data" / "reference"
CHILD_BANDS = [
    "0-2 years, 2018 (HE)",
    "3-6 years, 2018 (HE)",
    "7-12 years, 2018 (HE)",
    "13-15 years, 2018 (HE)",
    "16-17 years, 2018 (HE)",
]


def children_by_postal_code() -> dict[str, float]:
    """Population 2022 × the municipality's Paavo 2018 share of children 0–17."""
    with open(REFERENCE / "municipalities" / "municipality_changes_2020_2026.csv") as f:
        renamed = {row["old_code"]: row["new_code"] for row in csv.DictReader(f)}
    children: Counter[str] = Counter()
    inhabitants: Counter[str] = Counter()
    with open(REFERENCE / "population" / "paavo_municipality_demographics_2018.csv") as f:
        for row in csv.DictReader(f):
            code = renamed.get(row["code_2026"], row["code_2026"])
            inhabitants[code] += int(row["Inhabitants, total, 2018 (HE)"])
            children[code] += sum(int(row[band]) for band in CHILD_BANDS)
    with open(REFERENCE / "postal_codes" / "postal_areas_2025_merged.csv") as f:
        return {
            row["postal_code"]: int(row["population_2022"] or 0)
            * children[(code := renamed.get(row["municipality_code"], row["municipality_code"]))]
            / inhabitants[code]
            for row in csv.DictReader(f)
        }


def test_the_children_estimate_matches_the_population_files() -> None:
    expected = children_by_postal_code()
    stored = dict(PostalArea.objects.values_list("code", "children_estimate"))
    assert stored.keys() == expected.keys()
    for code, value in expected.items():
        assert stored[code] == pytest.approx(value, rel=1e-12, abs=1e-9), code


def test_the_nation_has_the_children_of_every_postal_area() -> None:
    total = sum(children_by_postal_code().values())
    nation = coverage.area_matrix()
    assert all(c.children == pytest.approx(total, rel=1e-12) for c in nation)
    # Around a million children 0–17 live in Finland.
    assert 900_000 < total < 1_200_000


def test_municipal_children_add_up_to_the_nation() -> None:
    municipalities = coverage.municipality_coverage(tier="DIGITAL", target_group="PARENTS")
    total = sum(m.children for m in municipalities)
    assert total == pytest.approx(coverage.area_matrix()[0].children, rel=1e-12)
