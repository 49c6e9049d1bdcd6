"""Waiting for an import run that runs in a thread of the test process (the embedded default:
no worker, so ``queue_import`` starts a thread named ``import-run-<id>``)."""

from __future__ import annotations

import threading
import time

from services.models import ImportRun


def wait_until_finished(run: ImportRun, timeout: float = 60) -> ImportRun:
    """Join the run's thread, then return the run fresh from the database once it is finished
    (or ``timeout`` seconds pass). Nothing is read while the thread lives: the tests' SQLite
    database is shared in memory, where tables are locked for the statement that reads them,
    and the running import's write meeting such a lock fails at once ("database table is
    locked", seen in a parallel run) instead of waiting as with a database file."""
    name = f"import-run-{run.pk}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for thread in threading.enumerate():
            if thread.name == name:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if any(thread.name == name for thread in threading.enumerate()):
            break  # still running at the deadline
        run.refresh_from_db()
        if run.is_finished:
            break
        time.sleep(0.05)  # its thread has not started yet
    run.refresh_from_db()
    return run


def no_import_threads(timeout: float = 60) -> None:
    """Wait until no import run's thread is running in this process (one an earlier test left
    would be reading the runs' table while the caller locks it)."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.startswith("import-run-"):
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
