"""Query counts of the home and search pages stay constant, whatever the number of results."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client

from services.models import Organisation, SupportService
from services.search_index import current_snapshot, rebuild_search_index

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings: object) -> None:
    settings.SEARCH_PAGE_CACHE_ENTRIES = 0  # type: ignore[attr-defined]


def cards_and_count(response: HttpResponse) -> str:
    html = response.content.decode()
    return html[html.index('<p class="result-count"') :]


def fifty_more_fathers_groups() -> None:
    organisation = Organisation.objects.create(name_fi="Isäjärjestö", kind=Organisation.Kind.NGO)
    for number in range(50):
        service = SupportService.objects.create(
            organisation=organisation,
            name_fi=f"Isäryhmä {number}",
            tier_id="UNIVERSAL_GROUP",
            status=SupportService.Status.PUBLISHED,
            is_nationwide=True,
        )
        service.channels.set(["GROUP", "CHAT"])
        service.attributes.set(["FREE"])
    rebuild_search_index()


def test_home_page_queries_are_pinned(
    world: dict, parent_client: Client, django_assert_num_queries: object
) -> None:
    parent_client.get("/fi/")  # the index is loaded once per process and catalogue version
    # index version, then "talk to someone now": services, contact points, their hours and
    # exceptions, attributes
    with django_assert_num_queries(6):  # type: ignore[operator]
        assert parent_client.get("/fi/").status_code == 200


def test_search_queries_do_not_grow_with_the_results(
    world: dict, parent_client: Client, django_assert_num_queries: object
) -> None:
    url = "/fi/search/?q=isäryhmä&place=50100"
    current_snapshot()  # the index is loaded once per process and catalogue version
    # index version, then the page's services with their tier and organisation
    with django_assert_num_queries(2):  # type: ignore[operator]
        response = parent_client.get(url)
    assert "1 palvelu löytyi" in cards_and_count(response)
    # the services are kept with the index: the version only
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert "1 palvelu löytyi" in cards_and_count(parent_client.get(url))

    fifty_more_fathers_groups()
    current_snapshot()
    with django_assert_num_queries(2):  # type: ignore[operator]
        response = parent_client.get(url)
    html = cards_and_count(response)
    assert "51 palvelua löytyi" in html
    assert html.count('<article class="service-card"') == 20


def test_an_empty_result_costs_one_more_query_for_its_suggested_services(
    world: dict, parent_client: Client, django_assert_num_queries: object
) -> None:
    url = "/en/search/?q=xyzzy"
    current_snapshot()
    with django_assert_num_queries(1):  # type: ignore[operator]  # the index version
        assert "No services found." in parent_client.get(url).content.decode()
    url = "/en/search/?q=violence&channel=IN_PERSON"
    # the index version, then the remote services suggested for violence
    with django_assert_num_queries(2):  # type: ignore[operator]
        response = parent_client.get(url)
    html = response.content.decode()
    assert "No services found." in html
    assert '<ul class="suggested-remote">' in html
    # kept with the index, as result cards are
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert response.content == parent_client.get(url).content


def test_the_index_loads_in_a_fixed_number_of_queries(world: dict) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from services import search_index

    def queries_to_load() -> int:
        search_index._current = None
        with CaptureQueriesContext(connection) as queries:
            current_snapshot()
        return len(queries)

    before = queries_to_load()
    fifty_more_fathers_groups()
    assert queries_to_load() == before <= 27  # opening hours: by locations, by contact points
