"""Waiting for an import run that runs in a thread of the test process (the embedded default:
no worker, so ``queue_import`` starts a thread named ``import-run-<id>``)."""

from __future__ import annotations

import threading
import time

from services.models import ImportRun


def wait_until_finished(run: ImportRun, timeout: float = 60) -> ImportRun:
    """Join the run's thread until the run is finished (or ``timeout`` seconds pass) and return
    it fresh from the database. On a busy machine the thread may start after the caller asks,
    and while it runs it holds the database: a test that writes next must wait for it."""
    name = f"import-run-{run.pk}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for thread in threading.enumerate():
            if thread.name == name:
                thread.join(timeout=1)
        run.refresh_from_db()
        running = any(thread.name == name for thread in threading.enumerate())
        if run.is_finished and not running:
            break
        time.sleep(0.05)
    return run


def no_import_threads(timeout: float = 60) -> None:
    """Wait until no import run's thread is running in this process (one an earlier test left
    would be reading the runs' table while the caller locks it)."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.startswith("import-run-"):
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
