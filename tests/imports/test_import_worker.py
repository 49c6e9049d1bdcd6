"""A real Celery worker, against Redis, runs an import queued from the staff page.

Runs when ``TEST_REDIS_URL`` is set (``./dev test`` sets it when Redis answers); skipped
otherwise, except on CI.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from perhekeskus.celery import app
from services.importers.runs import start_import_run
from services.models import ImportRun, SupportService
from tests.imports.conftest import PTV_SERVICE_FILE

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def worker(reference_data: None) -> Iterator[Celery]:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("TEST_REDIS_URL is not set on CI: the real Celery worker test must run.")
        pytest.skip("TEST_REDIS_URL is not set (./dev test sets it when Redis answers).")
    queue = f"import-test-{uuid.uuid4().hex}"
    keys = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=url, result_backend=url, task_always_eager=False, task_default_queue=queue
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield app
    finally:
        app.conf.update(saved)


def test_a_real_worker_imports_the_kept_file_and_keeps_the_report(worker: Celery) -> None:
    with transaction.atomic():
        run = start_import_run(
            kind="ptv",
            file_name="service.json",
            content=PTV_SERVICE_FILE.read_bytes(),
            dry_run=False,
            strict=False,
            language="en",
            user=None,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            break
        time.sleep(0.1)

    assert run.status == ImportRun.Status.DONE
    assert run.services_created == 1
    assert SupportService.objects.get().external_id == "6c00d407-d3fd-4c7e-a373-57be9f3b2cff"
