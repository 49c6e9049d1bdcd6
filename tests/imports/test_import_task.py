"""The background task runs a queued import once, and tells the catalogue what changed."""

from __future__ import annotations

import pytest

from perhekeskus.celery import app
from services.importers.runs import start_import_run
from services.models import ImportRun, SupportService
from services.tasks import import_file_task
from tests.imports.conftest import PTV_SERVICE_FILE, import_files

pytestmark = pytest.mark.django_db

CHANGED: list[list[int]] = []


def record(*, service_ids: list[int]) -> None:
    CHANGED.append(service_ids)


def test_the_task_imports_a_queued_file_and_keeps_the_report(
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # queue, but do not run yet
        run = start_import_run(
            kind="ptv",
            file_name="service.json",
            content=PTV_SERVICE_FILE.read_bytes(),
            dry_run=False,
            strict=False,
            language="en",
            user=None,
        )
    assert run.status == ImportRun.Status.QUEUED

    assert import_file_task.delay(run.pk).get() == ImportRun.Status.DONE
    # A message delivered twice does not import twice.
    assert import_file_task.delay(run.pk).get() == "skipped"

    run.refresh_from_db()
    assert run.services_created == 1
    assert run.report["counts"]["services"]["created"] == 1
    assert run.started_at <= run.finished_at
    assert SupportService.objects.count() == 1


def test_an_import_tells_the_catalogue_once_which_services_changed(
    settings: pytest.FixtureRequest, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    settings.CATALOGUE_CHANGE_HANDLERS = [f"{__name__}.record"]
    CHANGED.clear()

    with django_capture_on_commit_callbacks(execute=True):
        import_files("ptv", PTV_SERVICE_FILE)
    with django_capture_on_commit_callbacks(execute=True):
        import_files("ptv", PTV_SERVICE_FILE)  # nothing changes: nobody is told
    with django_capture_on_commit_callbacks(execute=True):
        import_files("ptv", PTV_SERVICE_FILE, dry_run=True)

    assert CHANGED == [[SupportService.objects.get().pk]]


def test_an_unreachable_task_queue_fails_the_run_with_a_message_not_the_request(
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    keys = ("broker_url", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = start_import_run(
                kind="ptv",
                file_name="service.json",
                content=PTV_SERVICE_FILE.read_bytes(),
                dry_run=False,
                strict=False,
                language="fi",
                user=None,
            )
    finally:
        app.conf.update(saved)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "tehtäväjono" in run.report["error"]
    assert not SupportService.objects.exists()
