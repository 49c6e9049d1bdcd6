"""``{{ tier|for_parents }}``: a tier's plain label for parents (``services.tiers``)."""

from __future__ import annotations

from django import template

from services import tiers
from services.models import Tier

register = template.Library()


@register.filter
def for_parents(tier: Tier) -> str:
    return tiers.for_parents(tier.code, tier.name)
