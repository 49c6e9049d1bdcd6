"""The result cards (Jinja2, ``templates/jinja2/includes/service_card.html``): escaped text,
links that keep the support list, and the list's add and remove links."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.template.defaultfilters import floatformat
from django.test import Client, RequestFactory
from django.utils import translation

from services.cards import one_decimal
from services.models import SupportService
from services.search_index import catalogue_changed
from services.support_list import ToggleLinks, parse_support_list, with_list

pytestmark = pytest.mark.django_db


def results(html: str) -> str:
    return html[html.index('<ol class="results"') : html.index("</ol>")]


def test_catalogue_text_on_a_card_is_escaped(world: dict, client: Client) -> None:
    service = world["eropalvelut"]
    SupportService.objects.filter(pk=service.pk).update(
        name_fi='Eropalvelut <script>alert("x")</script> & muut'
    )
    catalogue_changed(service_ids=[service.pk])  # as every write through a change does
    html = results(client.get("/fi/search/?q=eroneuvoja").content.decode())
    assert "<script>" not in html
    assert "Eropalvelut &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; muut" in html


def test_card_links_keep_the_support_list_and_toggle_the_service(
    world: dict, client: Client
) -> None:
    service, other = world["eropalvelut"], world["parisuhdeneuvonta"]
    html = results(client.get(f"/fi/search/?q=eroneuvoja&list={other.pk}").content.decode())
    assert f'href="/fi/services/{service.pk}/?list={other.pk}"' in html
    toggle = re.search(rf'id="list-{service.pk}">\s*<a class="[^"]+" href="([^"]+)"', html)
    assert toggle is not None
    assert (
        toggle[1] == f"/fi/search/?q=eroneuvoja&amp;list={other.pk},{service.pk}#list-{service.pk}"
    )
    assert "Lisää tukilistalle" in html  # translated in the Jinja2 template too

    html = results(client.get(f"/fi/search/?list={service.pk}&q=eroneuvoja").content.decode())
    assert "Poista tukilistalta" in html
    assert f'href="/fi/search/?q=eroneuvoja#list-{service.pk}"' in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=ero",
        "list=5",
        "list=5,7&q=ero",
        "q=ero&list=5&place=50100&channel=CHAT&channel=PHONE",
        "q=%C3%A4iti+%26+is%C3%A4&page=2",
        "list=",
    ],
)
@pytest.mark.parametrize("service_id", [5, 9])
def test_toggle_links_are_those_of_with_list(query: str, service_id: int) -> None:
    """The page's links are worked out once per page (``ToggleLinks``) and must be the
    links ``with_list`` makes for one service."""
    request = RequestFactory().get(f"/fi/search/?{query}")
    support_list = parse_support_list(request.GET.get("list"))
    expected = with_list(QueryDict(query), support_list.toggled(service_id))
    assert ToggleLinks.of_request(request, support_list)(service_id) == (
        f"/fi/search/{expected}#list-{service_id}"
    )


@pytest.mark.parametrize(
    "query",
    [
        "q=eroneuvoja",
        "list=5,7&q=eroneuvoja",
        "q=eroneuvoja&list=5&place=50100&channel=CHAT&q=x&channel=PHONE",
        "unknown=1&q=eroneuvoja&page=1&list=3&sort=relevance",
    ],
)
def test_the_search_page_toggles_the_list_in_its_own_address(
    world: dict, client: Client, query: str
) -> None:
    """The search page makes its toggle links from the search as understood (the address its
    language links carry), as ``ToggleLinks.of_request`` makes them from that address."""
    service = world["eropalvelut"]
    html = client.get(f"/fi/search/?{query}").content.decode()
    own = re.search(r'<a href="(/fi/search/[^"]*)" lang="fi"', html)
    assert own is not None
    address = own[1].replace("&amp;", "&")
    request = RequestFactory().get(address)
    expected = ToggleLinks.of_request(request, parse_support_list(request.GET.get("list")))
    toggle = re.search(rf'id="list-{service.pk}">\s*<a class="[^"]+" href="([^"]+)"', html)
    assert toggle is not None
    assert toggle[1].replace("&amp;", "&") == expected(service.pk)


def test_a_card_shows_each_text_in_the_language_the_model_would(world: dict) -> None:
    """``CardService`` (plain values, no model instances) falls back across languages as
    the models' translated fields do, for every service, in every page language."""
    from django.utils import translation

    from services.search import parse_search, run_search

    SupportService.objects.filter(pk=world["eropalvelut"].pk).update(
        name_sv="", summary_sv="", summary_fi="", summary_en="Only in English"
    )
    catalogue_changed(service_ids=[world["eropalvelut"].pk])
    for language in ("fi", "sv", "en"):
        with translation.override(language):
            hits = run_search(parse_search({}), per_page=100).hits
            assert hits
            models = SupportService.objects.select_related("organisation", "tier").in_bulk(
                [hit.service.pk for hit in hits]
            )
            for hit in hits:
                card, model = hit.service, models[hit.service.pk]
                shown = (card.name, card.summary, card.organisation.name, card.tier.name)
                assert shown == (
                    model.name,
                    model.summary or "",
                    model.organisation.name,
                    model.tier.name,
                ), (language, model.pk)
                assert card.is_example == model.is_example
                assert card.get_absolute_url() == model.get_absolute_url()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_distances_are_written_as_floatformat_writes_them(language: str) -> None:
    distances = [0.0, 0.04, 0.05, 0.25, 0.35, 1.15, 2.45, 9.95, 12.0, 87.94, 1234.56, 1e-9]
    distances += [round(0.01 * step, 2) for step in range(0, 1000, 7)]
    with translation.override(language):
        for km in distances:
            assert one_decimal(km) == floatformat(km, 1), km
        assert one_decimal(2.5) == {"en": "2.5"}.get(language, "2,5")


def test_a_card_says_how_far_the_service_is_in_the_pages_language(
    world: dict, client: Client
) -> None:
    html = results(client.get("/fi/search/?q=isäryhmä&place=50100").content.decode())
    found = re.findall(r"<li>\d+,\d km:n päässä</li>", html)
    assert found, html
