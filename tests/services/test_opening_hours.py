from __future__ import annotations

import datetime as dt

from services.models import OpeningHours, OpeningHoursException
from services.opening_hours import HELSINKI, is_open, next_opening


def hours(weekday: int, opens: str, closes: str) -> OpeningHours:
    return OpeningHours(
        weekday=weekday, opens=dt.time.fromisoformat(opens), closes=dt.time.fromisoformat(closes)
    )


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


# 2026-12-07 is a Monday.
WEEKDAYS_9_TO_15 = [hours(day, "09:00", "15:00") for day in range(5)]


def test_open_inside_the_hours_and_closed_outside() -> None:
    assert is_open(at("2026-12-07T09:00"), WEEKDAYS_9_TO_15)
    assert is_open(at("2026-12-07T14:59"), WEEKDAYS_9_TO_15)
    assert not is_open(at("2026-12-07T15:00"), WEEKDAYS_9_TO_15)
    assert not is_open(at("2026-12-12T10:00"), WEEKDAYS_9_TO_15)  # Saturday


def test_helsinki_time_is_used_whatever_the_clock_zone() -> None:
    utc_morning = dt.datetime(2026, 12, 7, 7, 30, tzinfo=dt.UTC)  # 09:30 in Helsinki
    assert is_open(utc_morning, WEEKDAYS_9_TO_15)


def test_a_closing_time_of_midnight_keeps_the_evening_open() -> None:
    evening = [hours(0, "18:00", "00:00")]
    assert is_open(at("2026-12-07T23:59"), evening)
    assert not is_open(at("2026-12-07T17:59"), evening)


def test_a_closed_exception_overrides_the_weekly_hours() -> None:
    christmas = OpeningHoursException(
        start_date=dt.date(2026, 12, 24), end_date=dt.date(2026, 12, 26)
    )
    assert not is_open(at("2026-12-24T10:00"), WEEKDAYS_9_TO_15, [christmas])
    assert is_open(at("2026-12-23T10:00"), WEEKDAYS_9_TO_15, [christmas])


def test_an_exception_with_hours_replaces_the_days_hours() -> None:
    short_day = OpeningHoursException(
        start_date=dt.date(2026, 12, 23),
        end_date=dt.date(2026, 12, 23),
        opens=dt.time(9),
        closes=dt.time(12),
    )
    assert not is_open(at("2026-12-23T13:00"), WEEKDAYS_9_TO_15, [short_day])
    assert is_open(at("2026-12-23T11:00"), WEEKDAYS_9_TO_15, [short_day])


def test_next_opening_skips_the_weekend_and_holidays() -> None:
    christmas = OpeningHoursException(
        start_date=dt.date(2026, 12, 24), end_date=dt.date(2026, 12, 28)
    )
    after = at("2026-12-23T16:00")  # Wednesday evening
    assert next_opening(after, WEEKDAYS_9_TO_15, [christmas]) == at("2026-12-29T09:00")


def test_no_hours_means_no_next_opening() -> None:
    assert next_opening(at("2026-12-07T10:00"), []) is None
