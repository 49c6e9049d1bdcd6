"""Imports run in the background from the staff pages, with their reports kept.

The file is stored with the run (``ImportRun.content``) so that any worker can read it. The
task marks the run running, imports in one transaction, and saves the report. Progress goes
to the cache, not the database: the import's own transaction would hide it until the end.

An import never runs inside the web request that started it. With a Celery worker
(``REDIS_URL``) the worker runs it, stopped at ``IMPORT_TIME_LIMIT_SECONDS``. Without one (the
embedded default, tasks in-process) it runs in a thread of the web process, bounded by the
size and record limits only. A run is never left running for good: a worker that dies in the
middle gets the message again and fails the run with the reason (nothing was written: the
import is one transaction), and ``fail_stalled_imports`` (Celery beat, and whenever an import
is started) fails runs that have been running longer than the time limit, or waiting longer
than ``IMPORT_QUEUE_TIMEOUT_SECONDS``. Uploaded files are deleted
``IMPORT_FILE_RETENTION_DAYS`` after their import finished (``delete_old_import_files``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from services.importers import ImportFile, run_import
from services.importers.base import Report
from services.importers.limits import time_limit_message
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
    county: str | None = None,
) -> ImportRun:
    """Keep the file and queue its import; it runs once the current transaction commits.

    ``county``: only services of this wellbeing services county are accepted (None: any).
    """
    fail_stalled_imports()  # without Celery beat (the embedded default), nothing else does
    run = ImportRun.objects.create(
        county_id=county,
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
    """Hand the run to a worker, or to a thread of this process when tasks run in-process. A
    task queue that cannot be reached fails the run with a message, not the request that
    started it."""
    from services.tasks import import_file_task

    if import_file_task.app.conf.task_always_eager:
        threading.Thread(
            target=_run_in_thread, args=[run_id], name=f"import-run-{run_id}", daemon=True
        ).start()
        return
    try:
        with import_file_task.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)
            import_file_task.apply_async(args=[run_id], connection=connection, retry=False)
    except Exception:  # any failure of the broker (refused, silent, a protocol error)
        logger.exception("Could not queue import run %s", run_id)
        fail_run(
            run=ImportRun.objects.get(pk=run_id),
            reason=lambda: _(
                "The import could not be started because the task queue is not reachable. "
                "Nothing was imported; try again in a while."
            ),
        )


# Without a worker, a thread whose database was busy when it started (SQLite locks a table
# another request is writing) tries again this many times, waiting twice as long each time
# (0.1 s first; about 3 s in all).
THREAD_ATTEMPTS = 6


def _run_in_thread(run_id: int) -> None:
    """Without a worker: the task's own code, in a thread, with a database connection of its
    own that is closed at the end. A database error before the run started (it is still
    queued) is tried again; any other failure ends the run as failed, so that it does not wait
    for ``fail_stalled_imports``."""
    from services.tasks import import_file_task

    try:
        for attempt in range(1, THREAD_ATTEMPTS + 1):
            try:
                import_file_task.apply(args=[run_id])
                return
            except DatabaseError:
                pause = 0.1 * 2 ** (attempt - 1)
                if attempt == THREAD_ATTEMPTS or not _maybe_queued(run_id, pause=pause):
                    raise
                logger.warning("Import run %s: the database was busy, trying again", run_id)
    except Exception:
        logger.exception("Import run %s failed in its thread", run_id)
        _fail_unfinished(run_id)
    finally:
        connections.close_all()


def _maybe_queued(run_id: int, *, pause: float) -> bool:
    """After ``pause`` seconds, whether the run may still be waiting to start (or the database
    is still too busy to say)."""
    time.sleep(pause)
    try:
        return ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).exists()
    except DatabaseError:
        return True


def _fail_unfinished(run_id: int) -> None:
    try:
        run = ImportRun.objects.filter(pk=run_id).defer("content").first()
        if run is not None and not run.is_finished:
            fail_run(
                run=run,
                reason=lambda: _(
                    "The import stopped because of an unexpected error and nothing was "
                    "imported. The error has been logged for the administrators."
                ),
            )
    except DatabaseError:  # fail_stalled_imports ends it later
        logger.exception("Import run %s could not be marked failed", run_id)


def fail_run(*, run: ImportRun, reason: Callable[[], str]) -> None:
    """End ``run`` as failed with ``reason()`` (a message rendered in the run's language)."""
    with translation.override(run.language):
        report = Report(kind=run.kind, dry_run=run.dry_run, files=[run.file_name])
        report.error = str(reason())
    record_report(run=run, report=report)


def fail_interrupted_run(*, run: ImportRun) -> None:
    """A run found running when its task starts: the worker that ran it died in the middle."""
    fail_run(
        run=run,
        reason=lambda: _(
            "The import stopped before it finished: the background worker running it ended "
            "unexpectedly (it may have run out of memory). Nothing was imported. Start the "
            "import again; if it stops again, split the file into smaller ones."
        ),
    )


def fail_stalled_imports(*, now: dt.datetime | None = None) -> int:
    """Fail runs running longer than the import time limit allows (their worker vanished) and
    runs no worker has taken for ``IMPORT_QUEUE_TIMEOUT_SECONDS``; returns how many."""
    now = now or timezone.now()
    # The hard limit, and a minute for the worker to notice it.
    running_limit = dt.timedelta(seconds=settings.IMPORT_TIME_LIMIT_SECONDS + 120)
    queued_limit = dt.timedelta(seconds=settings.IMPORT_QUEUE_TIMEOUT_SECONDS)
    stalled = list(
        ImportRun.objects.filter(
            status=ImportRun.Status.RUNNING, started_at__lt=now - running_limit
        ).defer("content")
    )
    for run in stalled:
        fail_run(run=run, reason=time_limit_message)
    waiting = list(
        ImportRun.objects.filter(
            status=ImportRun.Status.QUEUED, created_at__lt=now - queued_limit
        ).defer("content")
    )
    for run in waiting:
        fail_run(
            run=run,
            reason=lambda: (
                _(
                    "No background worker took the import within %(minutes)d minutes, so it was "
                    "given up; nothing was imported. Start it again; if this happens again, tell "
                    "the administrator that the background worker may be stopped."
                )
                % {"minutes": round(settings.IMPORT_QUEUE_TIMEOUT_SECONDS / 60)}
            ),
        )
    return len(stalled) + len(waiting)


def delete_old_import_files(*, now: dt.datetime | None = None) -> int:
    """Delete the uploaded files of imports finished ``IMPORT_FILE_RETENTION_DAYS`` ago; their
    reports stay. Returns how many files were deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    return (
        ImportRun.objects.filter(
            status__in=[ImportRun.Status.DONE, ImportRun.Status.FAILED],
            finished_at__lt=cutoff,
            file_size__gt=0,
        )
        .exclude(content=b"")
        .update(content=b"")
    )


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
        county=run.county_id,
    )


def perform_import_run(*, run: ImportRun) -> Report | None:
    """Run a queued import and keep its report on the run; None when the run was not queued
    any more (another delivery of its message took it)."""
    run.started_at = timezone.now()
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=run.started_at
    )
    if not claimed:
        return None
    run.status = ImportRun.Status.RUNNING
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
        user=run.started_by,
        counties=frozenset([run.county_id]) if run.county_id else None,
        run_id=run.pk,
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
