"""``./dev serve web``'s gunicorn settings (``perhekeskus/gunicorn_config.py``): the master loads
the search index once before it forks; a worker started later catches up on the changes made
since instead of reading the whole index again."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.db import connection

from perhekeskus import gunicorn_config
from services import catalogue, search_index
from services.search import parse_search, run_search
from tests.factories import SupportServiceFactory

# The hooks close the database connections, as gunicorn's processes do once before they
# fork or serve: no test transaction may be open around them.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_process(reference_data: None) -> Iterator[None]:
    """A process that has not read the index, and whose collector nothing has frozen."""
    search_index._current = None
    try:
        yield
    finally:
        gc.unfreeze()
        search_index._current = None  # the next test's database is another


def test_the_master_loads_django_and_the_index_before_it_forks(fresh_process: None) -> None:
    assert gunicorn_config.preload_app
    SupportServiceFactory()
    gunicorn_config.when_ready(server=None)
    assert search_index._current is not None
    assert len(search_index._current.ids) == 1
    # A worker must not inherit the master's connection (Django keeps an in-memory SQLite
    # database, the SQLite test database, open: closing it would lose it).
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        assert connection.connection is None
    assert gc.get_freeze_count() > 0


def test_a_worker_forked_with_the_current_index_keeps_it(fresh_process: None) -> None:
    SupportServiceFactory()
    gunicorn_config.when_ready(server=None)
    inherited = search_index._current
    gunicorn_config.post_worker_init(worker=None)
    assert search_index._current is inherited


def test_a_worker_started_after_changes_catches_up_without_reading_the_whole_index(
    fresh_process: None,
) -> None:
    service = SupportServiceFactory(name_fi="Perheneuvola")
    gunicorn_config.when_ready(server=None)
    inherited = search_index._current

    service.name_fi = "Kasvatus- ja perheneuvola"
    catalogue.save(user=None, obj=service)  # commits: this test has no transaction around it
    gunicorn_config.post_worker_init(worker=None)

    current = search_index._current
    assert current is not inherited
    assert current.patches == inherited.patches + 1  # patched, not read again
    assert current.version != inherited.version
    assert run_search(parse_search({"q": "kasvatusneuvola"})).total == 1
    assert search_index._current is current  # searched with the patched index
