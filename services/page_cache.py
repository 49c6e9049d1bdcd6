"""A web process's most recently used answers, for anonymous search pages and API lists.

Bounded three ways, so that no visitor can make a process grow: by count, by bytes (an HSDS
page of 100 full services is almost 3 MB, and anyone may ask for each of 200 such pages), and
by the catalogue's version: every key starts with the version it was made from, and an
answer of another version is never asked for again, so a new version drops the old answers at
once instead of letting them sit until the count pushes them out. Thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar


class Page(Protocol):
    content: bytes


P = TypeVar("P", bound=Page)
Key = tuple[Hashable, ...]  # (catalogue version, …)


class PageCache(Generic[P]):
    """An LRU of pages of one catalogue version. The limits are read on every use (they are
    settings, and tests change them): ``entries()`` pages, ``max_bytes()`` bytes of content
    (a page larger than a quarter of that is not kept), none older than ``max_age()``
    seconds (None: no age limit)."""

    def __init__(
        self,
        *,
        entries: Callable[[], int],
        max_bytes: Callable[[], int],
        max_age: Callable[[], float | None] = lambda: None,
    ) -> None:
        self.entries, self.max_bytes, self.max_age = entries, max_bytes, max_age
        self.pages: OrderedDict[Key, tuple[P, float]] = OrderedDict()
        self.bytes = 0
        self.version: str | None = None
        self.lock = threading.Lock()

    def get(self, key: Key) -> P | None:
        with self.lock:
            kept = self.pages.get(key)
            if kept is None:
                return None
            page, kept_at = kept
            max_age = self.max_age()
            if max_age is not None and time.monotonic() - kept_at > max_age:
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: Key, page: P) -> None:
        size, limit = len(page.content), self.max_bytes()
        if self.entries() <= 0 or size * 4 > limit:
            return
        with self.lock:
            if key[0] != self.version:
                self.pages.clear()
                self.bytes = 0
                self.version = key[0]
            if key in self.pages:
                self._drop(key)
            self.pages[key] = (page, time.monotonic())
            self.bytes += size
            while self.pages and (len(self.pages) > self.entries() or self.bytes > limit):
                self._drop(next(iter(self.pages)))

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.bytes = 0
            self.version = None

    def _drop(self, key: Key) -> None:
        page, _kept_at = self.pages.pop(key)
        self.bytes -= len(page.content)
