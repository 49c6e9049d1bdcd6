"""The recomputation and snapshot tasks (eager) and their management commands."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from mapping import coverage
from mapping.models import CoverageSnapshot
from mapping.tasks import recompute_coverage_task, snapshot_coverage_task
from tests.mapping.worlds import HAMINA, cell, make_service

pytestmark = pytest.mark.django_db

CELLS = 308 * 4 * 19


def test_the_recompute_task_recomputes_the_whole_country() -> None:
    make_service(channels=["PHONE"], municipalities=[HAMINA])

    version = recompute_coverage_task.delay().get()

    assert version == coverage.status().version == 1
    assert (
        cell(coverage.area_matrix(municipality=HAMINA), "UNIVERSAL_INDIVIDUAL", "PARENTS").coverage
        == 1
    )


def test_the_recompute_task_takes_the_ids_of_changed_services() -> None:
    coverage.recompute()
    service = make_service(channels=["PHONE"], municipalities=[HAMINA])

    version = recompute_coverage_task.delay([service.pk]).get()

    assert version == 2
    assert coverage.status().services == 1


def test_the_snapshot_task_stores_every_municipality_tier_and_target_group() -> None:
    assert snapshot_coverage_task.delay().get() == CELLS
    assert CoverageSnapshot.objects.count() == 308


def test_the_beat_schedule_runs_both_tasks() -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "mapping.tasks.snapshot_coverage_task",
        "mapping.tasks.recompute_coverage_task",
    } <= tasks


def test_the_recompute_command_shows_its_progress() -> None:
    make_service(channels=["PHONE"], municipalities=[HAMINA])
    out = StringIO()

    call_command("recompute_coverage", stdout=out)

    assert "reading the catalogue" in out.getvalue()
    assert "1 published services" in out.getvalue()
    assert coverage.status().services == 1


def test_the_recompute_command_takes_service_ids() -> None:
    coverage.recompute()
    service = make_service(channels=["PHONE"], municipalities=[HAMINA])
    out = StringIO()

    call_command("recompute_coverage", "--services", str(service.pk), stdout=out)

    assert "Coverage version 2: 1 published services" in out.getvalue()


def test_the_snapshot_command_takes_a_date_and_replaces_that_dates_snapshot() -> None:
    call_command("snapshot_coverage", "--date", "2026-01-01", stdout=StringIO())
    call_command("snapshot_coverage", "--date", "2026-01-01", stdout=StringIO())

    assert CoverageSnapshot.objects.filter(date=dt.date(2026, 1, 1)).count() == 308


def test_the_snapshot_command_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("snapshot_coverage", "--date", "1.1.2026", stdout=StringIO())
