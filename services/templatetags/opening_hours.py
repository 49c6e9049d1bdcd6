from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import time_format
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def closing_time(value: dt.time | None) -> str:
    """A closing time; 00:00 means midnight and reads as the end of the day."""
    if value is None:
        return ""
    if value == dt.time(0, 0):
        return pgettext("closing time at midnight", "24:00")
    return time_format(value)
