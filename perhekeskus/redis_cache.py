"""The cache's Redis connections: when Redis does not answer, stop asking it for a moment.

Used by ``settings.CACHES`` (``CONNECTION_POOL_CLASS``) when ``REDIS_URL`` is set. A Redis that
refuses connections fails each cache call at once, but one that accepts and never answers
(a hung server, a half-dead network path) costs every cache call the whole socket timeout,
and a public page makes several. After such a failure every connection of this process, new or
already open, fails at once for ``REDIS_CACHE_PAUSE_SECONDS``, so the cache misses
(``IGNORE_EXCEPTIONS``) without waiting; the first call after the pause tries Redis again.
"""

from __future__ import annotations

import time
from typing import Any

import redis
from django.conf import settings

_paused_until = 0.0
NOT_ASKED = "Redis did not answer a moment ago; not asked again yet"


def paused() -> bool:
    return time.monotonic() < _paused_until


def _pause() -> None:
    global _paused_until
    _paused_until = time.monotonic() + settings.REDIS_CACHE_PAUSE_SECONDS


class PausingConnection(redis.Connection):
    def connect_check_health(self, *args: Any, **kwargs: Any) -> None:
        if self._sock is None and paused():
            raise redis.ConnectionError(NOT_ASKED)
        try:
            super().connect_check_health(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            _pause()
            raise

    def send_packed_command(self, *args: Any, **kwargs: Any) -> None:
        if paused():  # an open socket to a Redis that stopped answering would wait too
            self.disconnect()
            raise redis.ConnectionError(NOT_ASKED)
        super().send_packed_command(*args, **kwargs)

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            _pause()
            raise


class PausingConnectionPool(redis.ConnectionPool):
    def __init__(self, connection_class: type = redis.Connection, **kwargs: Any) -> None:
        if connection_class is redis.Connection:  # TLS and Unix sockets keep their own class
            connection_class = PausingConnection
        super().__init__(connection_class=connection_class, **kwargs)
