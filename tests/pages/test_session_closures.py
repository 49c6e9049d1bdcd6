"""A service page never shows a group session on a day its own place is closed without
saying so (issue 11, point 7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.models import GroupSession, OpeningHoursException
from services.opening_hours import HELSINKI
from tests.pages.conftest import World

WARNING = "May be cancelled:"


def _session_on(world: World, day: dt.date, *, hour: int = 17, **fields: object) -> GroupSession:
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=HELSINKI)
    return GroupSession.objects.create(
        service=world.service,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        **{
            "location": world.location,
            "title_fi": "Vanhempainilta",
            "title_en": "Parents' evening",
            **fields,
        },
    )


def _service_page(client: Client, world: World) -> str:
    response = client.get(f"/en/services/{world.service.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _item_of(html: str, title: str) -> str:
    start = html.index(title)
    return html[start : html.index("</li>", start)]


def test_a_session_on_a_closure_day_of_its_place_is_marked_as_maybe_cancelled(
    parent_client: Client, world: World
) -> None:
    # the world's location is closed for the Christmas break 20 to 22 days from today
    _session_on(world, timezone.localdate() + dt.timedelta(days=21))
    item = _item_of(_service_page(parent_client, world), "Parents&#x27; evening")
    assert WARNING in item
    assert "the place is closed on this day. Check with the provider before you go." in item
    assert '<span lang="fi">Joulutauko</span>' in item  # the break's note, in Finnish only


def test_sessions_on_open_days_are_not_marked(parent_client: Client, world: World) -> None:
    _session_on(world, timezone.localdate() + dt.timedelta(days=19))
    html = _service_page(parent_client, world)
    assert WARNING not in _item_of(html, "Parents&#x27; evening")
    assert WARNING not in _item_of(html, "Separation group")
    assert html.count(WARNING) == 0


def test_a_session_ending_at_midnight_before_the_closure_is_not_marked(
    parent_client: Client, world: World
) -> None:
    _session_on(world, timezone.localdate() + dt.timedelta(days=19), hour=22)
    assert WARNING not in _service_page(parent_client, world)


def test_different_hours_on_the_day_are_no_closure(parent_client: Client, world: World) -> None:
    day = timezone.localdate() + dt.timedelta(days=30)
    OpeningHoursException.objects.create(
        location=world.location, start_date=day, end_date=day, opens=dt.time(8), closes=dt.time(12)
    )
    _session_on(world, day)
    assert WARNING not in _service_page(parent_client, world)


def test_a_session_elsewhere_or_online_is_not_marked_by_the_locations_closure(
    parent_client: Client, world: World
) -> None:
    day = timezone.localdate() + dt.timedelta(days=21)
    _session_on(world, day, location=None, place_fi="Seurakuntatalo")
    _session_on(world, day, hour=12, location=None, online_url="https://video.example.org/x")
    assert WARNING not in _service_page(parent_client, world)


def test_a_session_already_cancelled_says_cancelled_only(
    parent_client: Client, world: World
) -> None:
    _session_on(world, timezone.localdate() + dt.timedelta(days=21), is_cancelled=True)
    item = _item_of(_service_page(parent_client, world), "Parents&#x27; evening")
    assert WARNING not in item


# The list of upcoming sessions marks them the same way.


def _session_list(client: Client) -> str:
    response = client.get("/en/sessions/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_session_list_marks_a_session_on_a_closure_day_and_no_other(
    parent_client: Client, world: World
) -> None:
    _session_on(world, timezone.localdate() + dt.timedelta(days=21))
    _session_on(world, timezone.localdate() + dt.timedelta(days=19), title_en="Open day talk")
    html = _session_list(parent_client)
    item = _item_of(html, "Parents&#x27; evening")
    assert WARNING in item
    assert '<span lang="fi">Joulutauko</span>' in item
    assert WARNING not in _item_of(html, "Open day talk")
    assert html.count(WARNING) == 1


def test_the_session_list_reads_the_closures_in_one_query_however_many_sessions(
    parent_client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    _session_on(world, timezone.localdate() + dt.timedelta(days=21))
    _session_list(parent_client)  # warm: the session, the term registries
    with CaptureQueriesContext(connection) as one:
        _session_list(parent_client)
    for days in range(22, 32):
        _session_on(world, timezone.localdate() + dt.timedelta(days=days))
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = _session_list(parent_client)
    assert html.count(WARNING) == 2  # the 21st and the 22nd day: the break's last two days
