"""Coverage of support services: what the dashboard, the API and the exports read.

Definitions (PRODUCT.md "Mapping"; shown on the dashboard):

- A **published** service is **available** to a postal area when the area's municipality is in
  the service's area served (nationwide counts everywhere; a county counts for its
  municipalities) **and** either the service has a remote channel (``Channel.is_remote``) or
  makes home visits (channel ``HOME_VISIT``), or one of its locations lies within the reach
  distance of the postal area's centre. Distances are great-circle distances on a sphere of
  radius 6,371.0088 km (the mean Earth radius). Reach per tier: ``settings.COVERAGE_REACH_KM``
  (25 km for the universal tiers and for DIGITAL, 60 km for SPECIALIST). A location without
  coordinates stands at the centre of its postal area (``Location.postal_code``); one whose
  postal code is unknown is left out.
- Draft, pending-review and archived services count for nothing.
- A service counts for every target group it lists. One listing PARENTS counts for MOTHERS and
  FATHERS too; one listing no target group ("all parents") counts for PARENTS, MOTHERS and
  FATHERS — and for no other group: a service meant for all parents is not, by itself, a
  service for couples, fathers-to-be in a stepfamily or grandparents.
- Estimated children 0–17 of a postal area: ``PostalArea.children_estimate``.
- **Coverage** of a municipality, county or the nation for (tier, target group): the share of
  its estimated children who live in postal areas where at least one service is available.
  With no children at all, coverage is 1 (nobody is left uncovered).
- A **gap**: a (municipality, tier, target group) whose coverage is below the threshold
  (``settings.COVERAGE_GAP_THRESHOLD``, default 1.0: any uncovered children). Gaps rank by
  uncovered children, then by the week's searches there that found nothing local.
- **Uniformity** of a county for (tier, target group): 1 − the children-weighted Gini
  coefficient of its municipalities' coverage (see ``mapping.gaps.weighted_gini``).
- ``life_situation``: every figure can be narrowed to one life situation; only services that
  list it count.
- ``min_rating`` (the evidence-based lens): every figure can be narrowed to services that use
  an evidence-based method rated at least this (Itla's Kasvun tuki scale, 1–5); an unrated
  method counts for no rating.
- The gap lists sort gaps into two kinds, *missing in the county* and *unequal*
  (``mapping.gaps``; ``gap_overview()``).

Results are computed by ``mapping.engine`` and stored as one row (``CoverageState``); every read
function here costs a constant number of queries, whatever the size of the catalogue. Call
``recompute()`` after changing the catalogue outside ``services.changes.catalogue_changed``
(e.g. in tests that build a small world with factories).
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language, gettext

from mapping.accessibility import PER_CHILDREN, e2sfca, gaussian_sigma_km
from mapping.engine import (
    CatalogueInput,
    State,
    build_services,
    compute_state,
    count_services,
    update_state,
)
from mapping.gaps import (
    Gap,
    GapOverview,
    UnmetSearches,
    sort_into_kinds,
    week_start,
)
from mapping.gaps import uniformity as uniformity_of
from mapping.models import CoverageSnapshot, CoverageState
from services import availability
from services.models import (
    Channel,
    Method,
    Municipality,
    PostalArea,
    SupportService,
    TargetGroup,
    Tier,
)
from services.models.geography import FINLAND_LAT, FINLAND_LON

T = TypeVar("T")

# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Cell:
    """Coverage of one tier × target group over an area (nation, county or municipality)."""

    tier: str
    target_group: str
    children: float
    covered_children: float
    services: int  # distinct available services reaching at least one postal area of the area

    @property
    def coverage(self) -> float:
        return self.covered_children / self.children if self.children > 0 else 1.0

    @property
    def uncovered_children(self) -> float:
        return max(self.children - self.covered_children, 0.0)


@dataclass(frozen=True)
class PostalAreaCell:
    """One postal area for one tier × target group."""

    code: str
    name: str
    children: float
    covered: bool
    services: int
    service_ids: tuple[int, ...]


@dataclass(frozen=True)
class MunicipalityCell:
    """One municipality for one tier × target group (the map and its table)."""

    code: str
    name: str
    county: str
    children: float
    covered_children: float

    @property
    def coverage(self) -> float:
        return self.covered_children / self.children if self.children > 0 else 1.0

    @property
    def uncovered_children(self) -> float:
        return max(self.children - self.covered_children, 0.0)


@dataclass(frozen=True)
class UniformityCell:
    tier: str
    target_group: str
    # 1 − children-weighted Gini of municipal coverage; 1 = perfectly even. None where it
    # says nothing, and ``reason`` says why in a few words: the county has no children, or
    # nobody is covered anywhere in it.
    value: float | None
    reason: str = ""


@dataclass(frozen=True)
class AccessibilityCell:
    """E2SFCA accessibility of one postal area: capacity per 1,000 children within reach."""

    code: str
    name: str
    municipality: str
    children: float
    value: float


@dataclass(frozen=True)
class Status:
    """When the stored results were computed, for the dashboard's footer."""

    version: int
    computed_at: dt.datetime
    full_computed_at: dt.datetime
    services: int


