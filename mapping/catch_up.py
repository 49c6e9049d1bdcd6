"""Catching up on coverage recomputations that were never queued.

After every committed catalogue change, ``mapping.tasks.catalogue_changed`` queues a
recomputation of what the change can affect. When Redis is away, that message is lost (the
change itself is kept; the handler logs the failure). Celery beat calls
``catch_up_coverage()`` every ``COVERAGE_CATCH_UP_SECONDS``: when the catalogue changed after
the last full recomputation began, it recomputes the whole country, so whatever a lost message
left out shows within that time of Redis coming back.

The catalogue's changes are read from ``services.models.SearchIndexChange``: the search index
handler (``services.search_index.catalogue_changed``, the other entry of
``settings.CATALOGUE_CHANGE_HANDLERS``) writes one row, in the database, after every committed
change, with Redis or without.
"""

from __future__ import annotations

import datetime as dt

from mapping import coverage
from services.models import SearchIndexChange

# A full recomputation reads the catalogue before it stores its result; changes committed this
# long before it was stored count as possibly missed (it takes seconds; the margin is generous).
READ_MARGIN = dt.timedelta(minutes=5)


def catch_up_coverage() -> coverage.Status | None:
    """Recompute the whole country if the catalogue changed since the last full recomputation
    began; returns the new status, or None when nothing needed doing."""
    status = coverage.status()
    if (
        status is not None
        and not SearchIndexChange.objects.filter(
            created_at__gt=status.full_computed_at - READ_MARGIN
        ).exists()
    ):
        return None
    return coverage.recompute()
