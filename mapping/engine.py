"""The coverage engine's arithmetic: service footprints over postal areas as numpy arrays.

A service's **footprint** is the set of postal areas it is available to (the rules are in
``mapping.coverage``). The engine keeps, for every published service, its footprint as a row of
packed bits (one bit per postal area), its tier, its effective target groups and its life
situations, and the number of available services per tier × target group × postal area
(``counts``). Narrowing to a life situation re-counts the footprints of the services that list
it; a catalogue change subtracts the changed services' old footprints and adds their new ones.

Everything is vectorised: distances come from a k-d tree over unit vectors on the sphere
(chord length ↔ great-circle distance is monotonic, so a chord radius is an exact great-circle
radius), area served is a services × municipalities matrix, and counts are matrix products.

Postal areas are ordered by county, municipality and code, so that every municipality and
every county is one contiguous slice of the arrays.
"""

from __future__ import annotations

import io
import math
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
from scipy import sparse
from scipy.spatial import cKDTree

from services import availability
from services.models import (
    LifeSituation,
    Location,
    Municipality,
    PostalArea,
    SupportService,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
CHUNK = 2048  # services per block when unpacking footprints (≈ 6 MB of booleans)
FORMAT = 1  # bump when the stored arrays change shape or meaning

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


# --------------------------------------------------------------------------------------------
# Geometry


def unit_vectors(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Points on the unit sphere for WGS84 degrees, shape (n, 3)."""
    lat = np.radians(np.asarray(latitude, dtype=np.float64))
    lon = np.radians(np.asarray(longitude, dtype=np.float64))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def chord_for_km(km: float) -> float:
    """The chord (on the unit sphere) of a great-circle distance in kilometres."""
    return 2.0 * math.sin(min(km / EARTH_RADIUS_KM, math.pi) / 2.0)


def km_for_chord(chord: np.ndarray) -> np.ndarray:
    """Great-circle distance in kilometres of chords on the unit sphere."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2.0, 0.0, 1.0))


def pairs_within(
    points: np.ndarray, targets: cKDTree, km: float, *, distances: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(point index, target index, distance km or None) of every pair within ``km``
    (inclusive). ``points`` and the tree's data are unit vectors."""
    if len(points) == 0 or targets.n == 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, np.empty(0) if distances else None
    found = cKDTree(points).sparse_distance_matrix(targets, chord_for_km(km), output_type="ndarray")
    return (
        found["i"].astype(np.intp),
        found["j"].astype(np.intp),
        km_for_chord(found["v"]) if distances else None,
    )


# --------------------------------------------------------------------------------------------
# Reference data


@dataclass
class Geography:
    """Postal areas (ordered by county, municipality, code), municipalities and counties."""

    codes: np.ndarray  # (P,) postal codes
    area_municipality: np.ndarray  # (P,) index into municipalities
    latitude: np.ndarray  # (P,)
    longitude: np.ndarray  # (P,)
    children: np.ndarray  # (P,) estimated children 0–17
    municipalities: np.ndarray  # (M,) codes, ordered by county then code
    municipality_county: np.ndarray  # (M,) index into counties
    counties: np.ndarray  # (C,) codes

    def __post_init__(self) -> None:
        self.code_index = {code: i for i, code in enumerate(self.codes.tolist())}
        self.municipality_index = {code: i for i, code in enumerate(self.municipalities.tolist())}
        self.county_index = {code: i for i, code in enumerate(self.counties.tolist())}
        self.area_county = self.municipality_county[self.area_municipality]
        municipalities = len(self.municipalities)
        # Contiguous slices: [start, end) of every municipality's and county's postal areas.
        self.municipality_start = np.searchsorted(self.area_municipality, np.arange(municipalities))
        self.municipality_end = np.searchsorted(
            self.area_municipality, np.arange(municipalities), side="right"
        )
        counties = len(self.counties)
        self.county_start = np.searchsorted(self.area_county, np.arange(counties))
        self.county_end = np.searchsorted(self.area_county, np.arange(counties), side="right")
        self._tree: cKDTree | None = None
        self._indicator: sparse.csr_matrix | None = None

    @property
    def size(self) -> int:
        return len(self.codes)

    @property
    def tree(self) -> cKDTree:
        if self._tree is None:
            self._tree = cKDTree(unit_vectors(self.latitude, self.longitude))
        return self._tree

    @property
    def municipality_indicator(self) -> sparse.csr_matrix:
        """(P, M) 0/1 matrix: postal area → its municipality."""
        if self._indicator is None:
            size = self.size
            self._indicator = sparse.csr_matrix(
                (np.ones(size), (np.arange(size), self.area_municipality)),
                shape=(size, len(self.municipalities)),
            )
        return self._indicator

    def county_municipalities(self) -> np.ndarray:
        """(C, M) booleans: the municipalities of each county."""
        matrix = np.zeros((len(self.counties), len(self.municipalities)), dtype=bool)
        matrix[self.municipality_county, np.arange(len(self.municipalities))] = True
        return matrix

    def area_slice(self, *, county: str | None = None, municipality: str | None = None) -> slice:
        """The postal areas of a municipality, a county or (neither given) the nation.

        Raises KeyError for an unknown code.
        """
        if municipality is not None:
            index = self.municipality_index[municipality]
            return slice(int(self.municipality_start[index]), int(self.municipality_end[index]))
        if county is not None:
            index = self.county_index[county]
            return slice(int(self.county_start[index]), int(self.county_end[index]))
        return slice(0, self.size)

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "codes": self.codes,
            "area_municipality": self.area_municipality,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "children": self.children,
            "municipalities": self.municipalities,
            "municipality_county": self.municipality_county,
            "counties": self.counties,
        }


def load_geography() -> Geography:
    """Three queries: counties, municipalities, postal areas."""
    counties = np.array(
        sorted(WellbeingServicesCounty.objects.values_list("code", flat=True)), dtype=str
    )
    county_index = {code: i for i, code in enumerate(counties.tolist())}
    municipality_rows = sorted(
        Municipality.objects.values_list("county_id", "code"),
    )
    municipalities = np.array([code for _, code in municipality_rows], dtype=str)
    municipality_county = np.array(
        [county_index[county] for county, _ in municipality_rows], dtype=np.int32
    )
    municipality_index = {code: i for i, code in enumerate(municipalities.tolist())}
    area_rows = sorted(
        (
            (municipality_index[municipality], code, latitude, longitude, children)
            for code, municipality, latitude, longitude, children in PostalArea.objects.values_list(
                "code", "municipality_id", "latitude", "longitude", "children_estimate"
            )
        ),
        key=lambda row: (row[0], row[1]),
    )
    return Geography(
        codes=np.array([row[1] for row in area_rows], dtype=str),
        area_municipality=np.array([row[0] for row in area_rows], dtype=np.int32),
        latitude=np.array([row[2] for row in area_rows], dtype=np.float64),
        longitude=np.array([row[3] for row in area_rows], dtype=np.float64),
        children=np.array([row[4] for row in area_rows], dtype=np.float64),
        municipalities=municipalities,
        municipality_county=municipality_county,
        counties=counties,
    )


@dataclass
class Taxonomy:
    tiers: tuple[str, ...]
    target_groups: tuple[str, ...]
    life_situations: tuple[str, ...]

    def __post_init__(self) -> None:
        self.tier_index = {code: i for i, code in enumerate(self.tiers)}
        self.group_index = {code: i for i, code in enumerate(self.target_groups)}
        self.life_index = {code: i for i, code in enumerate(self.life_situations)}


def load_taxonomy() -> Taxonomy:
    """Three queries; codes in the taxonomies' display order."""
    return Taxonomy(
        tiers=tuple(Tier.objects.order_by("order", "code").values_list("code", flat=True)),
        target_groups=tuple(
            TargetGroup.objects.order_by("order", "code").values_list("code", flat=True)
        ),
        life_situations=tuple(
            LifeSituation.objects.order_by("order", "code").values_list("code", flat=True)
        ),
    )


# --------------------------------------------------------------------------------------------
# Catalogue input


@dataclass
class CatalogueInput:
    """What the engine needs to know of some services, as plain lists.

    Built from the database by ``load_catalogue`` or in memory for a hypothetical service.
    Pairs are (service id, code). A location is (service id, latitude or None, longitude or
    None, postal code, capacity or None).
    """

    ids: list[int] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    nationwide: list[bool] = field(default_factory=list)
    remote_ids: set[int] = field(default_factory=set)
    target_groups: list[tuple[int, str]] = field(default_factory=list)
    life_situations: list[tuple[int, str]] = field(default_factory=list)
    counties: list[tuple[int, str]] = field(default_factory=list)
    municipalities: list[tuple[int, str]] = field(default_factory=list)
    locations: list[tuple[int, float | None, float | None, str, int | None]] = field(
        default_factory=list
    )


def load_catalogue(service_ids: Iterable[int] | None = None) -> CatalogueInput:
    """Published services (all, or those of ``service_ids`` still published): seven queries."""
    services = SupportService.objects.published()
    through_filter = Q(supportservice__status=SupportService.Status.PUBLISHED)
    location_filter = Q(service__status=SupportService.Status.PUBLISHED)
    if service_ids is not None:
        ids = sorted(set(service_ids))
        services = services.filter(pk__in=ids)
        through_filter &= Q(supportservice_id__in=ids)
        location_filter &= Q(service_id__in=ids)
    rows = list(services.order_by("pk").values_list("pk", "tier_id", "is_nationwide"))
    result = CatalogueInput(
        ids=[row[0] for row in rows],
        tiers=[row[1] for row in rows],
        nationwide=[row[2] for row in rows],
    )
    result.remote_ids = set(
        SupportService.channels.through.objects.filter(through_filter)
        .filter(availability.reaches_everywhere_q())
        .values_list("supportservice_id", flat=True)
    )
    result.target_groups = list(
        SupportService.target_groups.through.objects.filter(through_filter).values_list(
            "supportservice_id", "targetgroup_id"
        )
    )
    result.life_situations = list(
        SupportService.life_situations.through.objects.filter(through_filter).values_list(
            "supportservice_id", "lifesituation_id"
        )
    )
    result.counties = list(
        SupportService.area_counties.through.objects.filter(through_filter).values_list(
            "supportservice_id", "wellbeingservicescounty_id"
        )
    )
    result.municipalities = list(
        SupportService.area_municipalities.through.objects.filter(through_filter).values_list(
            "supportservice_id", "municipality_id"
        )
    )
    result.locations = list(
        Location.objects.filter(location_filter).values_list(
            "service_id", "latitude", "longitude", "postal_code", "capacity"
        )
    )
    return result


# --------------------------------------------------------------------------------------------
# Footprints


@dataclass
class Services:
    """Rows of services: ids, tier index, effective target groups, life situations, footprint."""

    ids: np.ndarray  # (S,) int64
    tier: np.ndarray  # (S,) int16, index into Taxonomy.tiers
    groups: np.ndarray  # (S, G) bool, effective target groups
    life: np.ndarray  # (S, L) bool
    footprints: np.ndarray  # (S, ceil(P / 8)) uint8, packed bits over postal areas

    @classmethod
    def empty(cls, taxonomy: Taxonomy, geography: Geography) -> Services:
        return cls(
            ids=np.empty(0, dtype=np.int64),
            tier=np.empty(0, dtype=np.int16),
            groups=np.zeros((0, len(taxonomy.target_groups)), dtype=bool),
            life=np.zeros((0, len(taxonomy.life_situations)), dtype=bool),
            footprints=np.zeros((0, (geography.size + 7) // 8), dtype=np.uint8),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: np.ndarray) -> Services:
        return Services(
            self.ids[rows],
            self.tier[rows],
            self.groups[rows],
            self.life[rows],
            self.footprints[rows],
        )

    def concat(self, other: Services) -> Services:
        return Services(
            np.concatenate((self.ids, other.ids)),
            np.concatenate((self.tier, other.tier)),
            np.concatenate((self.groups, other.groups)),
            np.concatenate((self.life, other.life)),
            np.concatenate((self.footprints, other.footprints)),
        )

    def unpacked(self, rows: slice | np.ndarray, size: int) -> np.ndarray:
        """Footprints of ``rows`` as booleans, shape (rows, P)."""
        return np.unpackbits(self.footprints[rows], axis=1, count=size).view(bool)


@dataclass
class Supply:
    """Locations with a capacity (for accessibility)."""

    service_ids: np.ndarray  # (N,) int64
    latitude: np.ndarray
    longitude: np.ndarray
    capacity: np.ndarray  # (N,) float64

    @classmethod
    def empty(cls) -> Supply:
        return cls(
            np.empty(0, dtype=np.int64), np.empty(0), np.empty(0), np.empty(0, dtype=np.float64)
        )

    def take(self, rows: np.ndarray) -> Supply:
        return Supply(
            self.service_ids[rows], self.latitude[rows], self.longitude[rows], self.capacity[rows]
        )

    def concat(self, other: Supply) -> Supply:
        return Supply(
            np.concatenate((self.service_ids, other.service_ids)),
            np.concatenate((self.latitude, other.latitude)),
            np.concatenate((self.longitude, other.longitude)),
            np.concatenate((self.capacity, other.capacity)),
        )


def _membership(
    ids: Sequence[int], pairs: Iterable[tuple[int, str]], index: dict[str, int], width: int
) -> np.ndarray:
    """(S, width) booleans from (service id, code) pairs; unknown ids and codes are skipped."""
    row_of = {service_id: row for row, service_id in enumerate(ids)}
    matrix = np.zeros((len(ids), width), dtype=bool)
    for service_id, code in pairs:
        row = row_of.get(service_id)
        column = index.get(code)
        if row is not None and column is not None:
            matrix[row, column] = True
    return matrix


def effective_groups(
    ids: Sequence[int], pairs: Iterable[tuple[int, str]], taxonomy: Taxonomy
) -> np.ndarray:
    """(S, G) booleans: the groups each service counts for (``availability.counted_groups``:
    listing PARENTS, or no group, adds PARENTS, MOTHERS and FATHERS)."""
    groups = _membership(ids, pairs, taxonomy.group_index, len(taxonomy.target_groups))
    widening = [
        taxonomy.group_index[c] for c in availability.WIDENING_GROUPS if c in taxonomy.group_index
    ]
    widen = ~groups.any(axis=1) | groups[:, widening].any(axis=1)
    for code in availability.ALL_PARENTS:
        column = taxonomy.group_index.get(code)
        if column is not None:
            groups[widen, column] = True
    return groups


def build_services(
    catalogue: CatalogueInput,
    geography: Geography,
    taxonomy: Taxonomy,
    *,
    progress: Progress = _quiet,
) -> tuple[Services, Supply]:
    """Footprints and supply of the services in ``catalogue``.

    Services whose tier is not in the taxonomy are left out.
    """
    keep = [row for row, tier in enumerate(catalogue.tiers) if tier in taxonomy.tier_index]
    ids = [catalogue.ids[row] for row in keep]
    count = len(ids)
    tier = np.array(
        [taxonomy.tier_index[catalogue.tiers[row]] for row in keep], dtype=np.int16
    ).reshape(-1)
    nationwide = np.array([catalogue.nationwide[row] for row in keep], dtype=bool).reshape(-1)
    remote = np.array([service_id in catalogue.remote_ids for service_id in ids], dtype=bool)
    groups = effective_groups(ids, catalogue.target_groups, taxonomy)
    life = _membership(
        ids, catalogue.life_situations, taxonomy.life_index, len(taxonomy.life_situations)
    )

    # Area served as a services × municipalities matrix.
    served = np.zeros((count, len(geography.municipalities)), dtype=bool)
    served[nationwide] = True
    served |= _membership(
        ids, catalogue.municipalities, geography.municipality_index, len(geography.municipalities)
    )
    by_county = _membership(
        ids, catalogue.counties, geography.county_index, len(geography.counties)
    )
    if by_county.any():
        served |= (
            by_county.astype(np.int32) @ geography.county_municipalities().astype(np.int32)
        ) > 0

    # Service points: a location without coordinates stands at its postal area's centre.
    service_ids = np.array(ids, dtype=np.int64)
    if catalogue.locations:
        location_ids, latitudes, longitudes, postal_codes, capacities = zip(
            *catalogue.locations, strict=True
        )
    else:
        location_ids = latitudes = longitudes = postal_codes = capacities = ()
    by_id = np.argsort(service_ids)
    wanted = np.array(location_ids, dtype=np.int64)
    position = np.minimum(np.searchsorted(service_ids[by_id], wanted), max(count - 1, 0))
    location_row = by_id[position] if count else np.zeros(len(wanted), dtype=np.intp)
    known = (service_ids[location_row] == wanted) if count else np.zeros(len(wanted), bool)
    location_lat = np.array(latitudes, dtype=np.float64)  # None becomes NaN
    location_lon = np.array(longitudes, dtype=np.float64)
    for i in np.flatnonzero(np.isnan(location_lat) | np.isnan(location_lon)).tolist():
        area = geography.code_index.get(postal_codes[i])
        if area is not None:  # otherwise it stays NaN and is left out: nowhere to place it
            location_lat[i], location_lon[i] = geography.latitude[area], geography.longitude[area]
    known &= ~(np.isnan(location_lat) | np.isnan(location_lon))
    location_row, location_lat, location_lon = (
        location_row[known],
        location_lat[known],
        location_lon[known],
    )
    location_capacity = np.array(capacities, dtype=np.float64)[known]
    progress(f"{count} services, {len(location_row)} service points")

    # Service points within reach of postal area centres, per distinct reach distance, kept
    # where the postal area's municipality is in the service's area served.
    near_rows: list[np.ndarray] = [np.empty(0, dtype=np.intp)]
    near_areas: list[np.ndarray] = [np.empty(0, dtype=np.intp)]
    tier_reach = np.array(
        [availability.reach_km(code) for code in taxonomy.tiers], dtype=np.float64
    )
    location_reach = tier_reach[tier[location_row]]
    xyz = unit_vectors(location_lat, location_lon)
    for distance in np.unique(location_reach).tolist():
        selected = np.flatnonzero(location_reach == distance)
        points, areas, _ = pairs_within(xyz[selected], geography.tree, distance, distances=False)
        rows = location_row[selected][points]
        in_area_served = served[rows, geography.area_municipality[areas]]
        near_rows.append(rows[in_area_served])
        near_areas.append(areas[in_area_served])
    rows_near, areas_near = np.concatenate(near_rows), np.concatenate(near_areas)
    # Pairs grouped by block of services (a radix sort of small block numbers).
    by_block = np.argsort((rows_near // CHUNK).astype(np.uint16), kind="stable")
    rows_near, areas_near = rows_near[by_block], areas_near[by_block]
    block_bounds = np.searchsorted(rows_near, np.arange(0, count + CHUNK, CHUNK))

    size = geography.size
    footprints = np.zeros((count, (size + 7) // 8), dtype=np.uint8)
    for number, start in enumerate(range(0, count, CHUNK)):
        end = min(start + CHUNK, count)
        block = np.zeros((end - start, size), dtype=bool)
        remote_rows = np.flatnonzero(remote[start:end])
        block[remote_rows] = served[start + remote_rows][:, geography.area_municipality]
        low, high = block_bounds[number], block_bounds[number + 1]
        block[rows_near[low:high] - start, areas_near[low:high]] = True
        footprints[start:end] = np.packbits(block, axis=1)
        if count > CHUNK:
            progress(f"footprints {end}/{count}")

    has_capacity = location_capacity > 0  # NaN (not known) compares False
    supply = Supply(
        service_ids=service_ids[location_row[has_capacity]],
        latitude=location_lat[has_capacity],
        longitude=location_lon[has_capacity],
        capacity=location_capacity[has_capacity],
    )
    services = Services(
        ids=np.array(ids, dtype=np.int64),
        tier=tier,
        groups=groups,
        life=life,
        footprints=footprints,
    )
    return services, supply


def count_services(
    services: Services, size: int, tiers: int, rows: np.ndarray | None = None
) -> np.ndarray:
    """(T, G, P) int32: how many of the services (``rows`` of them, or all) are available to
    each postal area for each tier × target group.

    A block of services at a time: the sparse (tier × group) × services incidence times the
    block's unpacked footprints. float32 sums of 0/1 stay exact up to 2²⁴ per block.
    """
    groups = services.groups.shape[1]
    counts = np.zeros((tiers * groups, size), dtype=np.int32)
    selected = np.arange(len(services)) if rows is None else np.asarray(rows)
    for start in range(0, len(selected), CHUNK):
        block = selected[start : start + CHUNK]
        member, group = np.nonzero(services.groups[block])
        incidence = sparse.csr_matrix(
            (
                np.ones(len(member), dtype=np.float32),
                (services.tier[block][member].astype(np.int64) * groups + group, member),
            ),
            shape=(tiers * groups, len(block)),
        )
        footprints = services.unpacked(block, size).view(np.uint8)
        counts += np.rint(incidence @ footprints).astype(np.int32)
    return counts.reshape(tiers, groups, size)


# --------------------------------------------------------------------------------------------
# The whole result


@dataclass
class State:
    geography: Geography
    taxonomy: Taxonomy
    services: Services
    supply: Supply
    counts: np.ndarray  # (T, G, P) int32
    token: object = None  # identity of the stored copy, for caches (set by mapping.coverage)

    def to_bytes(self) -> bytes:
        arrays = {f"geography_{key}": value for key, value in self.geography.arrays().items()}
        arrays.update(
            format=np.array([FORMAT]),
            tiers=np.array(self.taxonomy.tiers, dtype=str),
            target_groups=np.array(self.taxonomy.target_groups, dtype=str),
            life_situations=np.array(self.taxonomy.life_situations, dtype=str),
            service_ids=self.services.ids,
            service_tier=self.services.tier,
            service_groups=np.packbits(self.services.groups, axis=1),
            service_life=np.packbits(self.services.life, axis=1),
            footprints=self.services.footprints,
            supply_service_ids=self.supply.service_ids,
            supply_latitude=self.supply.latitude,
            supply_longitude=self.supply.longitude,
            supply_capacity=self.supply.capacity,
            counts=self.counts,
        )
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return zlib.compress(buffer.getvalue(), 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> State | None:
        """None if the data was written in another format (a full recomputation is due)."""
        with np.load(io.BytesIO(zlib.decompress(bytes(data))), allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
        if int(arrays.get("format", np.array([0]))[0]) != FORMAT:
            return None
        geography = Geography(
            **{
                key.removeprefix("geography_"): value
                for key, value in arrays.items()
                if key.startswith("geography_")
            }
        )
        taxonomy = Taxonomy(
            tiers=tuple(arrays["tiers"].tolist()),
            target_groups=tuple(arrays["target_groups"].tolist()),
            life_situations=tuple(arrays["life_situations"].tolist()),
        )
        services = Services(
            ids=arrays["service_ids"],
            tier=arrays["service_tier"],
            groups=np.unpackbits(
                arrays["service_groups"], axis=1, count=len(taxonomy.target_groups)
            ).view(bool),
            life=np.unpackbits(
                arrays["service_life"], axis=1, count=len(taxonomy.life_situations)
            ).view(bool),
            footprints=arrays["footprints"],
        )
        supply = Supply(
            arrays["supply_service_ids"],
            arrays["supply_latitude"],
            arrays["supply_longitude"],
            arrays["supply_capacity"],
        )
        return cls(geography, taxonomy, services, supply, arrays["counts"])


def compute_state(*, progress: Progress = _quiet) -> State:
    """Everything, from the database: 13 queries."""
    progress("reading reference data")
    geography = load_geography()
    taxonomy = load_taxonomy()
    progress("reading the catalogue")
    catalogue = load_catalogue()
    services, supply = build_services(catalogue, geography, taxonomy, progress=progress)
    progress("counting")
    counts = count_services(services, geography.size, len(taxonomy.tiers))
    return State(geography, taxonomy, services, supply, counts)


def update_state(state: State, service_ids: Sequence[int]) -> State:
    """``state`` with these services' footprints replaced by their current ones (services no
    longer published, or deleted, drop out). Seven queries."""
    ids = np.array(sorted(set(service_ids)), dtype=np.int64)
    old_rows = np.flatnonzero(np.isin(state.services.ids, ids))
    catalogue = load_catalogue(ids.tolist())
    new_services, new_supply = build_services(catalogue, state.geography, state.taxonomy)
    size, tiers = state.geography.size, len(state.taxonomy.tiers)
    counts = state.counts.copy()
    if len(old_rows):
        counts -= count_services(state.services, size, tiers, old_rows)
    if len(new_services):
        counts += count_services(new_services, size, tiers)
    kept = np.setdiff1d(np.arange(len(state.services)), old_rows, assume_unique=True)
    kept_supply = np.flatnonzero(~np.isin(state.supply.service_ids, ids))
    return State(
        geography=state.geography,
        taxonomy=state.taxonomy,
        services=state.services.take(kept).concat(new_services),
        supply=state.supply.take(kept_supply).concat(new_supply),
        counts=counts,
    )
