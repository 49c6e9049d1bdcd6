"""A web process keeps anonymous answers within its limits: count, bytes, the catalogue's
version and age (``services.page_cache``), so no visitor can make it grow without bound."""

from __future__ import annotations

import time
from dataclasses import dataclass

from services.page_cache import PageCache


@dataclass(frozen=True)
class Page:
    content: bytes


def cache(entries: int = 10, max_bytes: int = 1000, max_age: float | None = None) -> PageCache:
    return PageCache(entries=lambda: entries, max_bytes=lambda: max_bytes, max_age=lambda: max_age)


def page(size: int) -> Page:
    return Page(b"x" * size)


def test_the_least_recently_used_page_goes_first_when_the_count_is_reached() -> None:
    pages = cache(entries=2)
    pages.put(("v1", "/a"), page(10))
    pages.put(("v1", "/b"), page(10))
    assert pages.get(("v1", "/a")) is not None  # /a used last: /b goes
    pages.put(("v1", "/c"), page(10))
    assert [key[1] for key in pages.pages] == ["/a", "/c"]


def test_the_bytes_kept_stay_within_the_limit() -> None:
    pages = cache(entries=100, max_bytes=1000)
    for number in range(20):
        pages.put(("v1", f"/{number}"), page(240))
        assert pages.bytes <= 1000
        assert pages.bytes == sum(len(kept.content) for kept, _at in pages.pages.values())
    assert len(pages.pages) == 4
    assert pages.get(("v1", "/19")) is not None
    assert pages.get(("v1", "/0")) is None


def test_a_page_larger_than_a_quarter_of_the_limit_is_not_kept() -> None:
    pages = cache(max_bytes=1000)
    pages.put(("v1", "/small"), page(250))
    pages.put(("v1", "/large"), page(251))
    assert pages.get(("v1", "/small")) is not None
    assert pages.get(("v1", "/large")) is None


def test_a_new_catalogue_version_drops_the_answers_of_the_old_one_at_once() -> None:
    pages = cache()
    pages.put(("v1", "/a"), page(10))
    pages.put(("v1", "/b"), page(10))
    pages.put(("v2", "/a"), page(20))
    assert list(pages.pages) == [("v2", "/a")]
    assert pages.bytes == 20


def test_a_page_is_not_given_after_its_age_limit() -> None:
    # The limit is read at each look-up; a busy machine may pause between the two.
    limit = 60.0
    pages = PageCache(entries=lambda: 10, max_bytes=lambda: 1000, max_age=lambda: limit)
    pages.put(("v1", "/a"), page(10))
    assert pages.get(("v1", "/a")) is not None
    time.sleep(0.02)
    limit = 0.01
    assert pages.get(("v1", "/a")) is None
    assert pages.bytes == 0


def test_storing_the_same_address_again_counts_its_bytes_once() -> None:
    pages = cache()
    pages.put(("v1", "/a"), page(100))
    pages.put(("v1", "/a"), page(50))
    assert pages.bytes == 50
    assert len(pages.pages) == 1


def test_nothing_is_kept_when_the_count_is_zero() -> None:
    pages = cache(entries=0)
    pages.put(("v1", "/a"), page(10))
    assert not pages.pages
