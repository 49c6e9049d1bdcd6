"""The language a translated text is shown in, for the ``lang`` attribute of its element.

Catalogue texts fall back from the page's language to Finnish, Swedish and English, in that
order (modeltranslation). A screen reader reads a Finnish fallback on a Swedish page with a
Swedish voice unless the element says ``lang="fi"``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


def fallback_language(has_text: Callable[[str], object], active: str) -> str | None:
    """The language a translated text is shown in on a page in ``active``: that language if
    it has a text (``has_text(language)``), else the first of the fallback languages that has
    one, as modeltranslation falls back; None if none has."""
    for language in (active, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES):
        if has_text(language):
            return language
    return None


def active_language() -> str:
    """The page's language without a region (``fi``, ``sv``, ``en``); the default language
    when the active one is none of the site's."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in _site_languages() else settings.LANGUAGE_CODE


@cache
def _site_languages() -> frozenset[str]:
    return frozenset(code for code, _name in settings.LANGUAGES)


def shown_language(obj: object, field: str, active: str | None = None) -> str | None:
    """The language whose text ``obj.<field>`` shows on the page in ``active`` (by default
    the current page's), or None if none."""
    return fallback_language(
        lambda language: getattr(obj, f"{field}_{language}", None), active or active_language()
    )


@register.filter
def lang_attr(obj: object, field: str) -> SafeString | str:
    """`` lang="fi"`` when ``obj.<field>`` is shown in another language than the page's."""
    active = active_language()
    language = shown_language(obj, field, active)
    if language is None or language == active:
        return ""
    return format_html(' lang="{}"', language)


@register.filter
def with_lang(obj: object, field: str) -> SafeString | str:
    """``obj.<field>``, in a ``<span lang="…">`` when shown in another language than the page's."""
    value = getattr(obj, field) or ""
    active = active_language()
    language = shown_language(obj, field, active)
    if not value or language is None or language == active:
        return value
    return format_html('<span lang="{}">{}</span>', language, value)
