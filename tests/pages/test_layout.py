"""One layout for every page (``templates/jinja2/layout.html``): the Jinja2 search page and the
pages of Django's template language (through ``{% layout %}``) get the same header and footer,
the blocks a page overrides replace the layout's own, and the others keep them."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


def part(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start)) + len(end)]


def header(html: str) -> str:
    """The site header without the language links, which name the page itself."""
    return re.sub(r'href="/(fi|sv|en)/[^"]*"', 'href="…"', part(html, "<header", "</header>"))


def test_the_search_page_and_a_django_page_share_header_and_footer(client: Client) -> None:
    search = client.get("/fi/search/?q=neuvola&list=5,7").content.decode()
    privacy = client.get("/fi/privacy/?list=5,7").content.decode()
    assert header(search) == header(privacy)
    assert part(search, "<footer", "</footer>") == part(privacy, "<footer", "</footer>")
    # the main navigation keeps the support list and counts it
    assert 'href="/fi/sessions/?list=5,7"' in search
    assert "Tukilista (2 palvelua)" in search


def test_each_page_has_its_own_title_in_the_layouts_frame(client: Client) -> None:
    html = client.get("/sv/search/?q=familjerådgivning").content.decode()
    assert '<html lang="sv">' in html
    assert "<title>Sökning: familjerådgivning – " in html
    html = client.get("/en/accessibility/").content.decode()
    assert '<html lang="en">' in html
    assert re.search(
        r"<title>\s*Accessibility statement\s*– Electronic family centre</title>", html
    )


def test_language_links_name_the_same_page_and_search_in_each_language(client: Client) -> None:
    html = client.get("/fi/search/?q=ero&place=Mikkeli").content.decode()
    for code in ("fi", "sv", "en"):
        assert f'href="/{code}/search/?q=ero&amp;place=Mikkeli" lang="{code}"' in html
    assert 'hreflang="fi" aria-current="true"' in html


def test_a_page_that_empties_the_navigation_shows_none(client: Client) -> None:
    html = client.get("/fi/staff/login/").content.decode()
    assert 'class="site-nav"' not in html
    assert 'class="languages"' in html  # a block left alone keeps the layout's own


def test_the_layout_renders_without_a_request() -> None:
    with translation.override("sv"):
        html = render_to_string("500.html")
    assert '<html lang="sv">' in html
    assert 'class="languages"' in html and "<li><a" not in part(
        html, '<nav class="languages"', "</nav>"
    )
    assert 'href="/sv/accessibility/"' in html
