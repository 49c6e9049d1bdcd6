"""Accessibility: the enhanced two-step floating catchment area method (E2SFCA).

Luo & Qi (2009), with a Gaussian distance decay inside the reach distance d₀ — the same
definitions as PySAL ``access`` (``Access.enhanced_two_stage_fca`` with
``access.weights.gaussian(σ)`` and ``max_cost=d₀``):

    W(d)  = exp(−d² / (2σ²))                 for d ≤ d₀ (0 beyond); W(0) = 1, not normalised
    R_j   = S_j / Σ_{k: d_kj ≤ d₀} P_k W(d_kj)     supply-to-demand ratio of service point j
    A_i   = Σ_{j: d_ij ≤ d₀} R_j W(d_ij)           accessibility of postal area i

S_j is the capacity of service point j (``Location.capacity``), P_k the estimated children
0–17 of postal area k, d the great-circle distance (km) between a postal area's centre and the
point. σ = ``settings.COVERAGE_GAUSSIAN_SIGMA_SHARE`` × d₀ (½ d₀ by default: W(d₀) = e⁻² ≈
0.14). The dashboard shows 1,000 × A_i: capacity per 1,000 children.

Where PySAL gives no number, we give 0: a point whose catchment holds no children (R_j would be
S_j / 0) serves nobody, and an area with no point in reach has no accessibility. Area served
is not applied: capacity flows to the families within reach, across municipal borders, as in
the method's usual form. Only locations with a capacity take part.
"""

from __future__ import annotations

import numpy as np
from django.conf import settings
from scipy.spatial import cKDTree

from mapping.engine import pairs_within, unit_vectors

PER_CHILDREN = 1000.0


def gaussian_sigma_km(reach_km: float) -> float:
    return float(settings.COVERAGE_GAUSSIAN_SIGMA_SHARE) * reach_km


def e2sfca(
    *,
    demand: np.ndarray,
    demand_latitude: np.ndarray,
    demand_longitude: np.ndarray,
    supply: np.ndarray,
    supply_latitude: np.ndarray,
    supply_longitude: np.ndarray,
    reach_km: float,
    sigma_km: float,
    demand_tree: cKDTree | None = None,
) -> np.ndarray:
    """A_i for every demand point (capacity per one unit of demand); see the module docstring.

    ``demand_tree`` may pass a ready k-d tree of the demand points' unit vectors.
    """
    demand = np.asarray(demand, dtype=np.float64)
    supply = np.asarray(supply, dtype=np.float64)
    if demand_tree is None:
        demand_tree = cKDTree(unit_vectors(demand_latitude, demand_longitude))
    points, areas, distance = pairs_within(
        unit_vectors(supply_latitude, supply_longitude), demand_tree, reach_km
    )
    weight = np.exp(-distance * distance / (2.0 * sigma_km**2))
    weighted_demand = np.bincount(points, weights=demand[areas] * weight, minlength=len(supply))
    ratio = np.divide(supply, weighted_demand, out=np.zeros(len(supply)), where=weighted_demand > 0)
    return np.bincount(areas, weights=ratio[points] * weight, minlength=len(demand))
