"""Ranking gaps, sorting them into the two kinds that lead the lists, and measuring how evenly
a county is covered.

A **gap** is a (municipality, tier, target group) whose coverage is below the threshold
(``mapping.coverage``). The lists a coordinator reads put them in two kinds, judged against the
gap's wellbeing services county (the area that plans the services):

- **Missing in the county** (``MissingSupport``): the county's coverage of the tier × target
  group is 0 (*missing everywhere*: no service reaches any of its children) or at most
  ``MOST_OF_THE_COUNTY`` (only a minority of its children have one). Such a gap is one problem
  of the county, not of each place: it is one row per county × tier × target group, with the
  children of the area listed and the municipalities affected.
- **Unequal** (``Gap``): places without a support that most of the county has (county coverage
  above ``MOST_OF_THE_COUNTY``): one row per municipality.

Both rank by uncovered children, then by the week's searches there that found nothing local,
then by codes in taxonomy order.

A service listing PARENTS counts for mothers and fathers too (``services.availability``), so a
mothers' or fathers' gap is often exactly the parents' gap: the same children, closed by the
same service. Such a gap is folded into the parents' row, which names the groups it covers, and
counted once (``fold_parents``). A mothers' gap that a mother-specific service has narrowed is
a gap of its own and keeps its row. Likewise the unequal rows of one place and tier with the
same numbers are one place without that support, one row naming its groups
(``fold_same_place``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from django.db.models import Sum
from django.utils import timezone

from services import availability
from services.models import SearchDemand

# "Most of the county": a support that reaches more than this share of the county's children
# is one the county has; a place without it is an unequal gap.
MOST_OF_THE_COUNTY = 0.5

# The kinds, as ``kind_of`` names them.
MISSING_EVERYWHERE = "missing_everywhere"
MOSTLY_MISSING = "mostly_missing"
UNEQUAL = "unequal"

PARENTS = availability.PARENTS
# The groups a PARENTS listing also counts for: their gaps may be only the parents' gap.
FOLDED_INTO_PARENTS = availability.counted_groups({PARENTS}) - {PARENTS}


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


def uniformity(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """1 − ``weighted_gini``, NaN where it would say nothing: no children (W = 0), or nobody
    covered anywhere (μ = 0). "Equally uncovered everywhere" is not evenness worth a
    figure, and printing 100 % beside 0 % coverage misleads."""
    x = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    result = 1.0 - weighted_gini(x, w)
    total = w.sum()
    if total <= 0:
        return np.full(result.shape, np.nan)
    mean = (x * w).sum(axis=-1) / total
    return np.where(mean > 0, result, np.nan)


def week_start(day: dt.date | None = None) -> dt.date:
    """The Monday of ``day``'s ISO week; without a day, of the last complete week."""
    if day is None:
        day = timezone.localdate() - dt.timedelta(days=7)
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class UnmetSearches:
    """One week's searches that found nothing local: municipality → [(tier, target group,
    count)]. A blank tier (or target group) means the searcher took any, and found nothing
    local in this one either: it counts for every tier (or group)."""

    rows: Mapping[str, Sequence[tuple[str, str, int]]]

    @classmethod
    def read(cls, *, week: dt.date, life_situation: str | None = None) -> UnmetSearches:
        """One query. With ``life_situation``, rows of that life situation and rows without
        one count; without it, all rows count."""
        rows = SearchDemand.objects.filter(
            week=week_start(week), found_local=False, municipality__isnull=False
        )
        if life_situation is not None:
            rows = rows.filter(life_situation__in=[life_situation, ""])
        found: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for municipality, tier, group, total in (
            rows.values("municipality_id", "tier", "target_group")
            .annotate(total=Sum("count"))
            .values_list("municipality_id", "tier", "target_group", "total")
            .order_by()
        ):
            found[municipality].append((tier, group, total))
        return cls(rows=dict(found))

    def count(self, municipality: str, tier: str, target_groups: Collection[str]) -> int:
        """Searches in ``municipality`` for ``tier`` and any of ``target_groups``; a search for
        any group counts once, however many groups are asked about."""
        return sum(
            total
            for row_tier, row_group, total in self.rows.get(municipality, ())
            if row_tier in ("", tier) and (row_group == "" or row_group in target_groups)
        )

    def array(
        self,
        *,
        municipalities: Mapping[str, int],
        tiers: Mapping[str, int],
        target_groups: Mapping[str, int],
    ) -> np.ndarray:
        """(M, T, G) counts (index maps give the positions). Rows with codes no longer in
        the taxonomies are left out."""
        result = np.zeros((len(municipalities), len(tiers), len(target_groups)), dtype=np.int64)
        for municipality, rows in self.rows.items():
            m = municipalities.get(municipality)
            if m is None:
                continue
            for tier, group, total in rows:
                t = slice(None) if tier == "" else tiers.get(tier)
                g = slice(None) if group == "" else target_groups.get(group)
                if t is None or g is None:
                    continue
                result[m, t, g] += total
        return result


