from __future__ import annotations

import datetime as dt

from services.models import OpeningHours, OpeningHoursException
from services.opening_hours import HELSINKI
from services.opening_summary import summarise_hours

WEEKDAYS_8_TO_16 = [OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(16)) for d in range(5)]


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in December 2026 in Helsinki; 7 December 2026 is a Monday."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=HELSINKI)


def test_during_opening_hours_it_is_open_until_closing_time() -> None:
    summary = summarise_hours(WEEKDAYS_8_TO_16, [], now=at(7, 9, 30))
    assert summary.open_now
    assert summary.closes_at == dt.time(16)
    assert summary.next_opens is None


def test_on_a_friday_evening_it_next_opens_on_monday_morning() -> None:
    summary = summarise_hours(WEEKDAYS_8_TO_16, [], now=at(11, 18))
    assert not summary.open_now
    assert summary.next_opens == at(14, 8)


def test_an_exception_closes_it_and_is_listed() -> None:
    holiday = OpeningHoursException(
        start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 8), note="Joulutauko"
    )
    summary = summarise_hours(WEEKDAYS_8_TO_16, [holiday], now=at(7, 9))
    assert not summary.open_now
    assert summary.next_opens == at(9, 8)
    assert summary.exceptions == [holiday]


def test_the_week_starts_on_monday_and_marks_today() -> None:
    summary = summarise_hours(WEEKDAYS_8_TO_16, [], now=at(9, 12))
    assert [day.name for day in summary.week][:2] == ["Monday", "Tuesday"]
    assert [day.name for day in summary.week if day.is_today] == ["Wednesday"]
    assert summary.week[5].intervals == []


def test_utc_moments_are_read_in_helsinki_time() -> None:
    # 06:30 UTC is 08:30 in Helsinki in winter.
    summary = summarise_hours(
        WEEKDAYS_8_TO_16, [], now=dt.datetime(2026, 12, 7, 6, 30, tzinfo=dt.UTC)
    )
    assert summary.open_now


def test_no_hours_means_nothing_to_show() -> None:
    assert not summarise_hours([], [], now=at(7, 9)).has_hours
