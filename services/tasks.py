"""Background tasks of the catalogue: each takes ids, fetches, and calls one domain function."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from services.demand import flush_search_demand
from services.importers.runs import (
    delete_old_import_files,
    fail_interrupted_run,
    fail_stalled_imports,
    perform_import_run,
)
from services.models import ImportRun
from services.models.support_list import delete_expired_lists
from services.reminders import send_stale_reminders
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
def send_stale_reminders_task() -> dict[str, int]:
    """The daily round of reminders of stale listings; run by Celery beat. Safe to run twice
    (each person gets one message a day)."""
    outcome = send_stale_reminders()
    return vars(outcome)


@shared_task(
    # Soft: the import stops and reports the limit; hard, a minute later: the process is killed.
    soft_time_limit=settings.IMPORT_TIME_LIMIT_SECONDS,
    time_limit=settings.IMPORT_TIME_LIMIT_SECONDS + 60,
)
def import_file_task(run_id: int) -> str:
    """Import the file kept with an import run (queued by the staff import page).

    The message is acknowledged when the task ends and handed out again when the worker dies
    (settings: late acknowledgement, reject on worker lost). A run already running means that
    happened: it is failed with the reason, not imported again (a file that kills the worker
    would otherwise do so for ever). A finished run's message is skipped.
    """
    run = ImportRun.objects.filter(pk=run_id).defer("content").first()
    if run is None or run.is_finished:  # gone, or already run (a message delivered twice)
        return "skipped"
    if run.status == ImportRun.Status.RUNNING:
        fail_interrupted_run(run=run)
        return run.status
    run = ImportRun.objects.get(pk=run_id)
    if perform_import_run(run=run) is None:
        return "skipped"
    return run.status


@shared_task
def fail_stalled_imports_task() -> int:
    """Fail imports whose worker vanished or that no worker took; run by Celery beat."""
    return fail_stalled_imports()


@shared_task
def delete_old_import_files_task() -> int:
    """Delete uploaded files past ``IMPORT_FILE_RETENTION_DAYS``; run daily by Celery beat."""
    return delete_old_import_files()
