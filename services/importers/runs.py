"""Imports run in the background from the staff pages, with their reports kept.

The file is stored with the run (``ImportRun.content``) so that any worker can read it. The
task marks the run running, imports in one transaction, and saves the report. Progress goes
to the cache, not the database: the import's own transaction would hide it until the end.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from accounts.models import User
from services.importers import ImportFile, run_import
from services.importers.base import Report
from services.models import ImportRun

logger = logging.getLogger(__name__)

PROGRESS_TIMEOUT = 24 * 3600
# Write progress to the cache at most this often (seconds).
PROGRESS_INTERVAL = 0.5


def progress_key(run_id: int) -> str:
    return f"import-run-progress:{run_id}"


def import_progress(run: ImportRun) -> dict[str, int | str] | None:
    """{"stage": "reading" | "writing", "done": n, "total": m, "percent": p} of a running
    import, or None when nothing is known."""
    return cache.get(progress_key(run.pk))


def start_import_run(
    *,
    kind: str,
    file_name: str,
    content: bytes,
    dry_run: bool,
    strict: bool,
    language: str,
    user: User | None,
) -> ImportRun:
    """Keep the file and queue its import; it runs once the current transaction commits."""
    run = ImportRun.objects.create(
        kind=kind,
        file_name=Path(file_name).name[:255] or "upload",
        content=content,
        file_size=len(content),
        dry_run=dry_run,
        strict=strict,
        language=language,
        started_by=user,
    )
    transaction.on_commit(lambda: queue_import(run.pk))
    return run


def queue_import(run_id: int) -> None:
    """Hand the run to a worker (or run it here when tasks run in-process). A task queue that
    cannot be reached fails the run with a message, not the request that started it."""
    from services.tasks import import_file_task

    try:
        with import_file_task.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)
            import_file_task.apply_async(args=[run_id], connection=connection, retry=False)
    except (OperationalError, OSError):
        logger.exception("Could not queue import run %s", run_id)
        run = ImportRun.objects.get(pk=run_id)
        with translation.override(run.language):
            report = Report(kind=run.kind, dry_run=run.dry_run, files=[run.file_name])
            report.error = _(
                "The import could not be started because the task queue is not reachable. "
                "Nothing was imported; try again in a while."
            )
        record_report(run=run, report=report)


def repeat_import_run(*, run: ImportRun, dry_run: bool, user: User | None) -> ImportRun:
    """Import the file of an earlier run again (typically for real after a dry run)."""
    return start_import_run(
        kind=run.kind,
        file_name=run.file_name,
        content=bytes(run.content),
        dry_run=dry_run,
        strict=run.strict,
        language=run.language,
        user=user,
    )


def perform_import_run(*, run: ImportRun) -> Report:
    """Run a queued import and keep its report on the run."""
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    last = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_INTERVAL and done < total:
            return
        last = now
        percent = int(100 * done / total) if total else 100
        cache.set(
            progress_key(run.pk),
            {"stage": stage, "done": done, "total": total, "percent": percent},
            PROGRESS_TIMEOUT,
        )

    report = run_import(
        kind=run.kind,
        files=[ImportFile(name=run.file_name, content=bytes(run.content))],
        dry_run=run.dry_run,
        strict=run.strict,
        language=run.language,
        progress=progress,
    )
    record_report(run=run, report=report)
    cache.delete(progress_key(run.pk))
    return report


def record_report(*, run: ImportRun, report: Report) -> None:
    run.report = report.to_json()
    run.status = ImportRun.Status.FAILED if report.failed else ImportRun.Status.DONE
    run.finished_at = timezone.now()
    run.started_at = run.started_at or run.finished_at
    run.services_created = report.total("created")
    run.services_updated = report.total("updated")
    run.rejected = report.rejected_total
    run.save()
