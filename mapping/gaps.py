"""Ranking gaps and measuring how evenly a county is covered."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import Sum
from django.utils import timezone

from services.models import SearchDemand


def weighted_gini(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Children-weighted Gini coefficient over the last axis of ``values``.

        G = Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| / (2 W² μ),   W = Σᵢ wᵢ,   μ = Σᵢ wᵢ xᵢ / W

    xᵢ is municipality i's coverage and wᵢ its estimated children. G is 0 when every
    municipality has the same coverage and approaches 1 when all coverage sits in a small
    share of the children. With no children (W = 0) or no coverage at all (μ = 0) coverage is
    equal everywhere, and G is 0. Uniformity is 1 − G.
    """
    x = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    total = w.sum()
    result = np.zeros(x.shape[:-1])
    if total <= 0:
        return result
    mean = (x * w).sum(axis=-1) / total
    differences = np.abs(x[..., :, None] - x[..., None, :])
    numerator = np.einsum("...ij,i,j->...", differences, w, w)
    return np.divide(numerator, 2.0 * total**2 * mean, out=result, where=mean > 0)


def week_start(day: dt.date | None = None) -> dt.date:
    """The Monday of ``day``'s ISO week; without a day, of the last complete week."""
    if day is None:
        day = timezone.localdate() - dt.timedelta(days=7)
    return day - dt.timedelta(days=day.weekday())


def unmet_searches(
    *,
    week: dt.date,
    municipalities: dict[str, int],
    tiers: dict[str, int],
    target_groups: dict[str, int],
    life_situation: str | None = None,
) -> np.ndarray:
    """(M, T, G) searches of ``week`` that found nothing local, per municipality × tier ×
    target group (index maps give the positions). One query.

    A row with a blank tier (or target group) counts for every tier (or target group): the
    searcher took any, and found nothing local in this one either. With ``life_situation``,
    rows of that life situation and rows without one count; without it, all rows count.
    Rows with codes no longer in the taxonomies are left out.
    """
    result = np.zeros((len(municipalities), len(tiers), len(target_groups)), dtype=np.int64)
    rows = SearchDemand.objects.filter(
        week=week_start(week), found_local=False, municipality__isnull=False
    )
    if life_situation is not None:
        rows = rows.filter(life_situation__in=[life_situation, ""])
    for municipality, tier, group, total in (
        rows.values("municipality_id", "tier", "target_group")
        .annotate(total=Sum("count"))
        .values_list("municipality_id", "tier", "target_group", "total")
        .order_by()
    ):
        m = municipalities.get(municipality)
        t = slice(None) if tier == "" else tiers.get(tier)
        g = slice(None) if group == "" else target_groups.get(group)
        if m is None or t is None or g is None:
            continue
        result[m, t, g] += total
    return result
