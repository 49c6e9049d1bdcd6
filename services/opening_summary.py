"""Opening hours as a page shows them: open now or when next, the week, coming exceptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.dates import WEEKDAYS

from services.models import OpeningHours, OpeningHoursException
from services.opening_hours import HELSINKI, Interval, intervals_on, is_open, next_opening

# Exceptions further ahead than this are not worth a line on the page yet.
EXCEPTIONS_AHEAD_DAYS = 60


@dataclass(frozen=True)
class Day:
    name: str
    intervals: list[Interval]
    is_today: bool


@dataclass
class HoursSummary:
    open_now: bool = False
    closes_at: dt.time | None = None
    next_opens: dt.datetime | None = None
    week: list[Day] = field(default_factory=list)
    exceptions: list[OpeningHoursException] = field(default_factory=list)

    @property
    def has_hours(self) -> bool:
        return bool(self.week) or bool(self.exceptions)


def summarise_hours(
    hours: Iterable[OpeningHours],
    exceptions: Iterable[OpeningHoursException],
    *,
    now: dt.datetime,
) -> HoursSummary:
    hours, exceptions = list(hours), list(exceptions)
    if not hours and not exceptions:
        return HoursSummary()
    local = now.astimezone(HELSINKI)
    today = local.date()
    summary = HoursSummary(open_now=is_open(now, hours, exceptions))
    if summary.open_now:
        current = next(
            interval
            for interval in intervals_on(today, hours, exceptions)
            if interval.contains(local.time())
        )
        summary.closes_at = current.closes
    else:
        summary.next_opens = next_opening(now, hours, exceptions)
    if hours:
        summary.week = [
            Day(
                name=str(WEEKDAYS[weekday]),
                intervals=sorted(
                    (Interval(h.opens, h.closes) for h in hours if h.weekday == weekday),
                    key=lambda interval: interval.opens,
                ),
                is_today=weekday == today.weekday(),
            )
            for weekday in range(7)
        ]
    horizon = today + dt.timedelta(days=EXCEPTIONS_AHEAD_DAYS)
    summary.exceptions = sorted(
        (e for e in exceptions if e.end_date >= today and e.start_date <= horizon),
        key=lambda e: e.start_date,
    )
    return summary
