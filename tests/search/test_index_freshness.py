"""The search never shows a catalogue older than the last committed change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from services.catalogue import catalogue_changed
from services.models import Location, SearchIndexEntry, SupportService
from services.search import parse_search, run_search
from services.search_index import bump_version

pytestmark = pytest.mark.django_db


def names(query: str, **params: str) -> set[str]:
    results = run_search(parse_search({"q": query, **params}), per_page=100)
    return {hit.service.name_fi for hit in results.hits}


def change(service: SupportService, capture: Callable, **fields: object) -> None:
    """Save through the catalogue's change hook, as the admin and the staff pages do."""
    with capture(execute=True), translation.override("fi"):
        for name, value in fields.items():
            setattr(service, name, value)
        service.save()
        catalogue_changed(service_ids=[service.pk])


def test_a_renamed_service_is_found_by_its_new_name_at_once(
    world: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    assert names("isäryhmä") == {"Isäryhmä, Mikkeli"}
    change(world["isaryhma"], django_capture_on_commit_callbacks, name_fi="Iskän kerho, Mikkeli")
    assert "Isäryhmä, Mikkeli" not in names("isäryhmä")
    assert names("kerhoon") == {"Iskän kerho, Mikkeli"}


def test_an_archived_service_disappears_from_cached_pages_too(
    world: dict,
    parent_client: Client,
    settings: object,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    settings.SEARCH_PAGE_CACHE_ENTRIES = 100  # type: ignore[attr-defined]
    url = "/fi/search/?q=nettiturvakoti"
    assert "Nettiturvakoti" in parent_client.get(url).content.decode()
    assert "Nettiturvakoti" in parent_client.get(url).content.decode()  # from the cache
    change(
        world["nettiturvakoti"],
        django_capture_on_commit_callbacks,
        status=SupportService.Status.ARCHIVED,
    )
    html = parent_client.get(url).content.decode()
    assert f'id="service-{world["nettiturvakoti"].pk}"' not in html


def test_a_new_location_changes_who_the_service_serves_nearby(
    world: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    service = world["vauvaperhetyo"]
    with django_capture_on_commit_callbacks(execute=True):
        service.area_municipalities.set(["091"])
        Location.objects.create(
            service=service,
            street_address_fi="Mannerheimintie 1",
            postal_code="00100",
            municipality_id="091",
            latitude=60.17,
            longitude=24.94,
        )
        catalogue_changed(service_ids=[service.pk])
    results = run_search(parse_search({"q": "vauvaperhetyö", "place": "00100"}))
    assert [hit.service.pk for hit in results.hits] == [service.pk]
    assert results.hits[0].distance_km < 1


def test_a_service_published_later_is_found(
    world: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    draft = world["luonnos"]
    assert "Perheneuvola, Juva (luonnos)" not in names("perheneuvola juva")
    change(draft, django_capture_on_commit_callbacks, status=SupportService.Status.PUBLISHED)
    results = run_search(parse_search({"q": "perheneuvola juva"}))
    assert results.hits[0].service.name_fi == "Perheneuvola, Juva (luonnos)"


def test_the_rebuild_command_restores_a_lost_index(world: dict) -> None:
    SearchIndexEntry.objects.all().delete()
    bump_version()
    # Loading the index notices services without an entry and indexes them.
    found = {"Parisuhdeneuvonta", "Perheneuvonta ruotsiksi, Vaasa"}
    assert names("parisuhteen", exact="1") == found
    SearchIndexEntry.objects.all().delete()
    call_command("rebuild_search_index", stdout=None)
    assert SearchIndexEntry.objects.count() == len(world) - 2
    assert names("parisuhteen", exact="1") == found


def test_the_rebuild_task_runs_in_process(world: dict) -> None:
    from services.tasks import rebuild_search_index_task

    assert rebuild_search_index_task.delay().get() == len(world) - 2


def test_a_web_process_loads_the_index_before_its_first_search(
    world: dict, django_assert_num_queries: Callable
) -> None:
    from services import search_index

    search_index._current = None
    search_index.warm_up()
    assert search_index._current is not None

    with django_assert_num_queries(1):  # the version only: the index is already in memory
        search_index.current_snapshot()


def test_an_unreadable_database_at_start_is_left_to_the_first_search(
    world: dict, caplog: pytest.LogCaptureFixture
) -> None:
    from django.db import connection

    from services import search_index

    search_index._current = None
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        if connection.vendor == "postgresql":  # no deferred checks pending on the table
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DROP TABLE {SearchIndexEntry._meta.db_table}")
    search_index.warm_up()
    assert search_index._current is None
    assert "first search will load it" in caplog.text