@dataclass
class HypotheticalService:
    """A service someone might start: nothing is saved.

    ``tier``, ``target_groups``, ``channels`` and ``life_situations`` are taxonomy codes;
    ``counties`` and ``municipalities`` are area codes; ``locations`` are (latitude, longitude)
    pairs in WGS84 degrees. ``capacity`` (optional) is per location, for accessibility.
    """

    tier: str
    target_groups: Sequence[str] = ()
    channels: Sequence[str] = ()
    is_nationwide: bool = False
    counties: Sequence[str] = ()
    municipalities: Sequence[str] = ()
    locations: Sequence[tuple[float, float]] = ()
    life_situations: Sequence[str] = ()
    capacity: int | None = None


@dataclass(frozen=True)
class CellChange:
    """A (municipality, tier, target group) whose covered children would change."""

    municipality: str
    municipality_name: str
    county: str
    tier: str
    target_group: str
    children: float
    covered_before: float
    covered_after: float

    @property
    def coverage_before(self) -> float:
        return self.covered_before / self.children if self.children > 0 else 1.0

    @property
    def coverage_after(self) -> float:
        return self.covered_after / self.children if self.children > 0 else 1.0


@dataclass
class WhatIf:
    """What a hypothetical service would change.

    ``closed_gaps``: gaps (as they are now) that it would close completely.
    ``narrowed_gaps``: gaps it would shrink without closing (as they are now).
    ``newly_covered_children``: children in postal areas that now have no service of the tier
    for at least one of its target groups and would have one (counted once per postal area).
    ``reached_children``: children in all postal areas the service would be available to.
    ``cells_changed``: every municipality × tier × target group whose coverage changes.
    ``postal_areas``: codes of the postal areas it would be available to.
    """

    closed_gaps: list[Gap] = field(default_factory=list)
    narrowed_gaps: list[Gap] = field(default_factory=list)
    newly_covered_children: float = 0.0
    reached_children: float = 0.0
    cells_changed: list[CellChange] = field(default_factory=list)
    postal_areas: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Stored results and the in-process cache of decoded results

STATE_PK = 1
# Decoded results of this process, and values derived from them (views narrowed to a life
# situation take about 3 MB each, the others kilobytes).
_cache: dict[str, object] = {"token": None, "state": None}
_views: OrderedDict[tuple, object] = OrderedDict()
_derived: OrderedDict[tuple, object] = OrderedDict()
_SIZES = ((_views, 8), (_derived, 64))
_lock = threading.Lock()


def _remember(token: uuid.UUID | None, state: State | None) -> None:
    if state is not None:
        state.token = token
    with _lock:
        _cache["token"], _cache["state"] = token, state
        _views.clear()
        _derived.clear()


def _derive(state: State, key: tuple, make: Callable[[], T], *, view: bool = False) -> T:
    """A value computed from ``state``, kept while it stays the current one."""
    cache, size = _SIZES[0] if view else _SIZES[1]
    key = (state.token, *key)
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]  # type: ignore[return-value]
    value = make()
    with _lock:
        if state.token == _cache["token"]:
            cache[key] = value
            while len(cache) > size:
                cache.popitem(last=False)
    return value


def _status_of(row: tuple) -> Status:
    _, version, computed_at, full_computed_at, services = row
    return Status(
        version=version,
        computed_at=computed_at,
        full_computed_at=full_computed_at,
        services=services,
    )


_STATUS_FIELDS = ("token", "version", "computed_at", "full_computed_at", "services")


@dataclass
class _Reading:
    row: tuple | None = None
    state: State | None = None
    rated: dict[int, np.ndarray] = field(default_factory=dict)
    names: dict[tuple, dict[str, str]] = field(default_factory=dict)


