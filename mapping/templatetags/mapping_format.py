"""Numbers of the coverage dashboard as people read them in the active language."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()


def percent_value(share: float) -> float:
    """A share in percent with one decimal, never rounded up to a full 100.

    A municipality where a handful of children are not covered shows 99.9 %, not 100 %, so
    that a gap never disappears in the rounding.
    """
    tenths = math.floor(share * 1000 + 1e-6)
    if share < 1 and tenths >= 1000:
        tenths = 999
    return tenths / 10


@register.filter
def percent(share: float | None) -> str:
    """A share as a percentage in the active language, e.g. 82,5 % in Finnish."""
    if share is None:
        return "–"
    value = percent_value(share)
    decimals = 0 if value == int(value) else 1
    return gettext("%(number)s %%") % {
        "number": number_format(value, decimal_pos=decimals, use_l10n=True)
    }


@register.filter
def children(count: float | None) -> str:
    """An estimated number of children, to the nearest whole child, digits grouped."""
    if count is None:
        return "–"
    return number_format(round(count), decimal_pos=0, use_l10n=True, force_grouping=True)
