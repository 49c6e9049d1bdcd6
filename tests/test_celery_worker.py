"""A real Celery worker, against Redis, recomputes coverage after a catalogue change.

Runs when ``TEST_REDIS_URL`` is set (``./dev test`` sets it when Redis answers; CI has Redis);
skipped otherwise, except on CI, where a missing Redis is a failure.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from celery import Celery, Task
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.db import transaction

from mapping import coverage
from mapping.models import CoverageState
from perhekeskus.celery import app
from services.catalogue import catalogue_changed
from services.models import SupportService
from tests.mapping.worlds import HAMINA, cell, make_service

pytestmark = pytest.mark.celery_worker

TIER = "UNIVERSAL_INDIVIDUAL"


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("TEST_REDIS_URL is not set on CI: the real Celery worker test must run.")
        pytest.skip("TEST_REDIS_URL is not set (./dev test sets it when Redis answers).")
    return url


@pytest.fixture
def worker(reference_data: None, redis_url: str) -> Iterator[Celery]:
    """A worker thread on a queue of its own, so that parallel test runs never share tasks."""
    queue = f"coverage-test-{uuid.uuid4().hex}"
    keys = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield app
    finally:
        app.conf.update(saved)


def wait_for_version(version: int) -> CoverageState:
    """Poll the stored results until the worker has written ``version`` (or give up)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = CoverageState.objects.get()
        if state.version >= version:
            return state
        time.sleep(0.1)
    pytest.fail(f"The worker did not store coverage version {version}.")


@pytest.fixture
def started_tasks() -> Iterator[list[tuple[str, bool]]]:
    """(task name, run eagerly) of every task that starts during the test."""
    started: list[tuple[str, bool]] = []

    def record(sender: Task, **kwargs: object) -> None:
        started.append((sender.name, bool(getattr(sender.request, "is_eager", False))))

    task_prerun.connect(record, weak=False)
    yield started
    task_prerun.disconnect(record)


def test_a_real_worker_recomputes_coverage_after_a_catalogue_change(
    worker: Celery, started_tasks: list[tuple[str, bool]]
) -> None:
    coverage.recompute()
    assert cell(coverage.area_matrix(municipality=HAMINA), TIER, "PARENTS").coverage == 0

    with transaction.atomic():
        service = make_service(channels=["PHONE"], municipalities=[HAMINA])
        catalogue_changed(service_ids=[service.pk])
    stored = wait_for_version(2)

    assert stored.services == 1
    assert cell(coverage.area_matrix(municipality=HAMINA), TIER, "PARENTS").coverage == 1.0
    assert SupportService.objects.filter(pk=service.pk).exists()
    # Run by the worker, not eagerly in the test's own thread.
    assert started_tasks == [("mapping.tasks.recompute_coverage_task", False)]