def unmet_searches(
    *,
    week: dt.date,
    municipalities: dict[str, int],
    tiers: dict[str, int],
    target_groups: dict[str, int],
    life_situation: str | None = None,
) -> np.ndarray:
    """(M, T, G) searches of ``week`` that found nothing local, per municipality × tier ×
    target group (see ``UnmetSearches``). One query."""
    return UnmetSearches.read(week=week, life_situation=life_situation).array(
        municipalities=municipalities, tiers=tiers, target_groups=target_groups
    )


# --------------------------------------------------------------------------------------------
# The two kinds


@dataclass(frozen=True)
class Gap:
    """One municipality × tier × target group below the threshold."""

    municipality: str
    municipality_name: str
    county: str
    tier: str
    target_group: str
    children: float
    uncovered_children: float
    coverage: float
    unmet_searches: int
    # Groups whose gap here is only this (parents') gap, folded into this row.
    also_for: tuple[str, ...] = ()
    # Other groups without this tier in the same places here: as many children uncovered and
    # as many unmet searches (``fold_same_place``).
    same_for: tuple[str, ...] = ()
    # The county's coverage of the same tier × target group, when the list was sorted into
    # the two kinds.
    county_coverage: float | None = None

    @property
    def target_groups(self) -> tuple[str, ...]:
        return (self.target_group, *self.also_for, *self.same_for)


@dataclass(frozen=True)
class MissingSupport:
    """A tier × target group the county lacks: no service reaches any of its children
    (``missing_everywhere``), or only a minority of them. One row for the county."""

    county: str
    tier: str
    target_group: str
    children: float  # of the area listed in the county: all of it, or one municipality
    uncovered_children: float
    county_coverage: float
    municipalities: tuple[
        str, ...
    ]  # names of the municipalities with the gap, most uncovered first
    unmet_searches: int
    also_for: tuple[str, ...] = ()

    @property
    def missing_everywhere(self) -> bool:
        return self.county_coverage <= 0

    @property
    def coverage(self) -> float:
        if self.children <= 0:
            return 1.0
        return max(0.0, 1.0 - self.uncovered_children / self.children)

    @property
    def target_groups(self) -> tuple[str, ...]:
        return (self.target_group, *self.also_for)


@dataclass
class GapOverview:
    """The gaps of an area in the two kinds, each ranked; ``cells`` counts the municipality ×
    tier × target group gaps they were made of (before folding and grouping)."""

    missing: list[MissingSupport]
    unequal: list[Gap]
    cells: int

    @property
    def missing_everywhere(self) -> int:
        return sum(1 for row in self.missing if row.missing_everywhere)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def fold_parents(gaps: Sequence[Gap]) -> list[Gap]:
    """``gaps`` with each mothers' and fathers' gap that is only the parents' gap of the same
    municipality and tier (as many uncovered children: no mother- or father-specific service
    changes it) folded into the parents' row, order kept."""
    parents = {(gap.municipality, gap.tier): gap for gap in gaps if gap.target_group == PARENTS}
    folded: dict[tuple[str, str], list[str]] = defaultdict(list)
    kept: list[Gap] = []
    for gap in gaps:
        parent = parents.get((gap.municipality, gap.tier))
        if (
            gap.target_group in FOLDED_INTO_PARENTS
            and parent is not None
            and _same(gap.uncovered_children, parent.uncovered_children)
        ):
            folded[(gap.municipality, gap.tier)].append(gap.target_group)
            continue
        kept.append(gap)
    return [
        replace(gap, also_for=tuple(folded[(gap.municipality, gap.tier)]))
        if gap.target_group == PARENTS and folded.get((gap.municipality, gap.tier))
        else gap
        for gap in kept
    ]


