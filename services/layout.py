"""What the site's layout shows around every page (``templates/jinja2/layout.html``): the page
in the other languages, the main navigation and the footer's links, each link keeping the
visitor's support list.

One layout serves both template engines: Jinja2 pages extend it, and the pages of Django's
template language reach it through ``{% layout %}`` (``services/templatetags/layout.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import get_language, gettext, ngettext, pgettext

from services.addresses import configuration, reversed_url, translated
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
    addresses = configuration()

    def link(name: str, label: str, keep: bool = True) -> list[Link]:
        url = reversed_url(name, *addresses)
        return [Link(url_keeping(url, support_list) if keep else url, label)] if url else []

    if request is None:
        languages = []
    else:
        path, mark, query = request.get_full_path().partition("?")
        languages = [
            Link(f"{translated(path, code)}{mark}{query}", name, code)
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
        home_url=url_keeping(reversed_url("services:home", *addresses), support_list),
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
