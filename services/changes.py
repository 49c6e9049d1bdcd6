"""Telling the rest of the product that the catalogue changed.

The catalogue does not know who cares: ``settings.CATALOGUE_CHANGE_HANDLERS`` lists dotted paths
of functions ``handler(*, service_ids: list[int]) -> None`` (the coverage mapping recomputes what
the change can affect). They run after the transaction commits, so a rolled-back change notifies
nobody. A failing handler is logged and never undoes or fails the change itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def catalogue_changed(*, service_ids: Iterable[int]) -> None:
    """Queue the change handlers for these services once the current transaction commits."""
    ids = sorted(set(service_ids))
    if not ids:
        return
    for path in settings.CATALOGUE_CHANGE_HANDLERS:
        transaction.on_commit(lambda path=path: _run_handler(path, ids), robust=True)


def _run_handler(path: str, service_ids: list[int]) -> None:
    try:
        import_string(path)(service_ids=service_ids)
    except Exception:
        logger.exception("Catalogue change handler %s failed for services %s", path, service_ids)
