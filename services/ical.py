"""Group sessions as an iCalendar (RFC 5545) feed a calendar app can subscribe to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from services.models import GroupSession

PRODID = "-//Perhekeskus//Group sessions//FI"


def session_location(session: GroupSession) -> str:
    if session.location_id:
        location = session.location
        parts = [location.name, location.street_address, location.postal_code]
        place = ", ".join(p for p in parts if p)
        return f"{place} {location.municipality.name}".strip()
    return session.place or session.online_url


def sessions_calendar(
    sessions: Iterable[GroupSession],
    *,
    name: str,
    absolute_url: Callable[[str], str],
    now: dt.datetime | None = None,
) -> bytes:
    """A VCALENDAR of ``sessions`` with times in UTC and the session's UUID as a stable UID.

    ``absolute_url(path)`` turns a site path into a full address for the events' URL.
    """
    stamp = (now or timezone.now()).astimezone(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        event = Event()
        event.add("uid", f"{session.uuid}@perhekeskus")
        event.add("dtstamp", stamp)
        event.add("last-modified", session.updated_at.astimezone(dt.UTC))
        event.add("dtstart", session.starts_at.astimezone(dt.UTC))
        event.add("dtend", session.ends_at.astimezone(dt.UTC))
        event.add("summary", session.display_title)
        description = "\n\n".join(
            part
            for part in (
                session.description,
                session.service.organisation.name,
                session.registration_url,
                session.online_url,
            )
            if part
        )
        if description:
            event.add("description", description)
        location = session_location(session)
        if location:
            event.add("location", location)
        event.add("url", absolute_url(session.service.get_absolute_url()))
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
