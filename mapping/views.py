"""The coordinator dashboard: coverage drill-down, map, gaps, what-if and the action plan.

The figures come from ``mapping.coverage`` (the engine); these views only choose, name and
arrange them. Every page works with GET forms and links alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from html import escape as escape_text
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import numpy as np
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import staff_view
from accounts.permissions import (
    can_edit_plan,
    can_view_mapping,
    may_change_action,
    plan_counties,
)
from mapping import coverage, exports
from mapping.forms import (
    DEFAULT_TARGET_GROUP,
    DEFAULT_TIER,
    ActionForm,
    GapFilterForm,
    PlanFilterForm,
    SelectionForm,
    WhatIfForm,
)
from mapping.gaps import (
    DEFAULT_SORT,
    Gap,
    GapOverview,
    MissingSupport,
    fold_parents,
    sorted_rows,
)
from mapping.gaps import uniformity as uniformity_of
from mapping.maps import (
    AreaValue,
    Choropleth,
    PostalAreaValue,
    choropleth,
    postal_area_bounds,
    postal_map,
)
from mapping.models import Action
from services.models import (
    EXAMPLE_SOURCES,
    Boundary,
    Channel,
    LifeSituation,
    Location,
    Municipality,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)
from services.views.common import query_without

GAPS_PER_PAGE = 100
# The county and municipality pages list their leading gaps; the gap list has them all.
GAPS_ON_AREA_PAGE = 10
# The county report fits one printed page.
GAPS_IN_REPORT = 6
NEXT_DUE_IN_REPORT = 3

View = Callable[..., HttpResponse]
T = TypeVar("T")


def mapping_view(view: View) -> View:
    """Coordinators and administrators (``staff_view``: log in first, second factor given,
    others get 403); one reading of the stored coverage per page."""

    @wraps(view)
    @staff_view(can_view_mapping)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with coverage.one_reading():
            return view(request, *args, **kwargs)

    return wrapper


def plan_editor_view(view: View) -> View:
    """The plan is changed by its county's coordinators (and administrators)."""

    @wraps(view)
    @mapping_view
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_plan(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def check_posted_municipality(request: HttpRequest) -> None:
    """A municipality outside the user's counties in a POST is refused outright (a forged
    form), not shown as a field error."""
    code = request.POST.get("municipality")
    counties = plan_counties(request.user)
    if code and counties is not None:
        county = Municipality.objects.filter(code=code[:10]).values_list("county_id", flat=True)
        if county and county[0] not in counties:
            raise PermissionDenied


# --------------------------------------------------------------------------------------------
# What every page needs: the taxonomies' names in the active language, in one query each.


@dataclass
class Taxonomy:
    tiers: list[Tier]
    target_groups: list[TargetGroup]
    life_situations: list[LifeSituation]
    counties: list[WellbeingServicesCounty]

    @classmethod
    def load(cls) -> Taxonomy:
        return cls(
            tiers=list(Tier.objects.all()),
            target_groups=list(TargetGroup.objects.all()),
            life_situations=list(LifeSituation.objects.all()),
            counties=list(WellbeingServicesCounty.objects.order_by("code")),
        )

    @staticmethod
    def choices(terms: Iterable[Any]) -> list[tuple[str, str]]:
        return [(term.code, str(term)) for term in terms]

    def names(self) -> dict[str, dict[str, str]]:
        return {
            "tier": {term.code: str(term) for term in self.tiers},
            "target_group": {term.code: str(term) for term in self.target_groups},
            "life_situation": {term.code: str(term) for term in self.life_situations},
            "county": {county.code: str(county) for county in self.counties},
        }

    def selection_form(self, data: Any) -> SelectionForm:
        return SelectionForm(
            data,
            tiers=self.choices(self.tiers),
            target_groups=self.choices(self.target_groups),
            life_situations=self.choices(self.life_situations),
        )


def selection_query(selection: dict[str, Any], **extra: str) -> str:
    """The query string that carries the selection to the next page."""
    values = {key: value for key, value in selection.items() if value}
    values.update({key: value for key, value in extra.items() if value})
    return urlencode(values)


@dataclass(frozen=True)
class Selection:
    """What a dashboard page shows: the lens (one life situation, services using a method
    rated at least N) and the tier × target group of its map, postal areas and trend."""

    life_situation: str | None
    min_rating: int | None
    tier: str
    target_group: str
    # The page chose the tier × target group (none, or not both, were in the address).
    chosen: bool = False

    @property
    def lens(self) -> dict[str, Any]:
        """Keyword arguments of the coverage reads."""
        return {"life_situation": self.life_situation, "min_rating": self.min_rating}

    def as_dict(self) -> dict[str, Any]:
        return {**self.lens, "tier": self.tier, "target_group": self.target_group}


def read_choices(request: HttpRequest, taxonomy: Taxonomy) -> tuple[SelectionForm, dict]:
    form = taxonomy.selection_form(request.GET)
    form.is_valid()
    return form, form.choices_made()


def leading_cell(
    cells: Sequence[coverage.Cell],
    reference: Sequence[coverage.Cell],
    *,
    tier: str | None = None,
    target_group: str | None = None,
) -> tuple[str, str]:
    """The tier × target group a map opens on: of the supports the ``reference`` area (the
    county) has somewhere, the one with the most children without it in the area shown;
    ties go by the taxonomy's order. A support missing everywhere would draw a map of one
    colour (it leads the gap list instead), so it is chosen only when every gap is one. A
    tier or a target group already chosen is kept."""
    available = {(cell.tier, cell.target_group) for cell in reference if cell.covered_children > 0}
    candidates = [
        cell
        for cell in cells
        if (tier is None or cell.tier == tier)
        and (target_group is None or cell.target_group == target_group)
        and cell.uncovered_children > 0
    ]
    for pool in (
        [cell for cell in candidates if (cell.tier, cell.target_group) in available],
        candidates,
    ):
        if pool:
            best = max(pool, key=lambda cell: cell.uncovered_children)  # the first of equals
            return best.tier, best.target_group
    return tier or DEFAULT_TIER, target_group or DEFAULT_TARGET_GROUP


def select(
    choices: dict[str, Any],
    cells: Sequence[coverage.Cell],
    reference: Sequence[coverage.Cell],
) -> Selection:
    tier, group = choices["tier"], choices["target_group"]
    chosen = tier is None or group is None
    if chosen:
        tier, group = leading_cell(cells, reference, tier=tier, target_group=group)
    return Selection(
        life_situation=choices["life_situation"],
        min_rating=choices["min_rating"],
        tier=tier,
        target_group=group,
        chosen=chosen,
    )


@dataclass(frozen=True)
class MatrixRow(Generic[T]):
    target_group: TargetGroup
    cells: list[T | None]


def by_tier(values: dict[tuple[str, str], T], taxonomy: Taxonomy) -> list[MatrixRow[T]]:
    """Target groups as rows (those with a value), tiers as columns, in taxonomy order;
    ``values`` by (tier code, target group code)."""
    groups = {group for _, group in values}
    return [
        MatrixRow(
            target_group=group,
            cells=[values.get((tier.code, group.code)) for tier in taxonomy.tiers],
        )
        for group in taxonomy.target_groups
        if group.code in groups
    ]


@dataclass(frozen=True)
class MatrixCell:
    """A coverage matrix cell as the page marks it: ``state`` is "full" (nobody without a
    service), "gap" (some children without one) or "missing" (nobody covered)."""

    cell: coverage.Cell
    state: str
    selected: bool


def matrix_rows(
    cells: Iterable[coverage.Cell], taxonomy: Taxonomy, selection: Selection | None = None
) -> list[MatrixRow[MatrixCell]]:
    def state(cell: coverage.Cell) -> str:
        if cell.uncovered_children <= 0:
            return "full"
        return "missing" if cell.covered_children <= 0 else "gap"

    return by_tier(
        {
            (cell.tier, cell.target_group): MatrixCell(
                cell=cell,
                state=state(cell),
                selected=selection is not None
                and (cell.tier, cell.target_group) == (selection.tier, selection.target_group),
            )
            for cell in cells
        },
        taxonomy,
    )


def uniformity_rows(
    cells: Iterable[coverage.UniformityCell], taxonomy: Taxonomy
) -> list[MatrixRow[coverage.UniformityCell]]:
    return by_tier({(cell.tier, cell.target_group): cell for cell in cells}, taxonomy)


def group_names(codes: Iterable[str], names: dict[str, str], same_for: Iterable[str] = ()) -> str:
    """ "parents (also mothers, fathers)" for a row that counts for several groups;
    ``same_for``: further groups with the same gap, named after it ("…, couples")."""
    first, *others = [names.get(code, code) for code in codes]
    if others:
        first = _("%(group)s (also %(others)s)") % {"group": first, "others": ", ".join(others)}
    return ", ".join([first, *(names.get(code, code) for code in same_for)])


@dataclass(frozen=True)
class GapRow:
    """An unequal gap (one place) as a table row."""

    rank: int
    gap: Gap
    tier: str
    target_group: str
    county: str
    actions: int
    add_url: str
    plan_url: str
    area_url: str


def gap_rows(
    gaps: Iterable[Gap],
    *,
    taxonomy: Taxonomy,
    lens: dict[str, Any],
    action_counts: dict[tuple[str, str, str], int],
    start: int = 1,
) -> list[GapRow]:
    names = taxonomy.names()
    add_url = reverse("mapping:action_add")
    plan_url = reverse("mapping:plan")
    municipality_url = reverse("mapping:municipality", args=["000"]).replace("000", "{}")
    rows = []
    for rank, gap in enumerate(gaps, start=start):
        query = {
            "municipality": gap.municipality,
            "tier": gap.tier,
            "target_group": gap.target_group,
        }
        if lens.get("life_situation"):
            query["life_situation"] = lens["life_situation"]
        rows.append(
            GapRow(
                rank=rank,
                gap=gap,
                tier=names["tier"].get(gap.tier, gap.tier),
                target_group=group_names(
                    (gap.target_group, *gap.also_for), names["target_group"], gap.same_for
                ),
                county=names["county"].get(gap.county, gap.county),
                actions=sum(
                    action_counts.get((gap.municipality, gap.tier, group), 0)
                    for group in gap.target_groups
                ),
                add_url=f"{add_url}?{urlencode(query)}",
                plan_url=f"{plan_url}?{urlencode({'municipality': gap.municipality})}",
                area_url=municipality_url.format(gap.municipality)
                + "?"
                + selection_query({**lens, "tier": gap.tier, "target_group": gap.target_group})
                + "#postal-areas",
            )
        )
    return rows


@dataclass(frozen=True)
class MissingRow:
    """A support missing in a county (everywhere, or in most of it) as a table row."""

    rank: int
    row: MissingSupport
    tier: str
    target_group: str
    county: str
    add_url: str
    area_url: str


def missing_rows(
    rows: Iterable[MissingSupport],
    *,
    taxonomy: Taxonomy,
    lens: dict[str, Any],
    municipality: str | None = None,
    start: int = 1,
) -> list[MissingRow]:
    names = taxonomy.names()
    add_url = reverse("mapping:action_add")
    county_url = reverse("mapping:county", args=["00"]).replace("00", "{}")
    result = []
    for rank, row in enumerate(rows, start=start):
        query = {"tier": row.tier, "target_group": row.target_group}
        if municipality:
            query["municipality"] = municipality
        if lens.get("life_situation"):
            query["life_situation"] = lens["life_situation"]
        result.append(
            MissingRow(
                rank=rank,
                row=row,
                tier=names["tier"].get(row.tier, row.tier),
                target_group=group_names(row.target_groups, names["target_group"]),
                county=names["county"].get(row.county, row.county),
                add_url=f"{add_url}?{urlencode(query)}",
                area_url=county_url.format(row.county)
                + "?"
                + selection_query({**lens, "tier": row.tier, "target_group": row.target_group})
                + "#map",
            )
        )
    return result


def open_action_counts(
    *, county: str | None = None, municipality: str | None = None, life_situation: str | None
) -> dict[tuple[str, str, str], int]:
    """Open actions per gap (municipality, tier, target group), in one query."""
    actions = Action.objects.open().filter(life_situation_id=life_situation)
    if county:
        actions = actions.in_county(county)
    if municipality:
        actions = actions.filter(municipality_id=municipality)
    rows = actions.values("municipality_id", "tier_id", "target_group_id").annotate(
        count=Count("pk")
    )
    return {
        (row["municipality_id"], row["tier_id"], row["target_group_id"]): row["count"]
        for row in rows
    }


def gap_sections(
    overview: GapOverview,
    *,
    taxonomy: Taxonomy,
    lens: dict[str, Any],
    action_counts: dict[tuple[str, str, str], int],
    municipality: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The leading rows of the three tables an area page shows (``limit`` of each)."""
    everywhere = [row for row in overview.missing if row.missing_everywhere]
    mostly = [row for row in overview.missing if not row.missing_everywhere]
    return {
        "overview": overview,
        "unequal_rows": gap_rows(
            overview.unequal[:limit], taxonomy=taxonomy, lens=lens, action_counts=action_counts
        ),
        "mostly_missing_rows": missing_rows(
            mostly[:limit], taxonomy=taxonomy, lens=lens, municipality=municipality
        ),
        "everywhere_rows": missing_rows(
            everywhere[:limit], taxonomy=taxonomy, lens=lens, municipality=municipality
        ),
        "unequal_count": len(overview.unequal),
        "mostly_missing_count": len(mostly),
        "everywhere_count": len(everywhere),
    }


@dataclass(frozen=True)
class TrendPoint:
    date: dt.date
    coverage: float
    x: float
    y: float


@dataclass(frozen=True)
class TrendChart:
    points: list[TrendPoint]
    polyline: str
    width: int
    height: int
    grid: list[tuple[int, float]]  # (percent, y)


TREND_WIDTH, TREND_HEIGHT, TREND_LEFT, TREND_TOP, TREND_BOTTOM = 600, 200, 48, 12, 28


def trend_chart(points: list[tuple[dt.date, float]]) -> TrendChart:
    """A line chart of coverage (0–100 %) over the monthly snapshots, in SVG coordinates."""
    inner_width = TREND_WIDTH - TREND_LEFT - 12
    inner_height = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    count = len(points)
    chart_points = []
    for index, (date, value) in enumerate(points):
        x = TREND_LEFT + (inner_width * index / (count - 1) if count > 1 else inner_width / 2)
        y = TREND_TOP + inner_height * (1 - max(0.0, min(1.0, value)))
        chart_points.append(TrendPoint(date=date, coverage=value, x=round(x, 1), y=round(y, 1)))
    grid = [(percent, TREND_TOP + inner_height * (1 - percent / 100)) for percent in (0, 50, 100)]
    return TrendChart(
        points=chart_points,
        polyline=" ".join(f"{point.x},{point.y}" for point in chart_points),
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        grid=grid,
    )


@dataclass(frozen=True)
class MapRow:
    code: str
    name: str
    url: str
    children: float
    covered_children: float
    uniformity: float | None = None

    @property
    def coverage(self) -> float:
        return self.covered_children / self.children if self.children > 0 else 1.0

    @property
    def uncovered_children(self) -> float:
        return max(self.children - self.covered_children, 0.0)


def map_for(kind: str, rows: list[MapRow], map_id: str) -> Choropleth:
    return choropleth(
        kind=kind,
        values=[
            AreaValue(
                code=row.code,
                name=row.name,
                coverage=row.coverage if row.children > 0 else None,
                url=row.url,
            )
            for row in rows
        ],
        map_id=map_id,
    )


def definitions_context(taxonomy: Taxonomy) -> dict[str, Any]:
    """What the definitions box says: reach distances, threshold, data years."""
    years = Municipality.objects.aggregate(
        population_from=Min("population_year"),
        population_to=Max("population_year"),
        share_from=Min("children_share_year"),
        share_to=Max("children_share_year"),
    )
    reach = settings.COVERAGE_REACH_KM
    return {
        "reach_rows": [(str(tier), reach.get(tier.code)) for tier in taxonomy.tiers],
        "threshold": settings.COVERAGE_GAP_THRESHOLD,
        "population_year": years["population_to"],
        "children_share_year": years["share_to"],
    }


def common_context(form: SelectionForm, selection: Selection, taxonomy: Taxonomy) -> dict[str, Any]:
    names = taxonomy.names()
    applied = selection.as_dict()
    return {
        "taxonomy": taxonomy,
        # The form as it applies: the page's choice in place of missing or invalid ones.
        "selection_form": taxonomy.selection_form(
            {key: "" if value is None else value for key, value in applied.items()}
        ),
        "selection_invalid": bool(form.errors),
        "selection": selection,
        "selection_query": selection_query(applied),
        "lens_query": selection_query(selection.lens),
        "selected_tier": names["tier"][selection.tier],
        "selected_target_group": names["target_group"][selection.target_group],
        "selected_life_situation": names["life_situation"].get(selection.life_situation or ""),
        "status": coverage.status(),
        "example_services": coverage.published_from(EXAMPLE_SOURCES),
        **definitions_context(taxonomy),
    }


# --------------------------------------------------------------------------------------------
# Drill-down: the nation, a county, a municipality.


def county_uniformity(cells: Iterable[coverage.MunicipalityCell]) -> dict[str, float | None]:
    """Uniformity of every county for one tier × target group, from one engine call.

    The same figure as ``coverage.uniformity()`` (``mapping.gaps.uniformity`` of the
    municipalities' coverage; None where nobody is covered), without one call per county.
    """
    by_county: dict[str, list[coverage.MunicipalityCell]] = defaultdict(list)
    for cell in cells:
        by_county[cell.county].append(cell)
    values = {
        county: float(
            uniformity_of(
                np.array([cell.coverage for cell in group]),
                np.array([cell.children for cell in group]),
            )
        )
        for county, group in by_county.items()
    }
    return {county: None if np.isnan(value) else value for county, value in values.items()}


@mapping_view
def nation(request: HttpRequest) -> HttpResponse:
    taxonomy = Taxonomy.load()
    form, choices = read_choices(request, taxonomy)
    lens = {"life_situation": choices["life_situation"], "min_rating": choices["min_rating"]}
    cells = coverage.area_matrix(**lens)
    selection = select(choices, cells, cells)
    context = common_context(form, selection, taxonomy)
    municipalities = coverage.municipality_coverage(
        tier=selection.tier, target_group=selection.target_group, **lens
    )
    uniformity = county_uniformity(municipalities)
    children: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    for cell in municipalities:
        children[cell.county] += cell.children
        covered[cell.county] += cell.covered_children
    rows = [
        MapRow(
            code=county.code,
            name=str(county),
            url=reverse("mapping:county", args=[county.code]) + f"?{context['selection_query']}",
            children=children[county.code],
            covered_children=covered[county.code],
            uniformity=uniformity.get(county.code),
        )
        for county in taxonomy.counties
    ]
    overview = coverage.gap_overview(**lens)
    context.update(
        {
            "matrix": matrix_rows(cells, taxonomy, selection),
            "map": map_for(Boundary.Kind.COUNTY, rows, "county-map"),
            "map_rows": rows,
            **gap_sections(
                overview,
                taxonomy=taxonomy,
                lens=lens,
                action_counts=open_action_counts(life_situation=lens["life_situation"]),
                limit=GAPS_ON_AREA_PAGE,
            ),
            "trend": trend_chart(
                coverage.trend(tier=selection.tier, target_group=selection.target_group)
            ),
            "area_name": _("Finland"),
        }
    )
    return render(request, "mapping/nation.html", context)


def county_data(request: HttpRequest, area: WellbeingServicesCounty) -> dict[str, Any]:
    """What the county page and the county report show."""
    taxonomy = Taxonomy.load()
    form, choices = read_choices(request, taxonomy)
    lens = {"life_situation": choices["life_situation"], "min_rating": choices["min_rating"]}
    cells = coverage.area_matrix(county=area.code, **lens)
    selection = select(choices, cells, cells)
    context = common_context(form, selection, taxonomy)
    municipalities = coverage.municipality_coverage(
        tier=selection.tier, target_group=selection.target_group, county=area.code, **lens
    )
    municipality_url = reverse("mapping:municipality", args=["000"]).replace("000", "{}")
    rows = sorted(
        (
            MapRow(
                code=cell.code,
                name=cell.name,
                url=municipality_url.format(cell.code) + f"?{context['selection_query']}",
                children=cell.children,
                covered_children=cell.covered_children,
            )
            for cell in municipalities
        ),
        key=lambda row: row.name,
    )
    overview = coverage.gap_overview(county=area.code, **lens)
    context.update(
        {
            "county": area,
            "area_name": str(area),
            "matrix": matrix_rows(cells, taxonomy, selection),
            "uniformity": uniformity_rows(coverage.uniformity(county=area.code, **lens), taxonomy),
            "map": map_for(Boundary.Kind.MUNICIPALITY, rows, "municipality-map"),
            "map_rows": rows,
            "trend": trend_chart(
                coverage.trend(
                    county=area.code, tier=selection.tier, target_group=selection.target_group
                )
            ),
        }
    )
    return {"context": context, "overview": overview, "taxonomy": taxonomy, "lens": lens}


@mapping_view
def county(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(WellbeingServicesCounty, code=code)
    data = county_data(request, area)
    context = data["context"]
    context.update(
        gap_sections(
            data["overview"],
            taxonomy=data["taxonomy"],
            lens=data["lens"],
            action_counts=open_action_counts(
                county=area.code, life_situation=data["lens"]["life_situation"]
            ),
            limit=GAPS_ON_AREA_PAGE,
        )
    )
    return render(request, "mapping/county.html", context)


@dataclass(frozen=True)
class ServicePoint:
    name: str
    address: str
    latitude: float
    longitude: float


def point_list(points: Sequence[ServicePoint]) -> SafeString:
    """The service locations of a map as list items (formatted here: there may be a
    thousand; the standard library's escaping is several times faster than ``format_html``)."""
    return mark_safe(  # noqa: S308 - every text is escaped
        "".join(
            f"<li>{escape_text(point.name)} – {escape_text(point.address)}</li>" for point in points
        )
    )


def service_points(postal_areas: Sequence[coverage.PostalAreaCell]) -> list[ServicePoint]:
    """Locations of the services available in these postal areas that lie on their map (one
    query). A location without coordinates stands at its postal area's centre, as in the
    coverage engine."""
    service_ids = sorted({i for cell in postal_areas for i in cell.service_ids})
    bounds = postal_area_bounds([cell.code for cell in postal_areas])
    if not service_ids or bounds is None:
        return []
    west, south, east, north = bounds
    near = Q(latitude__range=(south, north), longitude__range=(west, east)) | Q(
        latitude__isnull=True, postal_code__in=[cell.code for cell in postal_areas]
    )
    # Plain values, not model instances: a town can have a thousand service locations.
    languages = [code for code, _ in settings.LANGUAGES]
    position = {code: i for i, code in enumerate(languages)}
    rows = list(
        Location.objects.filter(near, service_id__in=service_ids)
        .order_by()
        .values_list(
            "latitude",
            "longitude",
            "postal_code",
            *(f"street_address_{code}" for code in languages),
            *(f"service__name_{code}" for code in languages),
        )
    )
    # The active language first, then the fallbacks of every translated text (fi → sv → en).
    order = [
        position[code]
        for code in dict.fromkeys([get_language(), *settings.MODELTRANSLATION_FALLBACK_LANGUAGES])
        if code in position
    ]

    def text(values: Sequence[str | None]) -> str:
        return next((values[i] for i in order if values[i]), "") or ""

    count = len(languages)
    centres = coverage.postal_area_centres({row[2] for row in rows if row[0] is None})
    points = []
    for latitude, longitude, postal_code, *texts in rows:
        if latitude is None or longitude is None:
            if postal_code not in centres:
                continue
            latitude, longitude = centres[postal_code]
        address = f"{text(texts[:count])}, {postal_code}".strip(", ")
        points.append(ServicePoint(text(texts[count:]), address, latitude, longitude))
    return sorted(points, key=lambda point: (point.name.casefold(), point.address))


@mapping_view
def municipality(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(Municipality.objects.select_related("county"), code=code)
    taxonomy = Taxonomy.load()
    form, choices = read_choices(request, taxonomy)
    lens = {"life_situation": choices["life_situation"], "min_rating": choices["min_rating"]}
    cells = coverage.area_matrix(municipality=area.code, **lens)
    # The county says which supports exist somewhere, for the map's first choice.
    selection = select(choices, cells, coverage.area_matrix(county=area.county_id, **lens))
    context = common_context(form, selection, taxonomy)
    cell = {"tier": selection.tier, "target_group": selection.target_group, **lens}
    postal_areas = coverage.postal_areas(municipality=area.code, **cell)
    accessibility = {
        access.code: access.value
        for access in coverage.accessibility(municipality=area.code, **cell)
    }
    points = service_points(postal_areas)
    context.update(
        {
            "municipality": area,
            "area_name": str(area),
            "matrix": matrix_rows(cells, taxonomy, selection),
            "postal_areas": [(cell, accessibility.get(cell.code)) for cell in postal_areas],
            "postal_children": sum(cell.children for cell in postal_areas),
            "postal_covered": sum(cell.children for cell in postal_areas if cell.covered),
            "postal_map": postal_map(
                values=[
                    PostalAreaValue(
                        code=cell.code,
                        name=cell.name,
                        children=cell.children,
                        covered=cell.covered,
                        services=cell.services,
                        url=f"#postal-area-{cell.code}",
                    )
                    for cell in postal_areas
                ],
                points=[(point.latitude, point.longitude, point.name) for point in points],
                map_id="postal-area-map",
            ),
            "service_points": points,
            "service_point_items": point_list(points),
            **gap_sections(
                coverage.gap_overview(municipality=area.code, **lens),
                taxonomy=taxonomy,
                lens=lens,
                action_counts=open_action_counts(
                    municipality=area.code, life_situation=lens["life_situation"]
                ),
                municipality=area.code,
                limit=GAPS_ON_AREA_PAGE,
            ),
            "trend": trend_chart(
                coverage.trend(
                    municipality=area.code,
                    tier=selection.tier,
                    target_group=selection.target_group,
                )
            ),
        }
    )
    return render(request, "mapping/municipality.html", context)


# --------------------------------------------------------------------------------------------
# The county report: one printable page for the regional board.


@dataclass(frozen=True)
class PlanStatus:
    """The county's action plan in figures."""

    by_status: list[tuple[str, int]]
    total: int
    overdue: int
    gap_closed: int
    next_due: list[Action]


def plan_status(county: str) -> PlanStatus:
    actions = list(Action.objects.with_names().in_county(county).order_by("due_date", "pk"))
    counts = Counter(action.status for action in actions)
    today = dt.date.today()
    closed = closed_action_ids(actions, county=county) if actions else set()
    return PlanStatus(
        by_status=[(label, counts.get(value, 0)) for value, label in Action.Status.choices],
        total=len(actions),
        overdue=sum(1 for action in actions if action.is_open and action.due_date < today),
        gap_closed=len(closed),
        next_due=[action for action in actions if action.is_open][:NEXT_DUE_IN_REPORT],
    )


def everywhere_by_tier(overview: GapOverview, taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """(tier name, the target groups no service reaches anywhere in the county) per tier."""
    names = taxonomy.names()
    groups: dict[str, list[str]] = defaultdict(list)
    for row in overview.missing:
        if row.missing_everywhere:
            groups[row.tier].append(group_names(row.target_groups, names["target_group"]))
    return [
        (str(tier), ", ".join(groups[tier.code])) for tier in taxonomy.tiers if groups[tier.code]
    ]


@dataclass(frozen=True)
class ReportCell:
    """A cell of the report's matrix: coverage and uniformity side by side."""

    item: MatrixCell
    uniformity: coverage.UniformityCell | None


@mapping_view
def county_report(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(WellbeingServicesCounty, code=code)
    data = county_data(request, area)
    context = data["context"]
    uniformity = {
        (row.target_group.code, tier.code): cell
        for row in context["uniformity"]
        for tier, cell in zip(data["taxonomy"].tiers, row.cells, strict=True)
    }
    context["report_matrix"] = [
        MatrixRow(
            target_group=row.target_group,
            cells=[
                ReportCell(item=item, uniformity=uniformity.get((row.target_group.code, tier.code)))
                if item is not None
                else None
                for tier, item in zip(data["taxonomy"].tiers, row.cells, strict=True)
            ],
        )
        for row in context["matrix"]
    ]
    context.update(
        gap_sections(
            data["overview"],
            taxonomy=data["taxonomy"],
            lens=data["lens"],
            action_counts=open_action_counts(
                county=area.code, life_situation=data["lens"]["life_situation"]
            ),
            limit=GAPS_IN_REPORT,
        )
    )
    context.update(
        {
            "plan_status": plan_status(area.code),
            "today": dt.date.today(),
            # The missing-everywhere supports of the report, by tier: one line each.
            "everywhere_by_tier": everywhere_by_tier(data["overview"], data["taxonomy"]),
        }
    )
    return render(request, "mapping/county_report.html", context)


# --------------------------------------------------------------------------------------------
# The gap list and its exports.


def gap_list_data(request: HttpRequest, taxonomy: Taxonomy) -> dict[str, Any]:
    form = GapFilterForm(
        request.GET,
        counties=taxonomy.choices(taxonomy.counties),
        life_situations=taxonomy.choices(taxonomy.life_situations),
    )
    form.is_valid()
    cleaned = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    county_code = cleaned.get("county") or None
    municipality = cleaned.get("municipality")
    lens = {
        "life_situation": cleaned.get("life_situation") or None,
        "min_rating": cleaned.get("min_rating"),
    }
    threshold = cleaned.get("threshold")
    scope = {
        "county": None if municipality else county_code,
        "municipality": municipality.code if municipality else None,
    }
    overview = coverage.gap_overview(
        **scope, **lens, threshold=threshold / 100 if threshold else None
    )
    names = taxonomy.names()
    if municipality:
        area_name = str(municipality)
    else:
        area_name = names["county"].get(county_code or "", _("Finland"))
    return {
        "filter_form": form,
        "county_code": county_code,
        "municipality_code": scope["municipality"],
        "area_name": area_name,
        "lens": lens,
        "life_situation_name": names["life_situation"].get(lens["life_situation"] or "", ""),
        "overview": overview,
        "sort": form.sort_key(),
        "action_counts": open_action_counts(**scope, life_situation=lens["life_situation"]),
    }


def paged(rows: Sequence[T], query: QueryDict, name: str) -> tuple[Page, str]:
    """One page of ``rows`` (the page number is ``name`` in the query), and the query
    string of the other pages without it."""
    page = Paginator(rows, GAPS_PER_PAGE).get_page(query.get(name))
    return page, query_without(query, name)


@mapping_view
def gap_list(request: HttpRequest) -> HttpResponse:
    taxonomy = Taxonomy.load()
    data = gap_list_data(request, taxonomy)
    overview, sort, lens = data["overview"], data["sort"], data["lens"]
    unequal, unequal_query = paged(sorted_rows(overview.unequal, sort), request.GET, "page")
    mostly = [row for row in overview.missing if not row.missing_everywhere]
    everywhere = [row for row in overview.missing if row.missing_everywhere]
    mostly_page, mostly_query = paged(sorted_rows(mostly, sort), request.GET, "mostly_page")
    everywhere_page, everywhere_query = paged(
        sorted_rows(everywhere, sort), request.GET, "everywhere_page"
    )
    pages = ("page", "mostly_page", "everywhere_page")
    municipality = data["municipality_code"]
    return render(
        request,
        "mapping/gap_list.html",
        {
            **data,
            "unequal_page": unequal,
            "unequal_query": unequal_query,
            "unequal_rows": gap_rows(
                unequal.object_list,
                taxonomy=taxonomy,
                lens=lens,
                action_counts=data["action_counts"],
                start=unequal.start_index() or 1,
            ),
            "mostly_page": mostly_page,
            "mostly_query": mostly_query,
            "mostly_missing_rows": missing_rows(
                mostly_page.object_list,
                taxonomy=taxonomy,
                lens=lens,
                municipality=municipality,
                start=mostly_page.start_index() or 1,
            ),
            "everywhere_page": everywhere_page,
            "everywhere_query": everywhere_query,
            "everywhere_rows": missing_rows(
                everywhere_page.object_list,
                taxonomy=taxonomy,
                lens=lens,
                municipality=municipality,
                start=everywhere_page.start_index() or 1,
            ),
            "unequal_count": len(overview.unequal),
            "mostly_missing_count": len(mostly),
            "everywhere_count": len(everywhere),
            "sort_query": query_without(request.GET, "sort", *pages),
            "filter_query": query_without(request.GET, *pages),
            "lens_query": selection_query(lens),
            "sortable": True,
            "default_sort": DEFAULT_SORT,
        },
    )


@mapping_view
def gap_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in exports.FORMATS:
        raise Http404
    taxonomy = Taxonomy.load()
    data = gap_list_data(request, taxonomy)
    overview, sort = data["overview"], data["sort"]
    mostly = [row for row in overview.missing if not row.missing_everywhere]
    everywhere = [row for row in overview.missing if row.missing_everywhere]
    table = exports.gap_table(
        sorted_rows(overview.unequal, sort),
        missing=[*sorted_rows(mostly, sort), *sorted_rows(everywhere, sort)],
        names=taxonomy.names(),
        life_situation=data["life_situation_name"],
        min_rating=data["lens"]["min_rating"],
        open_actions=data["action_counts"],
    )
    return exports.export_response(
        table, stem=_("gaps"), scope=data["area_name"], file_format=file_format
    )


# --------------------------------------------------------------------------------------------
# What-if.


@mapping_view
def what_if(request: HttpRequest) -> HttpResponse:
    taxonomy = Taxonomy.load()
    channels = list(Channel.objects.all())
    form = WhatIfForm(
        request.GET or None,
        tiers=taxonomy.choices(taxonomy.tiers),
        target_groups=taxonomy.choices(taxonomy.target_groups),
        channels=taxonomy.choices(channels),
        life_situations=taxonomy.choices(taxonomy.life_situations),
        counties=taxonomy.choices(taxonomy.counties),
        remote_channels={channel.code for channel in channels if channel.is_remote},
    )
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        service = coverage.HypotheticalService(
            tier=data["tier"],
            target_groups=data["target_groups"],
            channels=data["channels"],
            is_nationwide=data["is_nationwide"],
            counties=data["counties"],
            municipalities=data["municipalities"],
            locations=data["locations"],
            life_situations=data["life_situations"],
            capacity=data["capacity"],
        )
        try:
            result = coverage.what_if(service, county=data["county"] or None)
        except ValidationError as error:
            # The engine checks the codes again; show its reasons at the fields they concern.
            if hasattr(error, "error_dict"):
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
    names = taxonomy.names()
    context: dict[str, Any] = {"form": form, "result": result, "taxonomy": taxonomy}
    if result is not None:
        # A mothers' or fathers' gap that is only the parents' gap is one gap, closed once.
        context["closed_gaps"] = gap_rows(
            fold_parents(result.closed_gaps), taxonomy=taxonomy, lens={}, action_counts={}
        )
        context["narrowed_gaps"] = gap_rows(
            fold_parents(result.narrowed_gaps), taxonomy=taxonomy, lens={}, action_counts={}
        )
        context["changes"] = [
            {
                "change": change,
                "tier": names["tier"].get(change.tier, change.tier),
                "target_group": names["target_group"].get(change.target_group, change.target_group),
            }
            for change in result.cells_changed
        ]
    return render(request, "mapping/what_if.html", context)


# --------------------------------------------------------------------------------------------
# The action plan.


def closed_action_ids(actions: list[Action], *, county: str | None) -> set[int]:
    """Actions whose gap is no longer among the engine's gaps: the catalogue closed it.

    One call of ``gaps()`` per life situation the actions name (at most the taxonomy's size).
    """
    open_gaps: dict[str | None, set[tuple[str, str, str]]] = {}
    for life_situation in {action.life_situation_id for action in actions}:
        open_gaps[life_situation] = {
            (gap.municipality, gap.tier, gap.target_group)
            for gap in coverage.gaps(county=county, life_situation=life_situation)
        }
    return {
        action.pk
        for action in actions
        if (action.municipality_id, action.tier_id, action.target_group_id)
        not in open_gaps[action.life_situation_id]
    }


def plan_data(request: HttpRequest, taxonomy: Taxonomy) -> dict[str, Any]:
    form = PlanFilterForm(request.GET, counties=taxonomy.choices(taxonomy.counties))
    form.is_valid()
    cleaned = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    actions = Action.objects.with_names().order_by(
        "municipality__county_id", "municipality__name_fi", "due_date", "pk"
    )
    county_code = cleaned.get("county") or None
    if county_code:
        actions = actions.in_county(county_code)
    if cleaned.get("status"):
        actions = actions.filter(status=cleaned["status"])
    if cleaned.get("kind"):
        actions = actions.filter(kind=cleaned["kind"])
    municipality_code = request.GET.get("municipality", "")
    municipality_name = ""
    if municipality_code:
        found = Municipality.objects.filter(code=municipality_code).first()
        if found is None:
            form.add_error(
                None, _("Unknown municipality code: %(code)s.") % {"code": municipality_code[:10]}
            )
        else:
            municipality_name = str(found)
            actions = actions.filter(municipality_id=municipality_code)
    listed = list(actions)
    names = taxonomy.names()
    return {
        "filter_form": form,
        "county_code": county_code,
        "county_name": names["county"].get(county_code or "", _("Finland")),
        "municipality_name": municipality_name,
        "actions": listed,
        "closed": closed_action_ids(listed, county=county_code) if listed else set(),
        "today": dt.date.today(),
    }


@mapping_view
def plan(request: HttpRequest) -> HttpResponse:
    taxonomy = Taxonomy.load()
    data = plan_data(request, taxonomy)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mapping/plan.html",
        {
            **data,
            "filter_query": query.urlencode(),
            "can_edit": can_edit_plan(request.user),
            "editable": editable_actions(request, data["actions"]),
        },
    )


@mapping_view
def plan_print(request: HttpRequest) -> HttpResponse:
    taxonomy = Taxonomy.load()
    return render(request, "mapping/plan_print.html", plan_data(request, taxonomy))


@mapping_view
def plan_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in exports.FORMATS:
        raise Http404
    taxonomy = Taxonomy.load()
    data = plan_data(request, taxonomy)
    table = exports.plan_table(data["actions"], closed=data["closed"])
    return exports.export_response(
        table, stem=_("action plan"), scope=data["county_name"], file_format=file_format
    )


def editable_actions(request: HttpRequest, actions: list[Action]) -> set[int]:
    counties = plan_counties(request.user)
    return {
        action.pk
        for action in actions
        if counties is None or action.municipality.county_id in counties
    }


def after_save_url(action: Action) -> str:
    query = urlencode({"county": action.municipality.county_id})
    return f"{reverse('mapping:plan')}?{query}#action-{action.pk}"


@plan_editor_view
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest) -> HttpResponse:
    counties = plan_counties(request.user)
    if request.method == "POST":
        check_posted_municipality(request)
        form = ActionForm(request.POST, counties=counties)
        if form.is_valid():
            action = form.save(commit=False)
            action.created_by = request.user
            action.save()
            messages.success(request, _("The action was added to the plan."))
            return redirect(after_save_url(action))
    else:
        initial = {
            field: request.GET[field]
            for field in ("municipality", "tier", "target_group", "life_situation")
            if request.GET.get(field)
        }
        form = ActionForm(initial=initial, counties=counties)
    return render(request, "mapping/action_form.html", {"form": form, "action": None})


@plan_editor_view
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.with_names(), pk=pk)
    if not may_change_action(request.user, action):
        raise PermissionDenied
    counties = plan_counties(request.user)
    if request.method == "POST":
        check_posted_municipality(request)
        form = ActionForm(request.POST, instance=action, counties=counties)
        if form.is_valid():
            form.save()
            messages.success(request, _("The action was saved."))
            return redirect(after_save_url(action))
    else:
        form = ActionForm(instance=action, counties=counties)
    return render(request, "mapping/action_form.html", {"form": form, "action": action})


@plan_editor_view
@require_http_methods(["GET", "POST"])
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.with_names(), pk=pk)
    if not may_change_action(request.user, action):
        raise PermissionDenied
    if request.method == "POST":
        url = f"{reverse('mapping:plan')}?{urlencode({'county': action.municipality.county_id})}"
        action.delete()
        messages.success(request, _("The action was removed from the plan."))
        return redirect(url)
    return render(request, "mapping/action_confirm_delete.html", {"action": action})
