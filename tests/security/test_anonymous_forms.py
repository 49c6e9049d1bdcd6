"""The two forms anyone may send (an error report, a shared support list): a body too large is
refused unread, a time stamp is accepted once, and the limits hold while Redis is away."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from services.form_protection import (
    MAX_BODY_BYTES,
    STARTED_FIELD,
    process_cache,
    started_token,
)
from services.models import ErrorReport, SharedList
from services.views.pages import REPORTS_PER_CLIENT
from tests.pages.conftest import ORIGIN, World, make_world, protected_post

# A Redis that refuses connections (nothing listens on port 1), as the site is configured for
# Redis in production: errors ignored, short timeouts.
REDIS_AWAY = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
}


class Unreadable(io.RawIOBase):
    """A request body that must not be read."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    readline = read


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    cache.clear()
    process_cache.clear()
    yield
    process_cache.clear()


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def report_url(world: World) -> str:
    return f"/en/services/{world.service.pk}/report/"


@pytest.mark.parametrize("form", ["report", "share"])
def test_a_body_over_the_limit_is_refused_before_it_is_read(
    parent_client: Client, world: World, form: str
) -> None:
    url = report_url(world) if form == "report" else "/en/list/share/"
    response = parent_client.generic(
        "POST",
        url,
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
        HTTP_ORIGIN=ORIGIN,
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "The form could not be accepted" in response.content.decode()
    assert not ErrorReport.objects.exists() and not SharedList.objects.exists()


def test_a_body_just_over_the_limit_is_refused_and_one_under_it_is_read(
    parent_client: Client, world: World
) -> None:
    padding = "x" * MAX_BODY_BYTES
    response = protected_post(parent_client, report_url(world), {"text": "Ok.", "pad": padding})
    assert response.status_code == 413
    response = protected_post(parent_client, report_url(world), {"text": "Wrong phone number."})
    assert response.status_code == 302
    assert ErrorReport.objects.get().text == "Wrong phone number."


def test_a_body_streamed_without_a_length_is_refused(parent_client: Client, world: World) -> None:
    response = parent_client.generic(
        "POST",
        report_url(world),
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        HTTP_ORIGIN=ORIGIN,
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 411


def test_a_form_time_stamp_is_accepted_once(parent_client: Client, world: World) -> None:
    token = started_token(time.time() - 60)
    first = protected_post(parent_client, report_url(world), {"text": "One.", STARTED_FIELD: token})
    again = protected_post(parent_client, report_url(world), {"text": "Two.", STARTED_FIELD: token})
    assert first.status_code == 302
    assert again.status_code == 400
    assert "sent too quickly or is too old" in again.content.decode()
    assert [report.text for report in ErrorReport.objects.all()] == ["One."]


def test_two_forms_shown_in_the_same_second_are_both_accepted(
    parent_client: Client, world: World
) -> None:
    moment = time.time() - 60
    for text in ("One.", "Two."):
        token = started_token(moment)
        response = protected_post(
            parent_client, report_url(world), {"text": text, STARTED_FIELD: token}
        )
        assert response.status_code == 302
    assert ErrorReport.objects.count() == 2


@override_settings(CACHES=REDIS_AWAY)
def test_while_redis_is_away_a_time_stamp_is_still_accepted_once(
    parent_client: Client, world: World
) -> None:
    token = started_token(time.time() - 60)
    share = {"list": str(world.service.pk), "note": "", STARTED_FIELD: token}
    assert protected_post(parent_client, "/en/list/share/", share).status_code == 302
    assert protected_post(parent_client, "/en/list/share/", share).status_code == 400
    assert SharedList.objects.count() == 1


@override_settings(CACHES=REDIS_AWAY)
def test_while_redis_is_away_the_rate_limit_counts_in_the_process(
    parent_client: Client, world: World
) -> None:
    for number in range(REPORTS_PER_CLIENT):
        response = protected_post(parent_client, report_url(world), {"text": f"Error {number}"})
        assert response.status_code == 302
    response = protected_post(parent_client, report_url(world), {"text": "One more"})
    assert response.status_code == 429
    assert ErrorReport.objects.count() == REPORTS_PER_CLIENT
