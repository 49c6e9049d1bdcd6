"""An import run never stays RUNNING for good, never runs in the web request, and its uploaded
file is not kept for ever; a file far past the limits costs little memory."""

from __future__ import annotations

import datetime as dt
import threading
import time
import tracemalloc
from typing import Any

import pytest
from celery import Task
from celery.signals import task_prerun
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from services.importers.runs import (
    delete_old_import_files,
    fail_stalled_imports,
    queue_import,
    start_import_run,
)
from services.models import ImportRun, SupportService
from services.tasks import import_file_task
from tests.cast import make_user, sign_in
from tests.imports.conftest import PTV_SERVICE_FILE, catalogue_state, import_files
from tests.imports.waiting import no_import_threads, wait_until_finished


def queued_run(capture: Any, *, dry_run: bool = False) -> ImportRun:
    """A run queued from the page; its task is not run (the message waits for a worker)."""
    with capture(execute=False):
        return start_import_run(
            kind="ptv",
            file_name="service.json",
            content=PTV_SERVICE_FILE.read_bytes(),
            dry_run=dry_run,
            strict=False,
            language="en",
            user=None,
        )


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_failed_with_the_reason_when_its_message_comes_again(
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = queued_run(django_capture_on_commit_callbacks)
    # The worker took it, marked it running, and was killed (out of memory) in the middle:
    # the import's transaction was rolled back; Celery hands the message out again.
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    before = catalogue_state()

    assert import_file_task.apply(args=[run.pk]).get() == ImportRun.Status.FAILED

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.finished_at is not None
    assert "the background worker running it ended unexpectedly" in run.report["error"]
    assert "Nothing was imported. Start the import again" in run.report["error"]
    assert catalogue_state() == before
    # A third delivery changes nothing.
    assert import_file_task.apply(args=[run.pk]).get() == "skipped"


@pytest.mark.django_db
def test_a_run_running_longer_than_the_time_limit_allows_is_failed_by_the_watch(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_TIME_LIMIT_SECONDS = 600
    now = timezone.now()
    stuck = queued_run(django_capture_on_commit_callbacks)
    busy = queued_run(django_capture_on_commit_callbacks)
    ImportRun.objects.filter(pk=stuck.pk).update(
        status=ImportRun.Status.RUNNING, started_at=now - dt.timedelta(seconds=600 + 121)
    )
    ImportRun.objects.filter(pk=busy.pk).update(
        status=ImportRun.Status.RUNNING, started_at=now - dt.timedelta(seconds=600)
    )

    assert fail_stalled_imports(now=now) == 1

    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == ImportRun.Status.FAILED
    assert "ran longer than 10 minutes" in stuck.report["error"]
    assert "Split the file into smaller ones" in stuck.report["error"]
    assert busy.status == ImportRun.Status.RUNNING
    assert fail_stalled_imports(now=now) == 0


@pytest.mark.django_db
def test_a_run_no_worker_takes_is_failed_after_the_queue_timeout_with_what_to_do(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_QUEUE_TIMEOUT_SECONDS = 3600
    now = timezone.now()
    fresh = queued_run(django_capture_on_commit_callbacks)
    waiting = queued_run(django_capture_on_commit_callbacks)
    ImportRun.objects.filter(pk=waiting.pk).update(created_at=now - dt.timedelta(hours=2))

    assert fail_stalled_imports(now=now) == 1

    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert waiting.status == ImportRun.Status.FAILED
    assert "No background worker took the import within 60 minutes" in waiting.report["error"]
    assert "the background worker may be stopped" in waiting.report["error"]
    assert fresh.status == ImportRun.Status.QUEUED
    # Its message, should it still come, does not import the file.
    assert import_file_task.apply(args=[waiting.pk]).get() == "skipped"
    assert not SupportService.objects.exists()


@pytest.mark.django_db
def test_starting_an_import_fails_stalled_runs_without_celery_beat(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_TIME_LIMIT_SECONDS = 60
    stuck = queued_run(django_capture_on_commit_callbacks)
    ImportRun.objects.filter(pk=stuck.pk).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1)
    )

    queued_run(django_capture_on_commit_callbacks)

    stuck.refresh_from_db()
    assert stuck.status == ImportRun.Status.FAILED


@pytest.mark.django_db
def test_uploaded_files_are_deleted_after_the_retention_period_and_the_reports_stay(
    settings: Any, django_capture_on_commit_callbacks: Any, staff_client: Client
) -> None:
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    now = timezone.now()
    old = queued_run(django_capture_on_commit_callbacks, dry_run=True)
    import_file_task.apply(args=[old.pk]).get()
    recent = queued_run(django_capture_on_commit_callbacks, dry_run=True)
    import_file_task.apply(args=[recent.pk]).get()
    unfinished = queued_run(django_capture_on_commit_callbacks)
    ImportRun.objects.filter(pk__in=[old.pk, unfinished.pk]).update(
        finished_at=now - dt.timedelta(days=31)
    )

    assert delete_old_import_files(now=now) == 1
    assert delete_old_import_files(now=now) == 0

    old.refresh_from_db()
    recent.refresh_from_db()
    unfinished.refresh_from_db()
    assert bytes(old.content) == b""
    assert old.report["counts"]["services"]["created"] == 1  # the report stays
    assert old.file_size > 0
    assert bytes(recent.content) == PTV_SERVICE_FILE.read_bytes()
    assert bytes(unfinished.content) == PTV_SERVICE_FILE.read_bytes()
    # The page of the old dry run offers no import for real: the file is gone.
    page = staff_client.get(old.get_absolute_url()).content.decode()
    assert reverse("services:import_repeat", args=[old.pk]) not in page
    assert reverse("services:import_repeat", args=[recent.pk]) in (
        staff_client.get(recent.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_import_runs_in_a_thread_not_in_the_request(
    reference_data: None,
) -> None:
    """The embedded default (no REDIS_URL): tasks run in-process, but an import runs in a
    thread of its own, so a large file never holds the request up to the server's timeout."""
    ran_in: list[str] = []

    def record(sender: Task, **kwargs: object) -> None:
        if sender.name == "services.tasks.import_file_task":
            ran_in.append(threading.current_thread().name)

    client = sign_in(Client(), make_user("coordinator", superuser=True))
    task_prerun.connect(record, weak=False)
    try:
        response = client.post(
            reverse("services:import_list"),
            {
                "kind": "ptv",
                "file": SimpleUploadedFile("service.json", PTV_SERVICE_FILE.read_bytes()),
                "dry_run": "on",
                "county": "",
            },
        )
        assert response.status_code == 302
        # The run's thread ends it; on a busy machine it may start after the request answered.
        run = wait_until_finished(ImportRun.objects.get())
    finally:
        task_prerun.disconnect(record)

    threads = [thread.name for thread in threading.enumerate()]
    assert run.status == ImportRun.Status.DONE, (run.status, run.report, threads)
    # A thread whose database was busy when it started (SQLite) starts the task again.
    assert ran_in and set(ran_in) == {f"import-run-{run.pk}"}
    assert threading.current_thread().name not in ran_in
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_million_row_csv_is_refused_at_the_limit_without_reading_it_all(
    settings: Any,
) -> None:
    """The probe's dry run of 1,000,000 rows used 1.6 GB before it was killed."""
    settings.IMPORT_MAX_RECORDS = 100_000
    header = "Tunniste;Nimi (suomi);Palvelualue\n"
    content = (header + "".join(f"r{n};Ryhmä {n};Mikkeli\n" for n in range(1_000_000))).encode()

    tracemalloc.start()
    try:
        report = import_files("spreadsheet", ("palvelut.csv", content), dry_run=True)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "palvelut.csv holds more than 100\xa0000 records" in report.error
    assert report.counts == {}
    # The file itself is 27 MB; reading is stopped at the limit.
    assert peak < 250 * 1024 * 1024, f"{peak / 1024**2:.0f} MB"


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_a_run_that_finds_the_database_busy_starts_a_little_later(
    reference_data: None,
) -> None:
    """Another request is writing the runs' table as the run's thread starts (SQLite locks the
    table; PostgreSQL makes the thread wait): the thread tries again and the import runs."""
    no_import_threads()
    # As start_import_run leaves it, without its on-commit hook: outside a transaction (this
    # test commits) the hook runs at once, and that thread raced the one started below.
    content = PTV_SERVICE_FILE.read_bytes()
    run = ImportRun.objects.create(
        kind="ptv",
        file_name="service.json",
        content=content,
        file_size=len(content),
        dry_run=True,
        language="en",
    )
    with transaction.atomic():
        hold_the_runs_table(run)
        queue_import(run.pk)  # the thread starts while this transaction holds the table
        time.sleep(0.3)
    run = wait_until_finished(run)
    assert run.status == ImportRun.Status.DONE, run.report
    assert run.report["counts"]["services"]["created"] == 1


def hold_the_runs_table(run: ImportRun) -> None:
    """Write the run's row in the open transaction (with SQLite, waiting until no other
    thread of this process, such as a browser test's server, is reading the table)."""
    for _attempt in range(50):
        try:
            with transaction.atomic():
                ImportRun.objects.filter(pk=run.pk).update(file_size=F("file_size"))
            return
        except OperationalError:
            time.sleep(0.1)
    raise AssertionError("the runs' table stayed locked")
