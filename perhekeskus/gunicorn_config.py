"""gunicorn's settings for ``./dev serve web`` (``--config python:perhekeskus.gunicorn_config``);
the command line gives the rest.

The master process loads Django and the search index once, before it forks any worker
(``preload_app``, ``when_ready``); every worker starts with both, sharing the master's memory
until it writes to it. A worker gunicorn starts later, to replace one that served
``--max-requests``, is ready at once: it only catches up on the catalogue changes made since
the master read the index. Loading them in each new worker took it about 2 s of CPU, during
which the other workers answered alone and slowly (the soak benchmark saw requests of up
to 4 s right after worker replacements).

With ``preload_app`` a HUP does not load new code: deploy by restarting the process.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

preload_app = True
TEMPLATE_SUFFIXES = {".html", ".txt"}


def when_ready(server: Any) -> None:  # noqa: ARG001 - gunicorn's hook signature
    """In the master, once, before the first worker is forked."""
    load_on_first_use()
    settle()


def post_worker_init(worker: Any) -> None:  # noqa: ARG001 - gunicorn's hook signature
    """In each worker, before its first request: the index caught up with the changes since
    the master read it."""
    settle()


def settle() -> None:
    """The search index in memory, so that no search waits for it; the database connection
    it used closed (a worker must not share the master's, and opens its own on its first
    request); then everything held so far (Django, the index) moved out of the garbage
    collector's sight (``gc.freeze``). It lives as long as the process, and a full collection
    that walked it took about 150 ms on 20,000 services, every few staff saves; in the master,
    freezing also keeps the collector from writing to the pages the workers share.
    """
    from django.db import connections

    from services.search_index import warm_up

    warm_up()
    connections.close_all()
    gc.collect()
    gc.freeze()


def load_on_first_use() -> None:
    """What Django reads on a process's first request, read now: the URL configuration with
    every view, API and schema module it imports (about 0.6 s) and its index in each language,
    the translation catalogues and the compiled templates (together about 0.9 s of a first
    request)."""
    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext(code)  # any text: loads the catalogue
            resolver.reverse_dict  # noqa: B018 - imports the views, indexes the URLs in ``code``
    # The project's own templates, each by its engine (templates/jinja2/ is the Jinja2
    # engine's, inside the Django engine's templates/).
    own = {Path(directory): engine for engine in engines.all() for directory in engine.dirs}
    for directory, engine in own.items():
        others = [other for other in own if other != directory and other.is_relative_to(directory)]
        for path in sorted(directory.rglob("*")):
            if path.suffix not in TEMPLATE_SUFFIXES or any(map(path.is_relative_to, others)):
                continue
            engine.get_template(path.relative_to(directory).as_posix())
