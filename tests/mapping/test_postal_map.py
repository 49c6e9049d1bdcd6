"""The municipality page's map: its postal code areas (Statistics Finland's Paavo boundaries,
shipped in the repository) covered or not for the chosen cell, service locations as points,
and the same numbers in the table."""

from __future__ import annotations

import html as html_module
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from mapping import coverage
from mapping.maps import POSTAL_AREAS_FILE, PostalAreaValue, postal_map
from mapping.views import ServicePoint, point_list
from services.models import Municipality, PostalArea
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import MIKKELI
from tests.mapping.worlds import make_service

KAUHAVA = "233"
SPECIALIST_PARENTS = "tier=SPECIALIST&target_group=PARENTS"


def postal_svg(page: str) -> str:
    start = page.index('<figure class="choropleth" id="postal-area-map">')
    return page[start : page.index("</figure>", start)]


def area_links(svg: str) -> dict[str, str]:
    return {
        html_module.unescape(href): html_module.unescape(label)
        for href, label in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', svg)
    }


@pytest.mark.django_db
def test_the_shipped_boundaries_are_the_reference_postal_areas_but_one() -> None:
    features = json.loads(POSTAL_AREAS_FILE.read_text(encoding="utf-8"))["features"]
    codes = {feature["properties"]["code"] for feature in features}
    reference = set(PostalArea.objects.values_list("code", flat=True))
    assert codes <= reference
    assert reference - codes == {"62370"}  # no area in the source: see SOURCE.md
    # Quantised to keep the repository small; every coordinate has at most 4 decimals.
    assert POSTAL_AREAS_FILE.stat().st_size < 1_200_000
    assert re.search(r"\d\.\d{5,}", POSTAL_AREAS_FILE.read_text(encoding="utf-8")[:200_000]) is None
    source = " ".join((POSTAL_AREAS_FILE.parent / "SOURCE.md").read_text(encoding="utf-8").split())
    assert "Statistics Finland, Paavo postal code area boundaries (CC BY 4.0)" in source


def test_the_municipality_map_draws_each_postal_area_covered_or_not(
    staff_client: Client, small_world: dict
) -> None:
    # A group in the town centre reaches 25 km: not the whole of Mikkeli.
    make_service(
        tier="UNIVERSAL_GROUP",
        channels=["GROUP"],
        municipalities=[MIKKELI],
        locations=[(61.6886, 27.2723)],
    )
    coverage.recompute()
    url = reverse("mapping:municipality", args=[MIKKELI])
    page = staff_client.get(f"{url}?tier=UNIVERSAL_GROUP&target_group=PARENTS").content.decode()
    cells = coverage.postal_areas(
        municipality=MIKKELI, tier="UNIVERSAL_GROUP", target_group="PARENTS"
    )
    assert {cell.covered for cell in cells} == {True, False}
    links = area_links(postal_svg(page))
    assert len(links) == len(cells)
    for cell in cells:
        label = links[f"#postal-area-{cell.code}"]
        if cell.covered:
            assert label == f"{cell.code} {cell.name}: covered, {cell.services} service available"
        else:
            assert label == f"{cell.code} {cell.name}: no service available"
        # The table beside the map has the same area, and the link leads to its row.
        assert f'<tr id="postal-area-{cell.code}"' in page
    legend = re.search(r'<ul class="legend".*?</ul>', page[page.index("postal-area-map") :], re.S)
    covered = sum(cell.covered for cell in cells)
    assert f'at least one service available <span class="muted">({covered})</span>' in legend[0]


def test_the_map_names_its_source_wherever_it_is_drawn(
    staff_client: Client, small_world: dict
) -> None:
    page = staff_client.get(reverse("mapping:municipality", args=[MIKKELI])).content.decode()
    assert "Statistics Finland, Paavo postal code areas, CC BY 4.0" in postal_svg(page)
    county = staff_client.get(reverse("mapping:county", args=["12"])).content.decode()
    assert "National Land Survey of Finland" in county


def test_service_locations_are_points_on_the_map_and_listed_beside_it(
    staff_client: Client, small_world: dict
) -> None:
    url = reverse("mapping:municipality", args=[MIKKELI])
    page = staff_client.get(f"{url}?{SPECIALIST_PARENTS}").content.decode()
    svg = postal_svg(page)
    assert len(re.findall(r"<circle cx=", svg)) == 1
    assert "<title>Perheneuvola</title>" in svg
    assert "1 service location on the map" in page
    assert "Perheneuvola – Hallituskatu 3, 50100" in page
    # The phone line is available too, but has no location to draw.
    phone = staff_client.get(f"{url}?tier=UNIVERSAL_INDIVIDUAL&target_group=PARENTS")
    assert "<circle cx=" not in postal_svg(phone.content.decode())


def test_an_area_without_a_boundary_is_listed_instead_of_drawn(
    staff_client: Client, small_world: dict
) -> None:
    assert PostalArea.objects.filter(code="62370", municipality_id=KAUHAVA).exists()
    page = staff_client.get(reverse("mapping:municipality", args=[KAUHAVA])).content.decode()
    missing = re.search(r"Not drawn \(no boundary\): ([^<]+)", postal_svg(page))
    assert missing and missing[1].strip() == "62370 Kangasto"
    assert '<tr id="postal-area-62370"' in page


@pytest.mark.django_db
def test_drawing_a_postal_area_map_reads_nothing_from_the_database(
    django_assert_num_queries: object,
) -> None:
    municipality = Municipality.objects.get(code=MIKKELI)
    values = [
        PostalAreaValue(code, name, 100.0, True, 1, f"#{code}")
        for code, name in PostalArea.objects.filter(municipality=municipality).values_list(
            "code", "name"
        )
    ]
    with django_assert_num_queries(0):
        drawn = postal_map(values=values, points=[(61.6886, 27.2723, "A")], map_id="m")
    assert len(drawn.areas) == len(values)
    assert len(drawn.points) == 1
    # Mikkeli is some 100 km across: the map is about that many kilometres wide.
    assert 60 < drawn.width < 160


@pytest.mark.django_db
def test_service_names_are_escaped_on_the_map_and_in_the_list_beside_it() -> None:
    values = [
        PostalAreaValue(code, name, 100.0, True, 1, f"#{code}")
        for code, name in PostalArea.objects.filter(municipality_id=MIKKELI).values_list(
            "code", "name"
        )
    ]
    name = '<b>"Perhe" & koti</b>'
    drawn = postal_map(values=values, points=[(61.6886, 27.2723, name)], map_id="m")
    escaped = "&lt;b&gt;&quot;Perhe&quot; &amp; koti&lt;/b&gt;"
    assert f"<title>{escaped}</title>" in drawn.points_svg
    listed = point_list([ServicePoint(name, "Hallituskatu 3 <i>", 61.6886, 27.2723)])
    assert listed == f"<li>{escaped} – Hallituskatu 3 &lt;i&gt;</li>"
