"""The cache stops asking a Redis that does not answer (perhekeskus/redis_cache.py).

A real Redis behind the stack test's fault proxy (tests/stack/proxy.py), which counts the
connections it accepts: while the pause lasts, neither a new connection nor one that is already
open sends anything, so a page's cache calls miss at once instead of each waiting for the socket
timeout. Runs when ``TEST_REDIS_URL`` is set, as the other Redis tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import redis

from perhekeskus import redis_cache
from tests.stack.proxy import FaultyProxy


@pytest.fixture
def proxy() -> Iterator[FaultyProxy]:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("TEST_REDIS_URL is not set on CI: the Redis tests must run.")
        pytest.skip("TEST_REDIS_URL is not set (./dev test sets it when Redis answers).")
    parts = urlsplit(url)
    running = FaultyProxy((parts.hostname or "127.0.0.1", parts.port or 6379))
    yield running
    running.close()


@pytest.fixture
def unpaused(settings: object) -> Iterator[None]:
    settings.REDIS_CACHE_PAUSE_SECONDS = 60  # type: ignore[attr-defined]
    redis_cache._paused_until = 0.0
    yield
    redis_cache._paused_until = 0.0


def client_through(proxy: FaultyProxy) -> redis.Redis:
    pool = redis_cache.PausingConnectionPool(
        host="127.0.0.1", port=proxy.port, socket_timeout=0.2, socket_connect_timeout=0.2
    )
    return redis.Redis(connection_pool=pool)


def test_a_silent_redis_is_waited_for_once_then_left_alone(
    proxy: FaultyProxy, unpaused: None
) -> None:
    client = client_through(proxy)
    assert client.ping()
    proxy.set_mode("silent")

    with pytest.raises((redis.ConnectionError, redis.TimeoutError)):
        client.get("perhekeskus-pause-test")  # waits for the socket timeout, then pauses
    assert redis_cache.paused()
    accepted = proxy.accepted
    for _ in range(20):
        with pytest.raises(redis.ConnectionError, match="not asked again"):
            client.get("perhekeskus-pause-test")
    assert proxy.accepted == accepted  # not one new connection while paused


def test_an_open_connection_sends_nothing_while_paused(proxy: FaultyProxy, unpaused: None) -> None:
    pool = client_through(proxy).connection_pool
    connection = pool.get_connection()
    connection.send_command("PING")
    assert connection.read_response() == b"PONG"
    received = proxy.received

    redis_cache._pause()
    with pytest.raises(redis.ConnectionError, match="not asked again"):
        connection.send_command("PING")
    assert connection._sock is None  # dropped, as after any failure
    assert proxy.received == received

    redis_cache._paused_until = 0.0  # the pause is over: Redis is asked again
    connection.send_command("PING")
    assert connection.read_response() == b"PONG"
    pool.release(connection)
