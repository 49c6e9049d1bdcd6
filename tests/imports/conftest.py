"""Fixtures of the import tests: the real PTV, HSDS and spreadsheet samples, and a way to
see that an import left the database exactly as it was."""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import models

from perhekeskus.celery import app
from services.importers import ImportFile, run_import
from services.importers.base import Report
from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    Method,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    SupportService,
)

DATA = Path(__file__).resolve().parent.parent / "data"
PTV = DATA / "ptv"
HSDS_EXAMPLES = DATA / "hsds" / "hsds_3.0_examples"
PTV_SERVICE_FILE = PTV / "ptv_example_service.json"
PTV_CHANNEL_FILE = PTV / "ptv_example_service_location_channel.json"
AURORAAI_FILE = PTV / "ptv_services_auroraai_2022_turku_oulu_mikkeli_national.csv"
PTV_SERVICE_ID = "6c00d407-d3fd-4c7e-a373-57be9f3b2cff"
PTV_CHANNEL_ID = "961f1a02-0eb7-4b5d-9721-6b9f2d14ec6f"

CATALOGUE_MODELS: list[type[models.Model]] = [
    Organisation,
    SupportService,
    Location,
    ContactPoint,
    OpeningHours,
    OpeningHoursException,
    GroupSession,
    Method,
    SupportService.channels.through,
    SupportService.target_groups.through,
    SupportService.area_municipalities.through,
    SupportService.area_counties.through,
    SupportService.service_classes.through,
    SupportService.languages.through,
    SupportService.attributes.through,
]


def import_files(kind: str, *files: Path | tuple[str, bytes], **options: Any) -> Report:
    """Run an import of files given as paths or as (name, content) pairs; reports in English."""
    import_files_ = [
        ImportFile.from_path(file)
        if isinstance(file, Path)
        else ImportFile(name=file[0], content=file[1])
        for file in files
    ]
    options.setdefault("language", "en")
    return run_import(kind=kind, files=import_files_, **options)


def catalogue_state() -> str:
    """A fingerprint of every catalogue row: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    for model in CATALOGUE_MODELS:
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def ptv_service() -> dict[str, Any]:
    """The real PTV service sample (a record keyed by its id in the file)."""
    return copy.deepcopy(json.loads(PTV_SERVICE_FILE.read_text())[PTV_SERVICE_ID])


def ptv_channel(*, linked_to: str | None = PTV_SERVICE_ID) -> dict[str, Any]:
    """The real service-location channel sample, linked to the service sample."""
    channel = json.loads(PTV_CHANNEL_FILE.read_text())
    if linked_to:
        channel["services"].append({"service": {"id": linked_to, "name": "Yksilöllistetty"}})
    return channel


def as_file(name: str, data: Any) -> tuple[str, bytes]:
    return (name, json.dumps(data, ensure_ascii=False).encode())


def assert_clean(report: Report, before: str) -> None:
    """What every import of bad input must do: report, never crash, never half-write."""
    assert not report.internal_error, report.error
    if report.failed:
        assert catalogue_state() == before


@pytest.fixture
def task_queue() -> Iterator[Callable[[], list[str]]]:
    """Tasks go to the test settings' in-memory broker, as they go to Redis in production,
    instead of running in-process; calling the fixture's value then does what a Celery worker
    does with each message (runs its task) and returns what the tasks returned."""
    queue_name = f"imports-{uuid.uuid4().hex}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.update(task_always_eager=False, task_default_queue=queue_name)

    def work() -> list[str]:
        outcomes = []
        with app.connection_for_read() as connection:
            queue = connection.SimpleQueue(queue_name)
            try:
                while True:
                    try:
                        message = queue.get(block=False)
                    except queue.Empty:
                        break
                    args, kwargs, _embed = message.decode()
                    task = app.tasks[message.headers["task"]]
                    outcomes.append(task.apply(args=args, kwargs=kwargs).get())
                    message.ack()
            finally:
                queue.close()
        return outcomes

    try:
        yield work
    finally:
        app.conf.update(saved)
