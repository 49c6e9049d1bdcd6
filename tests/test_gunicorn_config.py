"""``./dev serve web``'s gunicorn hook (``perhekeskus/gunicorn_config.py``): a new worker loads
the search index and sets what it holds aside from the garbage collector before its first
request."""

from __future__ import annotations

import gc

import pytest

from perhekeskus.gunicorn_config import post_worker_init
from services import search_index

# The hook closes the database connections, as a worker does once before its first request:
# no test transaction may be open around it.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_worker_loads_the_index_and_freezes_what_it_holds() -> None:
    search_index._current = None
    try:
        post_worker_init(worker=None)
        assert search_index._current is not None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        search_index._current = None  # the next test's database is another
