"""The choropleth: server-drawn SVG from the shipped boundaries, usable by keyboard and screen
reader, with the same numbers in the table beside it."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mapping import coverage
from mapping.maps import CLASSES, NO_CHILDREN, AreaValue, choropleth, class_for, project_geometry
from mapping.templatetags.mapping_format import percent
from services.models import Boundary, Municipality, WellbeingServicesCounty
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import ETELA_SAVO


def svg_of(page: str) -> str:
    match = re.search(r"<svg viewBox=.*?</svg>", page, re.S)
    assert match
    return match[0]


def map_links(svg: str) -> dict[str, str]:
    """Link target → accessible name of every area drawn."""
    return {
        html_module.unescape(href): html_module.unescape(label)
        for href, label in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', svg)
    }


def test_a_point_is_projected_to_the_finnish_national_grid() -> None:
    # Helsinki Cathedral: 60.1702 N, 24.9522 E ≈ 386.4 km east, 6672.1 km north (ETRS-TM35FIN).
    square = {
        "type": "Polygon",
        "coordinates": [
            [[24.9522, 60.1702], [24.9622, 60.1702], [24.9622, 60.1802], [24.9522, 60.1702]]
        ],
    }
    shape = project_geometry(square)
    min_x, min_y, _, _ = shape.bounds
    assert min_x == pytest.approx(386.4, abs=0.5)
    assert -shape.bounds[3] == pytest.approx(6672.1, abs=0.5)  # y grows southwards in SVG
    assert shape.path.startswith("M386.")
    assert shape.path.endswith("Z")


def test_an_area_with_a_hole_keeps_the_hole(db: None) -> None:
    espoo = Boundary.objects.get(kind=Boundary.Kind.MUNICIPALITY, code="049")
    assert len(espoo.geometry["coordinates"]) == 2  # Kauniainen lies inside Espoo
    assert project_geometry(espoo.geometry).path.count("M") == 2


@pytest.mark.parametrize(
    ("share", "key"),
    [
        (0.0, "zero"),
        (0.001, "low"),
        (0.499, "low"),
        (0.5, "mid"),
        (0.9, "high"),
        (0.999, "high"),
        (1.0, "full"),
        (None, "none"),
    ],
)
def test_each_share_falls_in_one_colour_class(share: float | None, key: str) -> None:
    assert class_for(share).key == key


def test_every_colour_class_has_its_own_texture_and_a_label() -> None:
    classes = [*CLASSES, NO_CHILDREN]
    assert len({colour_class.pattern for colour_class in classes}) == len(classes)
    assert all(str(colour_class.label) for colour_class in classes)


def test_the_county_map_draws_every_municipality_with_an_accessible_name(
    staff_client: Client, small_world: dict
) -> None:
    url = reverse("mapping:county", args=[ETELA_SAVO])
    page = staff_client.get(f"{url}?tier=SPECIALIST&target_group=PARENTS").content.decode()
    links = map_links(svg_of(page))
    cells = coverage.municipality_coverage(
        tier="SPECIALIST", target_group="PARENTS", county=ETELA_SAVO
    )
    assert len(links) == len(cells) == 11
    for cell in cells:
        label = f"{cell.name}: {percent(cell.coverage)} covered"
        target = reverse("mapping:municipality", args=[cell.code])
        (href,) = [href for href in links if href.startswith(target)]
        assert links[href] == label
        assert f"<title>{label}</title>" in html_module.unescape(page)
        # The table beside the map says the same.
        row = re.search(rf'<tr id="municipality-map-row-{cell.code}">(.*?)</tr>', page, re.S)[1]
        assert percent(cell.coverage) in row


def test_the_nation_map_draws_every_county(staff_client: Client, small_world: dict) -> None:
    url = reverse("mapping:nation")
    page = staff_client.get(
        f"{url}?tier=UNIVERSAL_INDIVIDUAL&target_group=PARENTS"
    ).content.decode()
    links = map_links(svg_of(page))
    assert len(links) == WellbeingServicesCounty.objects.count() == 23
    assert f"South Savo wellbeing services county: {percent(1.0)} covered" in links.values()


def test_the_map_is_drawn_with_plain_numbers_in_finnish_too(
    staff_client: Client, small_world: dict
) -> None:
    with translation.override("fi"):
        url = reverse("mapping:county", args=[ETELA_SAVO])
    svg = svg_of(staff_client.get(url).content.decode())
    view_box = re.search(r'viewBox="([^"]+)"', svg)[1]
    assert [float(number) for number in view_box.split()]
    for attribute in re.findall(r'(?:width|height|stroke-width|r)="([^"]+)"', svg):
        float(attribute)


def test_the_legend_names_each_class_in_words(staff_client: Client, small_world: dict) -> None:
    page = staff_client.get(reverse("mapping:nation")).content.decode()
    legend = re.search(r'<ul class="legend".*?</ul>', page, re.S)[0]
    for colour_class in [*CLASSES, NO_CHILDREN]:
        assert html_module.escape(str(colour_class.label)) in legend


def test_the_map_is_sized_to_the_areas_it_shows(db: None) -> None:
    codes = list(Municipality.objects.filter(county=ETELA_SAVO).values_list("code", flat=True))
    county_map = choropleth(
        kind=Boundary.Kind.MUNICIPALITY,
        values=[AreaValue(code=code, name=code, coverage=1.0, url="/") for code in codes],
        map_id="m",
    )
    whole = choropleth(
        kind=Boundary.Kind.COUNTY,
        values=[AreaValue(code=ETELA_SAVO, name="x", coverage=0.5, url="/")],
        map_id="c",
    )
    # Etelä-Savo is roughly 200 km across; a map of its municipalities is about as wide as
    # the county's own outline.
    assert 150 < county_map.width < 300
    assert county_map.width == pytest.approx(whole.width, abs=5)


def test_the_projected_boundaries_are_read_once(
    db: None, django_assert_num_queries: object
) -> None:
    cache.clear()
    values = [AreaValue(code=ETELA_SAVO, name="x", coverage=0.5, url="/")]
    with django_assert_num_queries(1):
        choropleth(kind=Boundary.Kind.COUNTY, values=values, map_id="a")
    with django_assert_num_queries(0):
        choropleth(kind=Boundary.Kind.COUNTY, values=values, map_id="b")


def test_an_area_without_a_boundary_is_listed_instead_of_drawn(db: None) -> None:
    result = choropleth(
        kind=Boundary.Kind.MUNICIPALITY,
        values=[AreaValue(code="999", name="Atlantis", coverage=0.5, url="/")],
        map_id="m",
    )
    assert result.areas == []
    assert result.missing == ["Atlantis"]


def selected(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)[0]
    return re.search(r'<option value="([^"]*)" selected>', select)[1]


def test_the_county_map_opens_on_the_support_most_children_live_without(
    staff_client: Client, small_world: dict
) -> None:
    page = staff_client.get(reverse("mapping:county", args=[ETELA_SAVO])).content.decode()
    cells = coverage.area_matrix(county=ETELA_SAVO)
    somewhere = [cell for cell in cells if cell.covered_children > 0 and cell.uncovered_children]
    best = max(somewhere, key=lambda cell: cell.uncovered_children)
    # Only Mikkeli has the specialist service: parents come first of the equal groups.
    assert (best.tier, best.target_group) == ("SPECIALIST", "PARENTS")
    assert (selected(page, "tier"), selected(page, "target_group")) == ("SPECIALIST", "PARENTS")
    assert "of the supports available somewhere in the county" in page
    # The map shows it, and the choice travels in every link of the map.
    assert "Coverage of specialist services × parents by municipality" in page
    links = map_links(svg_of(page))
    assert all("tier=SPECIALIST&target_group=PARENTS" in href for href in links)
    # The matrix marks the cell shown on the map.
    matrix = page[page.index('id="matrix-caption"') :]
    assert matrix.count('aria-current="true"') == 1
    assert 'target_group=PARENTS#map" aria-current="true"' in matrix


def test_a_choice_in_the_address_is_kept(staff_client: Client, small_world: dict) -> None:
    url = reverse("mapping:county", args=[ETELA_SAVO])
    page = staff_client.get(f"{url}?tier=UNIVERSAL_GROUP&target_group=COUPLES").content.decode()
    assert (selected(page, "tier"), selected(page, "target_group")) == (
        "UNIVERSAL_GROUP",
        "COUPLES",
    )
    assert "of the supports available somewhere" not in page
    # A tier alone: the target group with the most children without it in that tier.
    page = staff_client.get(f"{url}?tier=UNIVERSAL_INDIVIDUAL").content.decode()
    assert selected(page, "tier") == "UNIVERSAL_INDIVIDUAL"
    assert selected(page, "target_group") == "COUPLES"  # the first group the phone misses


def test_a_county_with_nothing_anywhere_opens_on_the_first_support_it_lacks(
    staff_client: Client, small_world: dict
) -> None:
    page = staff_client.get(reverse("mapping:county", args=["10"])).content.decode()
    assert (selected(page, "tier"), selected(page, "target_group")) == ("DIGITAL", "PARENTS")


def test_the_municipality_map_opens_on_what_its_county_has_and_it_lacks(
    staff_client: Client, small_world: dict
) -> None:
    page = staff_client.get(reverse("mapping:municipality", args=["740"])).content.decode()
    # Savonlinna lies beyond the reach of Mikkeli's specialist service.
    assert (selected(page, "tier"), selected(page, "target_group")) == ("SPECIALIST", "PARENTS")
