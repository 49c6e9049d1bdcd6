"""Who may do what in the API: anyone reads (the anonymous throttled), nobody writes but staff."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from accounts.models import User
from tests.hsds.world import World

URLS = ["/api/v1/services/", "/api/v1/tiers/", "/api/hsds/services"]


@pytest.fixture
def low_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})


@pytest.mark.parametrize("url", URLS)
def test_anonymous_reads_are_throttled(
    client: Client, world: World, low_rate: None, url: str
) -> None:
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Retry-After" in client.get(url)


def test_a_forged_forwarded_address_does_not_escape_the_throttle(
    world: World, low_rate: None
) -> None:
    # With no proxies declared (NUM_PROXIES 0), X-Forwarded-For is anybody's to write.
    statuses = [
        Client(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").get(URLS[0]).status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_signed_in_users_are_not_throttled(
    staff_client: Client, world: World, low_rate: None
) -> None:
    assert {staff_client.get("/api/v1/services/").status_code for _ in range(5)} == {200}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nobody_changes_anything_through_the_read_api(
    client: Client, staff_client: Client, world: World, method: str
) -> None:
    list_url, detail_url = "/api/v1/services/", f"/api/v1/services/{world.service.pk}/"
    for url in (list_url, detail_url):
        assert getattr(client, method)(url, {}, content_type="application/json").status_code == 403
        response = getattr(staff_client, method)(url, {}, content_type="application/json")
        assert response.status_code == 405
    assert client.post("/api/hsds/services", {}).status_code == 403


def test_staff_writes_need_the_csrf_token(staff_user: User, world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post("/api/v1/services/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_no_cookie_is_set_for_anonymous_readers(client: Client, world: World) -> None:
    for url in URLS:
        assert not client.get(url).cookies
