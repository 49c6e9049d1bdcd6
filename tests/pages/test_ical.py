from __future__ import annotations

from django.test import Client
from icalendar import Calendar

from tests.pages.conftest import World


def feed(client: Client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert not response.cookies
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_is_a_valid_calendar_with_the_upcoming_sessions(
    parent_client: Client, world: World
) -> None:
    calendar = feed(parent_client, "/en/sessions/calendar.ics")
    assert calendar["version"] == "2.0"
    assert calendar["prodid"]
    found = events(calendar)
    assert set(found) == {"Separation group", "Online lecture for parents", "Cancelled group"}
    lecture = found["Online lecture for parents"]
    assert lecture["uid"] == f"{world.online_session.uuid}@perhekeskus"
    assert lecture.decoded("dtstart") == world.online_session.starts_at
    assert lecture.decoded("dtend") == world.online_session.ends_at
    assert lecture["dtstart"].to_ical().endswith(b"Z")  # UTC: no VTIMEZONE needed
    assert "https://video.example.org/luento" in str(lecture["location"])
    assert str(lecture["url"]).endswith(f"/en/services/{world.service.pk}/")
    assert "dtstamp" in lecture


def test_a_cancelled_session_is_cancelled_in_the_calendar(
    parent_client: Client, world: World
) -> None:
    found = events(feed(parent_client, "/en/sessions/calendar.ics"))
    assert found["Cancelled group"]["status"] == "CANCELLED"
    assert found["Separation group"]["status"] == "CONFIRMED"
    assert "Hallituskatu 3" in str(found["Separation group"]["location"])


def test_uids_are_stable_between_downloads(parent_client: Client, world: World) -> None:
    english, finnish = (
        [str(e["uid"]) for e in feed(parent_client, url).walk("VEVENT")]
        for url in ("/en/sessions/calendar.ics", "/fi/sessions/calendar.ics")
    )
    assert english == finnish


def test_the_feed_takes_the_same_filters_as_the_list(parent_client: Client, world: World) -> None:
    calendar = feed(parent_client, "/en/sessions/calendar.ics?mode=online&start=nonsense")
    assert set(events(calendar)) == {"Online lecture for parents"}


def test_the_list_page_links_to_the_feed_with_its_filters(
    parent_client: Client, world: World
) -> None:
    html = parent_client.get("/en/sessions/?mode=online&list=3&page=1").content.decode()
    assert 'href="/en/sessions/calendar.ics?mode=online"' in html


def test_each_service_has_its_own_feed(parent_client: Client, world: World) -> None:
    calendar = feed(parent_client, f"/fi/services/{world.service.pk}/calendar.ics")
    assert set(events(calendar)) == {"Eroryhmä", "Verkkoluento vanhemmille", "Peruttu ryhmä"}
    assert str(calendar["x-wr-calname"]) == "Parisuhdeneuvonta Mikkelissä"


def test_an_unpublished_service_has_no_feed(parent_client: Client, world: World) -> None:
    assert parent_client.get(f"/en/services/{world.draft.pk}/calendar.ics").status_code == 404
