"""Addresses of the site's pages, reversed once for each address configuration (URL
configuration, script prefix, language): reversing and resolving addresses was most of the
layout's cost, and every page asks the same."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse, translate_url
from django.utils.translation import get_language

# An id no page has, reversed in its place and split away (``around_id``).
_STAND_IN_ID = 987654321


def configuration() -> tuple[str, str, str]:
    """The address configuration now: what the kept addresses depend on."""
    return str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix(), get_language()


def page_url(name: str) -> str:
    """The address of the page ``name`` (which takes no arguments), or nothing where the
    address configuration has no such page."""
    return reversed_url(name, *configuration())


def around_id(name: str) -> tuple[str, str]:
    """The address of the page ``name`` of one object, before and after the object's id: for
    pages that link to many objects' pages (a page of results)."""
    return _around_id(name, *configuration())


def translated(path: str, code: str) -> str:
    """``path`` in the language ``code`` (``path`` itself where it names no page)."""
    return _translated(path, code, *configuration())


@lru_cache(maxsize=256)
def reversed_url(name: str, urlconf: str, prefix: str, language: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@lru_cache(maxsize=256)
def _around_id(name: str, urlconf: str, prefix: str, language: str) -> tuple[str, str]:
    head, tail = reverse(name, args=[_STAND_IN_ID]).split(str(_STAND_IN_ID))
    return head, tail


@lru_cache(maxsize=4096)
def _translated(path: str, code: str, urlconf: str, prefix: str, language: str) -> str:
    return translate_url(path, code)
