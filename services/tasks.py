"""Background tasks of the catalogue: each takes ids, fetches, and calls one domain function."""

from __future__ import annotations

from celery import shared_task

from services.demand import flush_search_demand
from services.importers.runs import perform_import_run
from services.models import ImportRun
from services.models.support_list import delete_expired_lists
from services.search_index import rebuild_search_index


@shared_task
def delete_expired_lists_task() -> int:
    """Shared support lists are kept for 90 days; run a few times a day by Celery beat."""
    return delete_expired_lists()


@shared_task
def flush_search_demand_task() -> int:
    """Add the searches counted in Redis to the demand table; run by Celery beat."""
    return flush_search_demand()


@shared_task
def rebuild_search_index_task() -> int:
    """Index every published service afresh (after loading data outside the catalogue hook)."""
    return rebuild_search_index()


@shared_task
def import_file_task(run_id: int) -> str:
    """Import the file kept with an import run (queued by the staff import page)."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).first()
    if run is None:  # gone, or already run (a redelivered message)
        return "skipped"
    perform_import_run(run=run)
    return run.status