# Set by ``one_reading()``: what the reads inside it share.
_reading: ContextVar[_Reading | None] = ContextVar("coverage_reading", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """Inside it, every read function sees the same stored results, read from the database
    once: the figures of one page agree with each other even when a recomputation lands while
    the page is being made, and a page costs one query for them instead of one per read."""
    if _reading.get() is not None:
        yield
        return
    pinned = _reading.set(_Reading())
    try:
        yield
    finally:
        _reading.reset(pinned)


def _stored_row() -> tuple | None:
    reading = _reading.get()
    if reading is not None and reading.row is not None:
        return reading.row
    row = CoverageState.objects.filter(pk=STATE_PK).values_list(*_STATUS_FIELDS).first()
    if reading is not None:
        reading.row = row
    return row


def _load() -> tuple[State, uuid.UUID] | None:
    """The stored state (one query when the decoded state is cached, two otherwise)."""
    row = _stored_row()
    if row is None:
        return None
    token = row[0]
    if _cache["token"] == token:
        return _cache["state"], token  # type: ignore[return-value]
    data = (
        CoverageState.objects.filter(pk=STATE_PK, token=token)
        .values_list("data", flat=True)
        .first()
    )
    state = State.from_bytes(data) if data is not None else None
    if state is None:
        return None
    _remember(token, state)
    return state, token


def _state() -> State:
    """The current state; computed and stored first if there is none (a fresh database)."""
    reading = _reading.get()
    if reading is not None and reading.state is not None:
        return reading.state
    loaded = _load()
    if loaded is None:
        if reading is not None:
            reading.row = None
        recompute()
        loaded = _load()
        assert loaded is not None
    if reading is not None:
        reading.state = loaded[0]
    return loaded[0]


def _store(state: State, *, expected: uuid.UUID | None, full: bool) -> Status | None:
    """Replace the stored state; with ``expected``, only if it is still the stored one."""
    now = timezone.now()
    token = uuid.uuid4()
    values: dict[str, object] = {
        "token": token,
        "computed_at": now,
        "services": len(state.services),
        "data": state.to_bytes(),
    }
    if full:
        values["full_computed_at"] = now
    rows = CoverageState.objects.filter(pk=STATE_PK)
    if expected is not None:
        rows = rows.filter(token=expected)
    updated = rows.update(version=F("version") + 1, **values)
    if not updated:
        if expected is not None:
            return None
        try:
            with transaction.atomic():
                CoverageState.objects.create(
                    pk=STATE_PK, version=1, **{"full_computed_at": now, **values}
                )
        except IntegrityError:
            CoverageState.objects.filter(pk=STATE_PK).update(version=F("version") + 1, **values)
    _remember(token, state)
    row = _stored_row()
    assert row is not None
    return _status_of(row)


# --------------------------------------------------------------------------------------------
# Views of the state: all services, or those of one life situation


RATINGS = tuple(Method.Rating.values)


@dataclass(frozen=True)
class _Lens:
    """Which services count: those listing a life situation, those using a method rated at
    least ``min_rating`` (``rated`` holds their ids), or all."""

    life_situation: str | None = None
    min_rating: int | None = None
    rated: np.ndarray | None = None

    @property
    def key(self) -> tuple:
        # The ids themselves: a method's rating may change between two pages.
        rated = None if self.rated is None else self.rated.tobytes()
        return (self.life_situation, self.min_rating, rated)


def _rated_services(min_rating: int) -> np.ndarray:
    """Ids of the services using a method rated at least ``min_rating``: one query, once per
    reading (ratings are read fresh, never kept in the stored results)."""
    reading = _reading.get()
    if reading is not None and min_rating in reading.rated:
        return reading.rated[min_rating]
    ids = np.unique(
        np.array(
            SupportService.methods.through.objects.filter(
                method__rating__gte=min_rating
            ).values_list("supportservice_id", flat=True),
            dtype=np.int64,
        )
    )
    if reading is not None:
        reading.rated[min_rating] = ids
    return ids


def _lens(life_situation: str | None = None, min_rating: int | None = None) -> _Lens:
    rated = None if min_rating is None else _rated_services(min_rating)
    return _Lens(life_situation=life_situation, min_rating=min_rating, rated=rated)


@dataclass
class _View:
    rows: np.ndarray  # service rows that count
    counts: np.ndarray  # (T, G, P) available services
    covered: np.ndarray  # (T, G, P) children of postal areas with >= 1 service
    municipality_covered: np.ndarray  # (T, G, M)
    municipality_children: np.ndarray  # (M,)
    key: tuple = ()


def _view(state: State, lens: _Lens) -> _View:
    def make() -> _View:
        geography, taxonomy = state.geography, state.taxonomy
        rows = np.arange(len(state.services))
        if lens.life_situation is not None:
            rows = rows[state.services.life[rows, taxonomy.life_index[lens.life_situation]]]
        if lens.rated is not None:
            rows = rows[np.isin(state.services.ids[rows], lens.rated)]
        if lens.life_situation is None and lens.rated is None:
            counts = state.counts
        else:
            counts = count_services(state.services, geography.size, len(taxonomy.tiers), rows)
        covered = np.where(counts > 0, geography.children, 0.0)
        tiers, groups, size = covered.shape
        # One product for covered and all children, so that a fully covered municipality
        # sums to exactly its children.
        stacked = np.vstack((covered.reshape(tiers * groups, size), geography.children))
        sums = np.asarray(geography.municipality_indicator.T @ stacked.T).T
        municipality_children = sums[-1]
        municipality_covered = np.minimum(
            sums[:-1].reshape(tiers, groups, -1), municipality_children
        )
        return _View(rows, counts, covered, municipality_covered, municipality_children, lens.key)

    return _derive(state, ("view", *lens.key), make, view=True)


def _check_codes(
    state: State,
    *,
    tier: str | None = None,
    target_group: str | None = None,
    life_situation: str | None = None,
    county: str | None = None,
    municipality: str | None = None,
    min_rating: int | None = None,
) -> None:
    """ValueError naming the first unknown code."""
    for value, known, what in (
        (tier, state.taxonomy.tier_index, "tier"),
        (target_group, state.taxonomy.group_index, "target group"),
        (life_situation, state.taxonomy.life_index, "life situation"),
        (county, state.geography.county_index, "county"),
        (municipality, state.geography.municipality_index, "municipality"),
        (min_rating, RATINGS, "method rating"),
    ):
        if value is not None and value not in known:
            raise ValueError(f"Unknown {what}: {value!r}")


def _coverage(covered: np.ndarray, children: np.ndarray) -> np.ndarray:
    return np.divide(
        covered, children, out=np.ones(np.broadcast(covered, children).shape), where=children > 0
    )


def _reaching(state: State, view: _View, area: slice) -> np.ndarray:
    """(T, G) distinct services of the view available to at least one postal area of ``area``."""

    def make() -> np.ndarray:
        services = state.services
        rows = view.rows
        if area == slice(0, state.geography.size):
            reaches = services.footprints[rows].any(axis=1)
        else:
            first, last = area.start // 8, (area.stop + 7) // 8
            bits = np.unpackbits(services.footprints[rows, first:last], axis=1)
            offset = area.start - first * 8
            reaches = bits[:, offset : offset + area.stop - area.start].any(axis=1)
        tiers = len(state.taxonomy.tiers)
        one_hot = np.zeros((len(rows), tiers), dtype=np.int64)
        one_hot[np.arange(len(rows)), services.tier[rows]] = 1
        return (one_hot[reaches].T @ services.groups[rows][reaches].astype(np.int64)).astype(int)

    return _derive(state, ("reaching", *view.key, area.start, area.stop), make)


# --------------------------------------------------------------------------------------------
# Reading


def status() -> Status | None:
    """When the stored results were computed; None before the first computation. One query."""
    row = _stored_row()
    return _status_of(row) if row is not None else None


def published_from(sources: Collection[str]) -> int:
    """How many published services of these sources the stored results count (the
    dashboard's notice of example content): one query per stored result and process, as the
    count changes only with a catalogue change, which stores new results."""
    state = _state()
    return _derive(
        state,
        ("published from", *sorted(sources)),
        lambda: SupportService.objects.published().filter(source__in=list(sources)).count(),
    )


def area_matrix(
    *,
    county: str | None = None,
    municipality: str | None = None,
    life_situation: str | None = None,
    min_rating: int | None = None,
) -> list[Cell]:
    """Tiers × target groups (taxonomy order, tier-major) for the nation, a county or a
    municipality (give at most one of ``county`` and ``municipality``). ValueError for an
    unknown code."""
    state = _state()
    _check_codes(
        state,
        county=county,
        municipality=municipality,
        life_situation=life_situation,
        min_rating=min_rating,
    )
    area = state.geography.area_slice(county=county, municipality=municipality)
    view = _view(state, _lens(life_situation, min_rating))
    children = float(state.geography.children[area].sum())
    covered = np.minimum(view.covered[:, :, area].sum(axis=2), children)
    reaching = _reaching(state, view, area)
    return [
        Cell(
            tier=tier,
            target_group=group,
            children=children,
            covered_children=float(covered[t, g]),
            services=int(reaching[t, g]),
        )
        for t, tier in enumerate(state.taxonomy.tiers)
        for g, group in enumerate(state.taxonomy.target_groups)
    ]


def postal_areas(
    *,
    municipality: str,
    tier: str,
    target_group: str,
    life_situation: str | None = None,
    min_rating: int | None = None,
) -> list[PostalAreaCell]:
    """The municipality's postal areas (by code) for one tier × target group."""
    state = _state()
    _check_codes(
        state,
        municipality=municipality,
        tier=tier,
        target_group=target_group,
        life_situation=life_situation,
        min_rating=min_rating,
    )
    geography, services = state.geography, state.services
    area = geography.area_slice(municipality=municipality)
    view = _view(state, _lens(life_situation, min_rating))
    t, g = state.taxonomy.tier_index[tier], state.taxonomy.group_index[target_group]
    rows = view.rows[(services.tier[view.rows] == t) & services.groups[view.rows, g]]
    rows = rows[np.argsort(services.ids[rows], kind="stable")]  # by id
    # Unpack only the bytes of the municipality's postal areas, not the whole country's.
    first, last = area.start // 8, (area.stop + 7) // 8
    offset = area.start - first * 8
    available = np.unpackbits(services.footprints[rows, first:last], axis=1)[
        :, offset : offset + area.stop - area.start
    ].view(bool)
    ids = services.ids[rows]
    names = _postal_area_names(geography.codes[area].tolist())
    cells = []
    for column, code in enumerate(geography.codes[area].tolist()):
        service_ids = tuple(ids[available[:, column]].tolist())
        cells.append(
            PostalAreaCell(
                code=code,
                name=names.get(code, ""),
                children=float(geography.children[area.start + column]),
                covered=bool(service_ids),
                services=len(service_ids),
                service_ids=service_ids,
            )
        )
    return cells


def postal_area_centres(codes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of the centres of these postal areas (unknown codes are left
    out), from the stored results: where the engine places a location without coordinates."""
    geography = _state().geography
    found = {}
    for code in codes:
        index = geography.code_index.get(code)
        if index is not None:
            found[code] = (float(geography.latitude[index]), float(geography.longitude[index]))
    return found


def _names(key: tuple, read: Callable[[], dict[str, str]]) -> dict[str, str]:
    """Names in the active language, read once per reading (a page asks for them often)."""
    reading = _reading.get()
    key = (get_language(), *key)
    if reading is not None and key in reading.names:
        return reading.names[key]
    names = read()
    if reading is not None:
        reading.names[key] = names
    return names


def _municipality_names() -> dict[str, str]:
    return _names(
        ("municipalities",),
        lambda: {m.code: m.name for m in Municipality.objects.only("code", "name")},
    )


def _postal_area_names(codes: list[str]) -> dict[str, str]:
    return _names(
        ("postal areas", *codes),
        lambda: {
            area.code: area.name
            for area in PostalArea.objects.filter(code__in=codes).only("code", "name")
        },
    )


def municipality_coverage(
    *,
    tier: str,
    target_group: str,
    county: str | None = None,
    life_situation: str | None = None,
    min_rating: int | None = None,
) -> list[MunicipalityCell]:
    """Every municipality (of the county, or of Finland) for one tier × target group, by code."""
    state = _state()
    _check_codes(
        state,
        tier=tier,
        target_group=target_group,
        county=county,
        life_situation=life_situation,
        min_rating=min_rating,
    )
    geography = state.geography
    view = _view(state, _lens(life_situation, min_rating))
    t, g = state.taxonomy.tier_index[tier], state.taxonomy.group_index[target_group]
    names = _municipality_names()
    cells = []
    for m, code in enumerate(geography.municipalities.tolist()):
        county_code = str(geography.counties[geography.municipality_county[m]])
        if county is not None and county_code != county:
            continue
        cells.append(
            MunicipalityCell(
                code=code,
                name=names.get(code, code),
                county=county_code,
                children=float(view.municipality_children[m]),
                covered_children=float(view.municipality_covered[t, g, m]),
            )
        )
    cells.sort(key=lambda cell: cell.code)
    return cells


def _municipality_mask(state: State, county: str | None, municipality: str | None) -> np.ndarray:
    geography = state.geography
    mask = np.ones(len(geography.municipalities), dtype=bool)
    if county is not None:
        mask &= geography.municipality_county == geography.county_index[county]
    if municipality is not None:
        mask &= geography.municipalities == municipality
    return mask


def _gaps(
    state: State,
    view: _View,
    *,
    county: str | None,
    municipality: str | None,
    threshold: float,
    week: dt.date | None,
    life_situation: str | None,
    names: dict[str, str] | None = None,
    searches: UnmetSearches | None = None,
) -> list[Gap]:
    geography, taxonomy = state.geography, state.taxonomy
    covered = view.municipality_covered
    children = view.municipality_children
    coverage = _coverage(covered, children[None, None, :])
    mask = (coverage < threshold) & (children > 0)[None, None, :]
    mask &= _municipality_mask(state, county, municipality)[None, None, :]
    tiers, groups, municipalities = np.nonzero(mask)
    if not len(tiers):
        return []
    if searches is None:
        searches = UnmetSearches.read(week=week_start(week), life_situation=life_situation)
    unmet = searches.array(
        municipalities=geography.municipality_index,
        tiers=taxonomy.tier_index,
        target_groups=taxonomy.group_index,
    )[municipalities, tiers, groups]
    uncovered = np.maximum(children[municipalities] - covered[tiers, groups, municipalities], 0.0)
    # Most uncovered children first, then most unmet searches, then codes in taxonomy order.
    order = np.lexsort((groups, tiers, municipalities, -unmet, -uncovered))
    names = _municipality_names() if names is None else names
    county_coverage = {
        c: _county_coverage(state, view, c)
        for c in np.unique(geography.municipality_county[municipalities]).tolist()
    }
    result = []
    for i in order.tolist():
        m, t, g = municipalities[i], tiers[i], groups[i]
        code = str(geography.municipalities[m])
        c = int(geography.municipality_county[m])
        result.append(
            Gap(
                municipality=code,
                municipality_name=names.get(code, code),
                county=str(geography.counties[c]),
                tier=taxonomy.tiers[t],
                target_group=taxonomy.target_groups[g],
                children=float(children[m]),
                uncovered_children=float(uncovered[i]),
                coverage=float(coverage[t, g, m]),
                unmet_searches=int(unmet[i]),
                county_coverage=float(county_coverage[c][t, g]),
            )
        )
    return result


def _county_coverage(state: State, view: _View, county: int) -> np.ndarray:
    """(T, G) coverage of one county (by index), summed as ``area_matrix()`` sums it, so that
    a gap's kind agrees with the county's matrix."""
    area = state.geography.area_slice(county=str(state.geography.counties[county]))
    children = float(state.geography.children[area].sum())
    covered = np.minimum(view.covered[:, :, area].sum(axis=2), children)
    return _coverage(covered, np.array(children))


def gaps(
    *,
    county: str | None = None,
    municipality: str | None = None,
    threshold: float | None = None,
    life_situation: str | None = None,
    week: dt.date | None = None,
    min_rating: int | None = None,
) -> list[Gap]:
    """Gaps ranked by uncovered children, then by unmet searches, then by codes.

    ``week``: any day of the ISO week whose searches count; None is the last complete week.
    A search row counts for a gap when it found nothing local in the gap's municipality and
    its tier and target group are the gap's or blank (a blank filter means the searcher took
    any tier or any target group, and found nothing local in this one either). With
    ``life_situation``, rows for that life situation or none count. Three or four queries.
    """
    state = _state()
    _check_codes(
        state,
        county=county,
        municipality=municipality,
        life_situation=life_situation,
        min_rating=min_rating,
    )
    return _gaps(
        state,
        _view(state, _lens(life_situation, min_rating)),
        county=county,
        municipality=municipality,
        threshold=settings.COVERAGE_GAP_THRESHOLD if threshold is None else threshold,
        week=week,
        life_situation=life_situation,
    )


def gap_overview(
    *,
    county: str | None = None,
    municipality: str | None = None,
    threshold: float | None = None,
    life_situation: str | None = None,
    week: dt.date | None = None,
    min_rating: int | None = None,
) -> GapOverview:
    """The gaps of the nation, a county or a municipality in the two kinds that lead the
    lists: supports missing in the county (everywhere, or in most of it), one row per county
    × tier × target group, and unequal gaps, one row per municipality; mothers' and fathers'
    gaps that are only the parents' gap folded into it (``mapping.gaps.sort_into_kinds``).
    Arguments as for ``gaps()``; the same queries."""
    state = _state()
    _check_codes(
        state,
        county=county,
        municipality=municipality,
        life_situation=life_situation,
        min_rating=min_rating,
    )
    geography, taxonomy = state.geography, state.taxonomy
    view = _view(state, _lens(life_situation, min_rating))
    searches = UnmetSearches.read(week=week_start(week), life_situation=life_situation)
    found = _gaps(
        state,
        view,
        county=county,
        municipality=municipality,
        threshold=settings.COVERAGE_GAP_THRESHOLD if threshold is None else threshold,
        week=week,
        life_situation=life_situation,
        searches=searches,
    )
    # The children of the area listed in each county: the county, or the one municipality.
    area_children = {
        code: float(geography.children[geography.area_slice(county=code)].sum())
        for code in {gap.county for gap in found}
    }
    if municipality is not None:
        area_children = {gap.county: gap.children for gap in found}
    return sort_into_kinds(
        found,
        area_children=area_children,
        searches=searches,
        tier_order=taxonomy.tier_index,
        group_order=taxonomy.group_index,
    )


def uniformity(
    *, county: str, life_situation: str | None = None, min_rating: int | None = None
) -> list[UniformityCell]:
    """1 − children-weighted Gini of the county's municipal coverage, per tier × target group
    (``mapping.gaps.uniformity``); None where nobody is covered anywhere in the county or it
    has no children."""
    state = _state()
    _check_codes(state, county=county, life_situation=life_situation, min_rating=min_rating)
    view = _view(state, _lens(life_situation, min_rating))
    mask = _municipality_mask(state, county, None)
    children = view.municipality_children[mask]
    coverage = _coverage(view.municipality_covered[:, :, mask], children[None, None, :])
    values = uniformity_of(coverage, children)
    why = gettext("no children") if children.sum() <= 0 else gettext("nobody covered anywhere")
    return [
        UniformityCell(
            tier=tier,
            target_group=group,
            value=None if np.isnan(values[t, g]) else float(values[t, g]),
            reason=why if np.isnan(values[t, g]) else "",
        )
        for t, tier in enumerate(state.taxonomy.tiers)
        for g, group in enumerate(state.taxonomy.target_groups)
    ]


def accessibility(
    *,
    tier: str,
    target_group: str,
    county: str | None = None,
    municipality: str | None = None,
    life_situation: str | None = None,
    min_rating: int | None = None,
) -> list[AccessibilityCell]:
    """E2SFCA accessibility per postal area (capacity per 1,000 children), by code; see
    ``mapping.accessibility``. Computed for the whole country (catchments cross borders)."""
    state = _state()
    _check_codes(
        state,
        tier=tier,
        target_group=target_group,
        county=county,
        municipality=municipality,
        life_situation=life_situation,
        min_rating=min_rating,
    )
    geography = state.geography
    lens = _lens(life_situation, min_rating)
    values = _derive(
        state,
        ("accessibility", tier, target_group, *lens.key),
        lambda: _accessibility(state, tier, target_group, lens),
    )
    area = geography.area_slice(county=county, municipality=municipality)
    names = _postal_area_names(geography.codes[area].tolist())
    municipalities = geography.municipalities[geography.area_municipality[area]].tolist()
    return sorted(
        (
            AccessibilityCell(
                code=code,
                name=names.get(code, ""),
                municipality=municipality_code,
                children=float(geography.children[area.start + i]),
                value=float(values[area.start + i]),
            )
            for i, (code, municipality_code) in enumerate(
                zip(geography.codes[area].tolist(), municipalities, strict=True)
            )
        ),
        key=lambda cell: cell.code,
    )


def _accessibility(state: State, tier: str, target_group: str, lens: _Lens) -> np.ndarray:
    services, supply, taxonomy = state.services, state.supply, state.taxonomy
    selected = (services.tier == taxonomy.tier_index[tier]) & services.groups[
        :, taxonomy.group_index[target_group]
    ]
    if lens.life_situation is not None:
        selected &= services.life[:, taxonomy.life_index[lens.life_situation]]
    if lens.rated is not None:
        selected &= np.isin(services.ids, lens.rated)
    points = np.isin(supply.service_ids, services.ids[selected])
    distance = availability.reach_km(tier)
    return PER_CHILDREN * e2sfca(
        demand=state.geography.children,
        demand_latitude=state.geography.latitude,
        demand_longitude=state.geography.longitude,
        supply=supply.capacity[points],
        supply_latitude=supply.latitude[points],
        supply_longitude=supply.longitude[points],
        reach_km=distance,
        sigma_km=gaussian_sigma_km(distance),
        demand_tree=state.geography.tree,
    )


def trend(
    *,
    county: str | None = None,
    municipality: str | None = None,
    tier: str | None = None,
    target_group: str | None = None,
) -> list[tuple[dt.date, float]]:
    """Coverage at each snapshot, oldest first: covered children / children summed over the
    chosen area and over all tiers and target groups left as None (today's taxonomies). One
    to three queries."""
    rows = CoverageSnapshot.objects.all()
    if county is not None:
        rows = rows.filter(county=county)
    if municipality is not None:
        rows = rows.filter(municipality=municipality)
    tiers = [tier] if tier is not None else list(Tier.objects.values_list("code", flat=True))
    groups = (
        [target_group]
        if target_group is not None
        else list(TargetGroup.objects.values_list("code", flat=True))
    )
    keys = [CoverageSnapshot.key(t, g) for t in tiers for g in groups]
    children: dict[dt.date, float] = {}
    covered: dict[dt.date, float] = {}
    for date, municipal_children, municipal_covered in rows.order_by("date").values_list(
        "date", "children", "covered"
    ):
        children[date] = children.get(date, 0.0) + municipal_children * len(keys)
        covered[date] = covered.get(date, 0.0) + sum(municipal_covered.get(k, 0.0) for k in keys)
    return [
        (date, min(covered[date] / total, 1.0) if total > 0 else 1.0)
        for date, total in children.items()
    ]


# --------------------------------------------------------------------------------------------
# What-if


def _validate(service: HypotheticalService, state: State) -> CatalogueInput:
    taxonomy, geography = state.taxonomy, state.geography
    errors: dict[str, list[str]] = {}

    def unknown(name: str, codes: Sequence[str], known: Iterable[str], message: str) -> None:
        missing = sorted(set(codes) - set(known))
        if missing:
            errors.setdefault(name, []).append(message % {"codes": ", ".join(missing)})

    if not service.tier:
        errors["tier"] = [gettext("Choose a tier.")]
    elif service.tier not in taxonomy.tier_index:
        errors["tier"] = [gettext("Unknown tier: %(code)s.") % {"code": service.tier}]
    unknown(
        "target_groups",
        service.target_groups,
        taxonomy.target_groups,
        gettext("Unknown target groups: %(codes)s."),
    )
    unknown(
        "life_situations",
        service.life_situations,
        taxonomy.life_situations,
        gettext("Unknown life situations: %(codes)s."),
    )
    channel_rows = dict(Channel.objects.values_list("code", "is_remote"))
    channels = set(channel_rows)
    unknown("channels", service.channels, channels, gettext("Unknown channels: %(codes)s."))
    unknown(
        "counties",
        service.counties,
        geography.county_index,
        gettext("Unknown wellbeing services counties: %(codes)s."),
    )
    unknown(
        "municipalities",
        service.municipalities,
        geography.municipality_index,
        gettext("Unknown municipalities: %(codes)s."),
    )
    if service.capacity is not None and service.capacity < 0:
        errors["capacity"] = [gettext("Capacity cannot be negative.")]
    for latitude, longitude in service.locations:
        if not (
            FINLAND_LAT[0] <= latitude <= FINLAND_LAT[1]
            and FINLAND_LON[0] <= longitude <= FINLAND_LON[1]
        ):
            errors.setdefault("locations", []).append(
                gettext("The point %(latitude)s, %(longitude)s is not in Finland.")
                % {"latitude": latitude, "longitude": longitude}
            )
    if not (service.is_nationwide or service.counties or service.municipalities):
        errors.setdefault("municipalities", []).append(
            gettext(
                "Choose where the service is available: the whole of Finland, "
                "wellbeing services counties or municipalities."
            )
        )
    remote = {
        code
        for code in service.channels
        if availability.reaches_everywhere(code, bool(channel_rows.get(code)))
    }
    if not remote and not service.locations:
        errors.setdefault("locations", []).append(
            gettext(
                "Enter at least one location, or a remote channel or home visits: otherwise "
                "the service reaches nobody."
            )
        )
    if errors:
        raise ValidationError(errors)
    hypothetical = -1
    return CatalogueInput(
        ids=[hypothetical],
        tiers=[service.tier],
        nationwide=[service.is_nationwide],
        remote_ids={hypothetical} if remote else set(),
        target_groups=[(hypothetical, code) for code in service.target_groups],
        life_situations=[(hypothetical, code) for code in service.life_situations],
        counties=[(hypothetical, code) for code in service.counties],
        municipalities=[(hypothetical, code) for code in service.municipalities],
        locations=[
            (hypothetical, latitude, longitude, "", service.capacity)
            for latitude, longitude in service.locations
        ],
    )


def what_if(
    service: HypotheticalService,
    *,
    county: str | None = None,
    life_situation: str | None = None,
    threshold: float | None = None,
    week: dt.date | None = None,
) -> WhatIf:
    """What ``service`` would change if it were published; saves nothing.

    Raises ``django.core.exceptions.ValidationError`` (keys are ``HypotheticalService`` field
    names) for an empty or unknown tier, unknown codes, negative capacity, points outside
    Finland, no area served, or neither a location nor a remote channel / home visits.
    ``county`` limits everything reported to one county (ValueError if unknown);
    ``life_situation`` compares with the figures narrowed to it (the service then counts only
    if it lists it).
    """
    state = _state()
    _check_codes(state, county=county, life_situation=life_situation)
    catalogue = _validate(service, state)
    geography, taxonomy = state.geography, state.taxonomy
    threshold = settings.COVERAGE_GAP_THRESHOLD if threshold is None else threshold
    built, _ = build_services(catalogue, geography, taxonomy)
    view = _view(state, _lens(life_situation))
    result = WhatIf()
    counts_service = life_situation is None or bool(
        built.life[0, taxonomy.life_index[life_situation]]
    )
    footprint = built.unpacked(slice(0, 1), geography.size)[0]
    in_scope = np.ones(geography.size, dtype=bool)
    if county is not None:
        in_scope[:] = False
        in_scope[geography.area_slice(county=county)] = True
    if not counts_service:
        return result
    footprint &= in_scope
    t = int(built.tier[0])
    groups = np.flatnonzero(built.groups[0])
    uncovered_now = view.counts[t][groups][:, footprint] == 0  # (groups, areas in footprint)
    area_children = geography.children[footprint]
    result.reached_children = float(area_children.sum())
    result.newly_covered_children = float(area_children[uncovered_now.any(axis=0)].sum())
    result.postal_areas = geography.codes[footprint].tolist()

    # Covered children per target group × municipality with the service, summed exactly as
    # a recomputation would, so that a municipality covered everywhere reaches its children.
    covered_areas = np.where(
        (view.counts[t][groups] > 0) | footprint[None, :], geography.children, 0.0
    )
    stacked = np.vstack((covered_areas, geography.children))
    sums = np.asarray(geography.municipality_indicator.T @ stacked.T).T
    after = np.minimum(sums[:-1], sums[-1])
    before = view.municipality_covered[t][groups]
    names = _municipality_names()
    for row, m in zip(*np.nonzero(after > before), strict=True):
        code = str(geography.municipalities[m])
        result.cells_changed.append(
            CellChange(
                municipality=code,
                municipality_name=names.get(code, code),
                county=str(geography.counties[geography.municipality_county[m]]),
                tier=taxonomy.tiers[t],
                target_group=taxonomy.target_groups[groups[row]],
                children=float(view.municipality_children[m]),
                covered_before=float(before[row, m]),
                covered_after=float(after[row, m]),
            )
        )
    result.cells_changed.sort(key=lambda c: (-(c.covered_after - c.covered_before), c.municipality))
    changed = {(c.municipality, c.target_group): c for c in result.cells_changed}
    for gap in _gaps(
        state,
        view,
        county=county,
        municipality=None,
        threshold=threshold,
        week=week,
        life_situation=life_situation,
        names=names,
    ):
        change = changed.get((gap.municipality, gap.target_group))
        if gap.tier != taxonomy.tiers[t] or change is None:
            continue
        if change.coverage_after >= threshold:
            result.closed_gaps.append(gap)
        else:
            result.narrowed_gaps.append(gap)
    return result


# --------------------------------------------------------------------------------------------
# Writing


def recompute(*, progress: Callable[[str], None] | None = None) -> Status:
    """Recompute the whole country from the catalogue and store the result (13 queries to
    read, 3 to write). A recomputation of some services stored meanwhile makes this one start
    again (twice at most), so that its change is not lost."""
    report = progress or (lambda message: None)
    for attempt in range(3):
        row = _stored_row()
        expected = row[0] if row is not None and attempt < 2 else None
        state = compute_state(progress=report)
        report("storing")
        stored = _store(state, expected=expected, full=True)
        if stored is not None:
            return stored
    raise AssertionError("unreachable: the last attempt stores unconditionally")


def recompute_services(*, service_ids: Sequence[int]) -> Status:
    """Recompute only what changes to these services can affect: their old footprints (kept in
    the stored state, also for services deleted since) and their current ones. Ids of deleted
    or unpublished services are fine. Without stored results, recomputes everything."""
    for _ in range(5):
        loaded = _load()
        if loaded is None:
            return recompute()
        state, token = loaded
        stored = _store(update_state(state, list(service_ids)), expected=token, full=False)
        if stored is not None:
            return stored
    return recompute()


def snapshot_coverage(*, date: dt.date | None = None) -> int:
    """Store today's (or ``date``'s) coverage of every municipality per tier × target group,
    from the current results; replaces an earlier snapshot of the same date. Returns the
    number of cells stored (municipalities × tiers × target groups)."""
    date = date or timezone.localdate()
    state = _state()
    view = _view(state, _lens())
    geography, taxonomy = state.geography, state.taxonomy
    keys = [
        CoverageSnapshot.key(tier, group)
        for tier in taxonomy.tiers
        for group in taxonomy.target_groups
    ]
    snapshots = []
    for m, code in enumerate(geography.municipalities.tolist()):
        values = view.municipality_covered[:, :, m].ravel().tolist()
        snapshots.append(
            CoverageSnapshot(
                date=date,
                municipality=code,
                county=str(geography.counties[geography.municipality_county[m]]),
                children=float(view.municipality_children[m]),
                covered={key: value for key, value in zip(keys, values, strict=True) if value},
            )
        )
    with transaction.atomic():
        CoverageSnapshot.objects.filter(date=date).delete()
        CoverageSnapshot.objects.bulk_create(snapshots)
    return len(snapshots) * len(keys)
