"""What the site's layout shows around every page (``templates/jinja2/layout.html``): the page
in the other languages, the main navigation and the footer's links, each link keeping the
visitor's support list.

One layout serves both template engines: Jinja2 pages extend it, and the pages of Django's
template language reach it through ``{% layout %}`` (``services/templatetags/layout.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse, translate_url
from django.utils.translation import get_language, gettext, ngettext, pgettext

from services.support_list import request_support_list, url_keeping

# Each language's name in itself, as a language switcher shows it.
LANGUAGE_SELF_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    code: str = ""  # a language link's language


@dataclass(frozen=True)
class SiteLayout:
    language: str
    home_url: str
    language_links: list[Link]
    nav: list[Link]
    footer: list[Link]


def site_layout(request: HttpRequest | None) -> SiteLayout:
    """The layout's links for ``request``'s page (none for a page rendered without a request,
    such as the server error page)."""
    support_list = request_support_list(request)
    addresses = _addresses()

    def link(name: str, label: str, keep: bool = True) -> list[Link]:
        url = _reversed(name, *addresses)
        return [Link(url_keeping(url, support_list) if keep else url, label)] if url else []

    if request is None:
        languages = []
    else:
        path, mark, query = request.get_full_path().partition("?")
        languages = [
            Link(f"{_translated(path, code, *addresses)}{mark}{query}", name, code)
            for code, name in LANGUAGE_SELF_NAMES.items()
        ]
    count = len(support_list.ids)
    list_label = (
        ngettext("Support list (%(counter)s service)", "Support list (%(counter)s services)", count)
        % {"counter": count}
        if count
        else gettext("Support list")
    )
    return SiteLayout(
        language=get_language(),
        home_url=url_keeping(_reversed("services:home", *addresses), support_list),
        language_links=languages,
        nav=[
            *link("services:search", pgettext("navigation: the search page", "Search")),
            *link("services:session_list", gettext("Group sessions")),
            *link("services:adult_services", gettext("For adult services")),
            *link("services:support_list", list_label),
        ],
        footer=[
            *link("services:accessibility", gettext("Accessibility statement"), keep=False),
            *link("services:privacy", gettext("Privacy notice"), keep=False),
        ],
    )


# Reversing and resolving addresses is most of the layout's cost, and every page asks the same:
# the answers are kept for each address configuration (these functions' last arguments).


def _addresses() -> tuple[str, str, str]:
    return str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix(), get_language()


def page_url(name: str) -> str:
    """The address of the page ``name`` (which takes no arguments), or nothing where the
    address configuration has no such page."""
    return _reversed(name, *_addresses())


@lru_cache(maxsize=256)
def _reversed(name: str, urlconf: str, prefix: str, language: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@lru_cache(maxsize=4096)
def _translated(path: str, code: str, urlconf: str, prefix: str, language: str) -> str:
    """``path`` in the language ``code`` (``path`` itself where it names no page)."""
    return translate_url(path, code)