def fold_same_place(gaps: Sequence[Gap], searches: UnmetSearches) -> list[Gap]:
    """``gaps`` (the parents' rows already folded) with the rows of one municipality and tier
    that leave as many children uncovered and had as many unmet searches folded into the
    first of them, order kept: a place without a kind of support is one gap, whichever groups
    it lacks it for (Pieksämäki without specialist services is one row naming eight groups,
    not eight tied rows). The folded row's unmet searches count each search once."""
    kept: list[Gap] = []
    same: dict[int, list[str]] = defaultdict(list)
    by_place: dict[tuple[str, str], list[int]] = defaultdict(list)
    for gap in gaps:
        place = (gap.municipality, gap.tier)
        into = next(
            (
                index
                for index in by_place[place]
                if _same(kept[index].uncovered_children, gap.uncovered_children)
                and kept[index].unmet_searches == gap.unmet_searches
            ),
            None,
        )
        if into is None:
            by_place[place].append(len(kept))
            kept.append(gap)
        else:
            same[into].extend(gap.target_groups)
    folded = []
    for index, gap in enumerate(kept):
        if same.get(index):
            gap = replace(gap, same_for=tuple(same[index]))
            gap = replace(
                gap,
                unmet_searches=searches.count(gap.municipality, gap.tier, gap.target_groups),
            )
        folded.append(gap)
    return folded


def kind_of(gap: Gap) -> str:
    """MISSING_EVERYWHERE, MOSTLY_MISSING or UNEQUAL, by the county's coverage of the gap's
    tier × target group."""
    assert gap.county_coverage is not None
    if gap.county_coverage <= 0:
        return MISSING_EVERYWHERE
    if gap.county_coverage <= MOST_OF_THE_COUNTY:
        return MOSTLY_MISSING
    return UNEQUAL


def sort_into_kinds(
    gaps: Sequence[Gap],
    *,
    area_children: Mapping[str, float],
    searches: UnmetSearches,
    tier_order: Mapping[str, int],
    group_order: Mapping[str, int],
) -> GapOverview:
    """The two kinds of ``gaps`` (ranked as ``mapping.coverage.gaps`` ranks them, each with
    its ``county_coverage``). ``area_children``: county → children of the area listed in it
    (the county, or the one municipality asked about)."""
    unequal: list[Gap] = []
    by_support: dict[tuple[str, str, str], list[Gap]] = defaultdict(list)
    for gap in gaps:
        if kind_of(gap) == UNEQUAL:
            unequal.append(gap)
        else:
            by_support[(gap.county, gap.tier, gap.target_group)].append(gap)

    ranked = fold_parents(unequal)
    ranked = [
        replace(
            gap,
            unmet_searches=searches.count(gap.municipality, gap.tier, gap.target_groups),
        )
        if gap.also_for
        else gap
        for gap in ranked
    ]
    ranked = fold_same_place(ranked, searches)
    position = {id(gap): i for i, gap in enumerate(ranked)}
    ranked.sort(key=lambda gap: (-gap.uncovered_children, -gap.unmet_searches, position[id(gap)]))

    # Missing in the county: the mothers' and fathers' rows that are only the parents' row
    # (the same coverage in the county) fold into it.
    covered = {key: rows[0].county_coverage for key, rows in by_support.items()}
    folded: dict[tuple[str, str], list[str]] = defaultdict(list)
    for county, tier, group in list(by_support):
        parent = (county, tier, PARENTS)
        if (
            group in FOLDED_INTO_PARENTS
            and parent in by_support
            and _same(covered[(county, tier, group)], covered[parent])
        ):
            folded[(county, tier)].append(group)
            del by_support[(county, tier, group)]
    missing = []
    for (county, tier, group), rows in by_support.items():
        groups = (group, *(folded[(county, tier)] if group == PARENTS else ()))
        rows = sorted(rows, key=lambda gap: -gap.uncovered_children)
        missing.append(
            MissingSupport(
                county=county,
                tier=tier,
                target_group=group,
                children=area_children.get(county, 0.0),
                uncovered_children=sum(gap.uncovered_children for gap in rows),
                county_coverage=covered[(county, tier, group)],
                municipalities=tuple(gap.municipality_name for gap in rows),
                unmet_searches=sum(searches.count(gap.municipality, tier, groups) for gap in rows),
                also_for=groups[1:],
            )
        )
    missing.sort(
        key=lambda row: (
            -row.uncovered_children,
            -row.unmet_searches,
            row.county,
            tier_order.get(row.tier, 0),
            group_order.get(row.target_group, 0),
        )
    )
    return GapOverview(missing=missing, unequal=ranked, cells=len(gaps))


# How a coordinator may sort either list; the default is the ranking.
SORTS: dict[str, Callable[[Gap | MissingSupport], tuple]] = {
    "uncovered": lambda row: (-row.uncovered_children, -row.unmet_searches),
    "coverage": lambda row: (row.coverage, -row.uncovered_children),
    "searches": lambda row: (-row.unmet_searches, -row.uncovered_children),
}
DEFAULT_SORT = "uncovered"


def sorted_rows(rows: Iterable[Gap | MissingSupport], sort: str) -> list:
    """``rows`` (ranked) sorted by ``SORTS[sort]``; equal rows keep their rank order."""
    return sorted(rows, key=SORTS[sort])
