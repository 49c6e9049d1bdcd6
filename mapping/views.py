"""The coordinator dashboard: coverage drill-down, map, gaps, what-if and the action plan.

The figures come from ``mapping.coverage`` (the engine); these views only choose, name and
arrange them. Every page works with GET forms and links alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import numpy as np
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import can_edit_plan, can_view_mapping
from mapping import coverage, exports
from mapping.forms import (
    ActionForm,
    GapFilterForm,
    PlanFilterForm,
    SelectionForm,
    WhatIfForm,
)
from mapping.gaps import weighted_gini
from mapping.maps import AreaValue, Choropleth, choropleth
from mapping.models import Action
from services.models import (
    EXAMPLE_SOURCES,
    Boundary,
    Channel,
    LifeSituation,
    Municipality,
    SupportService,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)

GAPS_PER_PAGE = 100
# The county and municipality pages list their largest gaps; the gap list has them all.
GAPS_ON_AREA_PAGE = 25

View = Callable[..., HttpResponse]
T = TypeVar("T")


def mapping_view(view: View) -> View:
    """Anonymous visitors log in first; signed-in users without the right get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_view_mapping(request.user):
            raise PermissionDenied
        with coverage.one_reading():
            return view(request, *args, **kwargs)

    return wrapper


def plan_editor_view(view: View) -> View:
    @wraps(view)
    @mapping_view
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_plan(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


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


def selection_query(selection: dict[str, str | None], **extra: str) -> str:
    """The query string that carries the selection to the next page."""
    values = {key: value for key, value in selection.items() if value}
    values.update({key: value for key, value in extra.items() if value})
    return urlencode(values)


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


def matrix_rows(
    cells: Iterable[coverage.Cell], taxonomy: Taxonomy
) -> list[MatrixRow[coverage.Cell]]:
    return by_tier({(cell.tier, cell.target_group): cell for cell in cells}, taxonomy)


def uniformity_rows(
    cells: Iterable[coverage.UniformityCell], taxonomy: Taxonomy
) -> list[MatrixRow[float]]:
    return by_tier({(cell.tier, cell.target_group): cell.value for cell in cells}, taxonomy)


@dataclass(frozen=True)
class GapRow:
    rank: int
    gap: coverage.Gap
    tier: str
    target_group: str
    county: str
    actions: int
    add_url: str
    plan_url: str


def gap_rows(
    gaps: Iterable[coverage.Gap],
    *,
    taxonomy: Taxonomy,
    life_situation: str | None,
    action_counts: dict[tuple[str, str, str], int],
    start: int = 1,
) -> list[GapRow]:
    names = taxonomy.names()
    add_url = reverse("mapping:action_add")
    plan_url = reverse("mapping:plan")
    rows = []
    for rank, gap in enumerate(gaps, start=start):
        query = {
            "municipality": gap.municipality,
            "tier": gap.tier,
            "target_group": gap.target_group,
        }
        if life_situation:
            query["life_situation"] = life_situation
        rows.append(
            GapRow(
                rank=rank,
                gap=gap,
                tier=names["tier"].get(gap.tier, gap.tier),
                target_group=names["target_group"].get(gap.target_group, gap.target_group),
                county=names["county"].get(gap.county, gap.county),
                actions=action_counts.get((gap.municipality, gap.tier, gap.target_group), 0),
                add_url=f"{add_url}?{urlencode(query)}",
                plan_url=f"{plan_url}?{urlencode({'municipality': gap.municipality})}",
            )
        )
    return rows


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


def common_context(request: HttpRequest, taxonomy: Taxonomy) -> dict[str, Any]:
    form = taxonomy.selection_form(request.GET)
    form.is_valid()
    selection = form.selection()
    names = taxonomy.names()
    return {
        "taxonomy": taxonomy,
        # The form as it applies: defaults in place of missing or invalid choices.
        "selection_form": taxonomy.selection_form(selection),
        "selection_invalid": bool(form.errors),
        "selection": selection,
        "selection_query": selection_query(selection),
        "life_situation_query": selection_query({"life_situation": selection["life_situation"]}),
        "selected_tier": names["tier"][selection["tier"]],
        "selected_target_group": names["target_group"][selection["target_group"]],
        "selected_life_situation": names["life_situation"].get(selection["life_situation"] or ""),
        "status": coverage.status(),
        "example_services": SupportService.objects.published()
        .filter(source__in=EXAMPLE_SOURCES)
        .count(),
        **definitions_context(taxonomy),
    }


# --------------------------------------------------------------------------------------------
# Drill-down: the nation, a county, a municipality.


def county_uniformity(cells: Iterable[coverage.MunicipalityCell]) -> dict[str, float]:
    """Uniformity of every county for one tier × target group, from one engine call.

    The same figure as ``coverage.uniformity()`` (1 − the engine's children-weighted Gini of
    the municipalities' coverage), without one call per county.
    """
    by_county: dict[str, list[coverage.MunicipalityCell]] = defaultdict(list)
    for cell in cells:
        by_county[cell.county].append(cell)
    return {
        county: 1.0
        - float(
            weighted_gini(
                np.array([cell.coverage for cell in group]),
                np.array([cell.children for cell in group]),
            )
        )
        for county, group in by_county.items()
    }


@mapping_view
def nation(request: HttpRequest) -> HttpResponse:
    taxonomy = Taxonomy.load()
    context = common_context(request, taxonomy)
    selection = context["selection"]
    life_situation = selection["life_situation"]
    municipalities = coverage.municipality_coverage(
        tier=selection["tier"],
        target_group=selection["target_group"],
        life_situation=life_situation,
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
    gaps = coverage.gaps(life_situation=life_situation)
    context.update(
        {
            "matrix": matrix_rows(coverage.area_matrix(life_situation=life_situation), taxonomy),
            "map": map_for(Boundary.Kind.COUNTY, rows, "county-map"),
            "map_rows": rows,
            "gap_count": len(gaps),
            "gaps": gap_rows(
                gaps[:GAPS_ON_AREA_PAGE],
                taxonomy=taxonomy,
                life_situation=life_situation,
                action_counts=open_action_counts(life_situation=life_situation),
            ),
            "trend": trend_chart(
                coverage.trend(tier=selection["tier"], target_group=selection["target_group"])
            ),
            "area_name": _("Finland"),
        }
    )
    return render(request, "mapping/nation.html", context)


@mapping_view
def county(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(WellbeingServicesCounty, code=code)
    taxonomy = Taxonomy.load()
    context = common_context(request, taxonomy)
    selection = context["selection"]
    life_situation = selection["life_situation"]
    municipalities = coverage.municipality_coverage(
        tier=selection["tier"],
        target_group=selection["target_group"],
        county=area.code,
        life_situation=life_situation,
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
    gaps = coverage.gaps(county=area.code, life_situation=life_situation)
    context.update(
        {
            "county": area,
            "area_name": str(area),
            "matrix": matrix_rows(
                coverage.area_matrix(county=area.code, life_situation=life_situation), taxonomy
            ),
            "uniformity": uniformity_rows(
                coverage.uniformity(county=area.code, life_situation=life_situation), taxonomy
            ),
            "map": map_for(Boundary.Kind.MUNICIPALITY, rows, "municipality-map"),
            "map_rows": rows,
            "gap_count": len(gaps),
            "gaps": gap_rows(
                gaps[:GAPS_ON_AREA_PAGE],
                taxonomy=taxonomy,
                life_situation=life_situation,
                action_counts=open_action_counts(county=area.code, life_situation=life_situation),
            ),
            "trend": trend_chart(
                coverage.trend(
                    county=area.code,
                    tier=selection["tier"],
                    target_group=selection["target_group"],
                )
            ),
        }
    )
    return render(request, "mapping/county.html", context)


@mapping_view
def municipality(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(Municipality.objects.select_related("county"), code=code)
    taxonomy = Taxonomy.load()
    context = common_context(request, taxonomy)
    selection = context["selection"]
    life_situation = selection["life_situation"]
    gaps = coverage.gaps(municipality=area.code, life_situation=life_situation)
    cell = {
        "tier": selection["tier"],
        "target_group": selection["target_group"],
        "life_situation": life_situation,
    }
    postal_areas = coverage.postal_areas(municipality=area.code, **cell)
    accessibility = {
        access.code: access.value
        for access in coverage.accessibility(municipality=area.code, **cell)
    }
    context.update(
        {
            "municipality": area,
            "area_name": str(area),
            "matrix": matrix_rows(
                coverage.area_matrix(municipality=area.code, life_situation=life_situation),
                taxonomy,
            ),
            "postal_areas": [(cell, accessibility.get(cell.code)) for cell in postal_areas],
            "postal_children": sum(cell.children for cell in postal_areas),
            "postal_covered": sum(cell.children for cell in postal_areas if cell.covered),
            "gap_count": len(gaps),
            "gaps": gap_rows(
                gaps[:GAPS_ON_AREA_PAGE],
                taxonomy=taxonomy,
                life_situation=life_situation,
                action_counts=open_action_counts(
                    municipality=area.code, life_situation=life_situation
                ),
            ),
            "trend": trend_chart(
                coverage.trend(
                    municipality=area.code,
                    tier=selection["tier"],
                    target_group=selection["target_group"],
                )
            ),
        }
    )
    return render(request, "mapping/municipality.html", context)


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
    life_situation = cleaned.get("life_situation") or None
    threshold = cleaned.get("threshold")
    gaps = coverage.gaps(
        county=None if municipality else county_code,
        municipality=municipality.code if municipality else None,
        life_situation=life_situation,
        threshold=threshold / 100 if threshold else None,
    )
    names = taxonomy.names()
    if municipality:
        area_name = str(municipality)
    else:
        area_name = names["county"].get(county_code or "", _("Finland"))
    return {
        "filter_form": form,
        "county_code": county_code,
        "area_name": area_name,
        "life_situation": life_situation,
        "life_situation_name": names["life_situation"].get(life_situation or "", ""),
        "gaps": gaps,
        "action_counts": open_action_counts(
            county=None if municipality else county_code,
            municipality=municipality.code if municipality else None,
            life_situation=life_situation,
        ),
    }


@mapping_view
def gap_list(request: HttpRequest) -> HttpResponse:
    taxonomy = Taxonomy.load()
    data = gap_list_data(request, taxonomy)
    page = Paginator(data["gaps"], GAPS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mapping/gap_list.html",
        {
            **data,
            "page": page,
            "rows": gap_rows(
                page.object_list,
                taxonomy=taxonomy,
                life_situation=data["life_situation"],
                action_counts=data["action_counts"],
                start=page.start_index() or 1,
            ),
            "filter_query": query.urlencode(),
            "life_situation_query": selection_query({"life_situation": data["life_situation"]}),
        },
    )


@mapping_view
def gap_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in exports.FORMATS:
        raise Http404
    taxonomy = Taxonomy.load()
    data = gap_list_data(request, taxonomy)
    table = exports.gap_table(
        data["gaps"],
        names=taxonomy.names(),
        life_situation=data["life_situation_name"],
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
        context["closed_gaps"] = gap_rows(
            result.closed_gaps,
            taxonomy=taxonomy,
            life_situation=None,
            action_counts={},
        )
        context["narrowed_gaps"] = gap_rows(
            result.narrowed_gaps,
            taxonomy=taxonomy,
            life_situation=None,
            action_counts={},
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
        {**data, "filter_query": query.urlencode(), "can_edit": can_edit_plan(request.user)},
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


def after_save_url(action: Action) -> str:
    query = urlencode({"county": action.municipality.county_id})
    return f"{reverse('mapping:plan')}?{query}#action-{action.pk}"


@plan_editor_view
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ActionForm(request.POST)
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
        form = ActionForm(initial=initial)
    return render(request, "mapping/action_form.html", {"form": form, "action": None})


@plan_editor_view
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.with_names(), pk=pk)
    if request.method == "POST":
        form = ActionForm(request.POST, instance=action)
        if form.is_valid():
            form.save()
            messages.success(request, _("The action was saved."))
            return redirect(after_save_url(action))
    else:
        form = ActionForm(instance=action)
    return render(request, "mapping/action_form.html", {"form": form, "action": action})


@plan_editor_view
@require_http_methods(["GET", "POST"])
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.with_names(), pk=pk)
    if request.method == "POST":
        url = f"{reverse('mapping:plan')}?{urlencode({'county': action.municipality.county_id})}"
        action.delete()
        messages.success(request, _("The action was removed from the plan."))
        return redirect(url)
    return render(request, "mapping/action_confirm_delete.html", {"action": action})
