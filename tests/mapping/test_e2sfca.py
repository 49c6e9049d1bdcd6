"""Accessibility (E2SFCA, Gaussian decay) gives PySAL ``access``'s numbers for the same inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from access import Access, weights

from mapping import coverage
from mapping.accessibility import e2sfca
from services.models import PostalArea
from tests.mapping.worlds import ETELA_SAVO, MIKKELI, make_service

pytestmark = [
    pytest.mark.django_db,
    # The library's own use of pandas, not ours.
    pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning:access"),
]

EARTH_RADIUS_KM = 6371.0088
REACH_KM = 25.0
SIGMA_KM = 12.5  # settings.COVERAGE_GAUSSIAN_SIGMA_SHARE × the reach distance


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def synthetic_points(areas: list[PostalArea], count: int, seed: int) -> pd.DataFrame:
    """Service points scattered around real postal area centres, with capacities."""
    rng = np.random.default_rng(seed)
    centres = rng.choice(len(areas), size=count)
    return pd.DataFrame(
        {
            "latitude": [areas[i].latitude for i in centres] + rng.normal(0, 0.05, count),
            "longitude": [areas[i].longitude for i in centres] + rng.normal(0, 0.1, count),
            "capacity": rng.integers(5, 200, count).astype(float),
        },
        index=pd.Index([f"point-{i}" for i in range(count)], name="point"),
    )


def pysal_e2sfca(areas: list[PostalArea], points: pd.DataFrame) -> pd.Series:
    demand = pd.DataFrame(
        {"children": [a.children_estimate for a in areas]},
        index=pd.Index([a.code for a in areas], name="code"),
    )
    lat = np.array([a.latitude for a in areas])
    lon = np.array([a.longitude for a in areas])
    origin, dest = np.meshgrid(np.arange(len(areas)), np.arange(len(points)), indexing="ij")
    costs = pd.DataFrame(
        {
            "origin": demand.index.values[origin.ravel()],
            "dest": points.index.values[dest.ravel()],
            "cost": haversine_km(
                lat[origin.ravel()],
                lon[origin.ravel()],
                points["latitude"].values[dest.ravel()],
                points["longitude"].values[dest.ravel()],
            ),
        }
    )
    model = Access(
        demand_df=demand.reset_index(),
        demand_index="code",
        demand_value="children",
        supply_df=points[["capacity"]].reset_index(),
        supply_index="point",
        supply_value="capacity",
        cost_df=costs,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    result = model.enhanced_two_stage_fca(
        name="e2sfca", max_cost=REACH_KM, weight_fn=weights.gaussian(SIGMA_KM)
    )
    return result["e2sfca_capacity"].reindex(demand.index).fillna(0.0)


def assert_same(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert np.count_nonzero(theirs) > 10
    assert np.array_equal(ours == 0, theirs == 0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0)


def test_e2sfca_equals_pysal_access_on_etela_savo_postal_areas() -> None:
    areas = list(PostalArea.objects.filter(municipality__county_id=ETELA_SAVO).order_by("code"))
    points = synthetic_points(areas, 60, seed=7)

    ours = e2sfca(
        demand=np.array([a.children_estimate for a in areas]),
        demand_latitude=np.array([a.latitude for a in areas]),
        demand_longitude=np.array([a.longitude for a in areas]),
        supply=points["capacity"].values,
        supply_latitude=points["latitude"].values,
        supply_longitude=points["longitude"].values,
        reach_km=REACH_KM,
        sigma_km=SIGMA_KM,
    )
    assert_same(ours, pysal_e2sfca(areas, points).values)


def test_the_accessibility_of_the_catalogue_equals_pysal_access() -> None:
    areas = list(PostalArea.objects.select_related("municipality").order_by("code"))
    in_county = [a for a in areas if a.municipality.county_id == ETELA_SAVO]
    points = synthetic_points(in_county, 25, seed=11)
    for point in points.itertuples():
        make_service(
            tier="UNIVERSAL_GROUP",
            municipalities=[MIKKELI],
            locations=[(point.latitude, point.longitude)],
            capacity=int(point.capacity),
        )
    # Neither a service of another tier nor a point without a capacity takes part.
    make_service(tier="SPECIALIST", municipalities=[MIKKELI], locations=[(61.7, 27.3)], capacity=9)
    make_service(tier="UNIVERSAL_GROUP", municipalities=[MIKKELI], locations=[(61.7, 27.3)])
    coverage.recompute()

    cells = coverage.accessibility(
        tier="UNIVERSAL_GROUP", target_group="MOTHERS", county=ETELA_SAVO
    )
    theirs = pysal_e2sfca(areas, points) * 1000  # per 1,000 children
    assert [c.code for c in cells] == [a.code for a in in_county]
    assert_same(np.array([c.value for c in cells]), theirs.loc[[c.code for c in cells]].values)


def test_one_point_shares_its_capacity_by_gaussian_weights() -> None:
    # Two postal areas; the point 0 km from the first: W₁ = 1, W₂ = exp(−d² / 2σ²).
    areas = list(PostalArea.objects.filter(code__in=["50100", "50120"]).order_by("code"))
    first, second = areas
    distance = haversine_km(first.latitude, first.longitude, second.latitude, second.longitude)
    w2 = math.exp(-(distance**2) / (2 * SIGMA_KM**2))
    ratio = 100 / (first.children_estimate + second.children_estimate * w2)

    ours = e2sfca(
        demand=np.array([a.children_estimate for a in areas]),
        demand_latitude=np.array([a.latitude for a in areas]),
        demand_longitude=np.array([a.longitude for a in areas]),
        supply=np.array([100.0]),
        supply_latitude=np.array([first.latitude]),
        supply_longitude=np.array([first.longitude]),
        reach_km=REACH_KM,
        sigma_km=SIGMA_KM,
    )
    assert ours == pytest.approx([ratio, ratio * w2], rel=1e-12)


def test_a_point_with_no_children_in_reach_gives_nothing() -> None:
    ours = e2sfca(
        demand=np.array([0.0, 0.0]),
        demand_latitude=np.array([61.0, 61.01]),
        demand_longitude=np.array([27.0, 27.0]),
        supply=np.array([50.0]),
        supply_latitude=np.array([61.0]),
        supply_longitude=np.array([27.0]),
        reach_km=REACH_KM,
        sigma_km=SIGMA_KM,
    )
    assert ours.tolist() == [0.0, 0.0]
