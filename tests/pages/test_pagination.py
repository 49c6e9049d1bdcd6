"""One pagination for every list (``includes/pagination.html``): the other pages keep the
list's filters, name their own page parameter, and say where they are."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from services.views.common import query_without


def pages(number: int, **context: object) -> str:
    page = Paginator(range(50), 10).page(number)
    with translation.override("en"):
        return render_to_string(
            "includes/pagination.html", {"page": page, "pages_label": "Pages of x", **context}
        )


def test_the_other_pages_keep_the_filters_their_parameter_and_anchor() -> None:
    html = pages(
        2,
        page_query=query_without(QueryDict("county=12&mostly_page=2&sort=searches"), "mostly_page"),
        page_name="mostly_page",
        anchor="mostly",
    )
    assert '<nav aria-label="Pages of x">' in html
    assert 'href="?county=12&amp;sort=searches&amp;mostly_page=1#mostly" rel="prev"' in html
    assert 'href="?county=12&amp;sort=searches&amp;mostly_page=3#mostly" rel="next"' in html
    assert "Page 2 of 5" in html


def test_without_filters_the_links_hold_the_page_number_only() -> None:
    html = pages(1)
    assert 'href="?page=2" rel="next">Next page</a>' in html
    assert 'rel="prev"' not in html


def test_a_list_of_runs_names_its_pages_newer_and_older() -> None:
    html = pages(3, newer_older=True)
    assert ">Newer</a>" in html
    assert ">Older</a>" in html


def test_one_page_has_no_navigation() -> None:
    page = Paginator(range(5), 10).page(1)
    assert render_to_string("includes/pagination.html", {"page": page}).strip() == ""
