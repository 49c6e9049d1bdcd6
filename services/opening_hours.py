"""Is a location or a phone line open now, and when does it open next?

Works on opening hours and exceptions already fetched (prefetch them), in Helsinki time. An
exception replaces the weekly hours on every day of its date range: closed, or its own hours.
A closing time of 00:00 means midnight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from services.models import GroupSession, OpeningHours, OpeningHoursException

HELSINKI = ZoneInfo("Europe/Helsinki")
MIDNIGHT = dt.time(0, 0)


@dataclass(frozen=True)
class Interval:
    opens: dt.time
    closes: dt.time  # 00:00 means midnight

    def contains(self, moment: dt.time) -> bool:
        return self.opens <= moment and (self.closes == MIDNIGHT or moment < self.closes)


def intervals_on(
    day: dt.date,
    hours: Iterable[OpeningHours],
    exceptions: Iterable[OpeningHoursException] = (),
) -> list[Interval]:
    """The opening intervals of one day, exceptions taken into account."""
    for exception in exceptions:
        if exception.start_date <= day <= exception.end_date:
            if exception.is_closed:
                return []
            return [Interval(exception.opens, exception.closes)]
    weekday = day.weekday()
    return sorted(
        (Interval(h.opens, h.closes) for h in hours if h.weekday == weekday),
        key=lambda interval: interval.opens,
    )


def is_open(
    at: dt.datetime,
    hours: Iterable[OpeningHours],
    exceptions: Iterable[OpeningHoursException] = (),
) -> bool:
    local = at.astimezone(HELSINKI)
    return any(
        interval.contains(local.time())
        for interval in intervals_on(local.date(), list(hours), list(exceptions))
    )


def next_opening(
    after: dt.datetime,
    hours: Iterable[OpeningHours],
    exceptions: Iterable[OpeningHoursException] = (),
    *,
    horizon_days: int = 31,
) -> dt.datetime | None:
    """The next moment after ``after`` when an interval starts, within ``horizon_days``."""
    hours, exceptions = list(hours), list(exceptions)
    local = after.astimezone(HELSINKI)
    for offset in range(horizon_days + 1):
        day = local.date() + dt.timedelta(days=offset)
        for interval in intervals_on(day, hours, exceptions):
            start = dt.datetime.combine(day, interval.opens, tzinfo=HELSINKI)
            if start > local:
                return start
    return None


def closure_during(
    session: GroupSession, exceptions: Iterable[OpeningHoursException]
) -> OpeningHoursException | None:
    """The closure (an exception without hours) among ``exceptions``, those of the session's
    own location, on a day the session meets, in Helsinki time; ``None`` for sessions
    elsewhere, online only or cancelled."""
    if session.is_cancelled or session.location_id is None:
        return None
    first = session.starts_at.astimezone(HELSINKI).date()
    # a session ending at midnight does not meet on the next day
    last = (session.ends_at - dt.timedelta(microseconds=1)).astimezone(HELSINKI).date()
    for exception in exceptions:
        if exception.is_closed and exception.start_date <= last and first <= exception.end_date:
            return exception
    return None
