"""Who a service serves and where it is available: the rules search, the API and coverage share.

PRODUCT.md "Mapping" defines them; the public search (``services.search``), the API filters
(``services.filters`` through ``search.filter_services``) and the coverage engine
(``mapping.engine``) all read them from here:

- **Who**: a service counts for every target group it lists; one listing PARENTS, or listing
  no target group ("all parents"), counts for PARENTS, MOTHERS and FATHERS too.
- **Where**: a service is available to a place in its area served (nationwide, its counties,
  its municipalities) when it reaches families wherever they live — a remote channel, or home
  visits — or when one of its locations lies within its tier's reach distance.
- **Local**: a search result is *local* for a family on exactly those terms; the demand
  signal counts searches that found nothing local.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.conf import settings
from django.db.models import Q

PARENTS = "PARENTS"
# A service listing one of these groups, or no group, counts for all of ALL_PARENTS.
WIDENING_GROUPS = frozenset({PARENTS})
ALL_PARENTS = ("PARENTS", "MOTHERS", "FATHERS")
# The channel that reaches families at home although it is not remote.
HOME_VISIT = "HOME_VISIT"
# Reach of a tier missing from settings.COVERAGE_REACH_KM.
DEFAULT_REACH_KM = 25.0


def counted_groups(listed: Iterable[str]) -> frozenset[str]:
    """The target groups a service listing ``listed`` counts for."""
    groups = set(listed)
    if not groups or groups & WIDENING_GROUPS:
        groups |= set(ALL_PARENTS)
    return frozenset(groups)


def listings_counting_for(wanted: Collection[str]) -> tuple[frozenset[str], bool]:
    """Which listed groups make a service count for any of ``wanted``, and whether a service
    listing no group at all does: the filter form of ``counted_groups``."""
    wanted = set(wanted)
    listed = set(wanted)
    if wanted & set(ALL_PARENTS):
        listed |= WIDENING_GROUPS
    return frozenset(listed), bool(wanted & set(ALL_PARENTS))


def reach_km(tier: str) -> float:
    """How far (km, great-circle) a service point of ``tier`` reaches families."""
    return float(settings.COVERAGE_REACH_KM.get(tier, DEFAULT_REACH_KM))


def reaches_everywhere(channel: str, is_remote: bool) -> bool:
    """Does a service with this channel reach families wherever they live?"""
    return is_remote or channel == HOME_VISIT


def reaches_everywhere_q(prefix: str = "channel") -> Q:
    """The same, as a filter on rows that point at a channel (``prefix``)."""
    return Q(**{f"{prefix}__is_remote": True}) | Q(**{f"{prefix}_id": HOME_VISIT})
