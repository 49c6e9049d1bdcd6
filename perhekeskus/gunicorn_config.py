"""gunicorn's settings for ``./dev serve web`` (``--config python:perhekeskus.gunicorn_config``);
the command line gives the rest."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:  # noqa: ARG001 - gunicorn's hook signature
    """Before a new worker takes its first request: the search index in memory, so that the
    first search after a deploy, or after gunicorn replaced a worker, does not wait for it.
    The connection it used is closed; the first request opens its own."""
    from django.db import connections

    from services.search_index import warm_up

    warm_up()
    connections.close_all()
