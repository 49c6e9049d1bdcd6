"""After a catalogue change, only what the change can affect is recomputed, after commit."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from mapping import coverage
from mapping.engine import State, compute_state
from mapping.models import CoverageState
from perhekeskus.celery import app
from services.catalogue import catalogue_changed
from services.models import SupportService
from tests.mapping.worlds import HAMINA, KOUVOLA, cell, make_service

pytestmark = pytest.mark.django_db

TIER = "UNIVERSAL_INDIVIDUAL"


def coverage_of(municipality: str) -> float:
    return cell(coverage.area_matrix(municipality=municipality), TIER, "PARENTS").coverage


def stored_state() -> State:
    state = State.from_bytes(CoverageState.objects.get().data)
    assert state is not None
    return state


def assert_same_as_a_full_recomputation() -> None:
    incremental, full = stored_state(), compute_state()
    assert np.array_equal(incremental.counts, full.counts)
    order = np.argsort(incremental.services.ids)
    assert np.array_equal(incremental.services.ids[order], full.services.ids)
    assert np.array_equal(incremental.services.footprints[order], full.services.footprints)


@pytest.fixture
def service() -> SupportService:
    service = make_service(channels=["PHONE"], municipalities=[KOUVOLA])
    make_service(channels=["PHONE"], municipalities=["285"])  # Kotka, untouched
    coverage.recompute()
    return service


def test_moving_the_area_served_recomputes_the_old_and_the_new_areas(
    service: SupportService, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    full_before = CoverageState.objects.get().full_computed_at
    service.area_municipalities.set([HAMINA])
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_changed(service_ids=[service.pk])

    assert coverage_of(KOUVOLA) == 0.0
    assert coverage_of(HAMINA) == 1.0
    assert coverage_of("285") == 1.0
    stored = CoverageState.objects.get()
    assert stored.version == 2
    assert stored.full_computed_at == full_before  # not a full recomputation
    assert_same_as_a_full_recomputation()


def test_deleting_a_service_uncovers_the_areas_it_used_to_cover(
    service: SupportService, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    service_id = service.pk
    service.delete()
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_changed(service_ids=[service_id])

    assert coverage_of(KOUVOLA) == 0.0
    assert coverage_of("285") == 1.0
    assert coverage.status().services == 1
    assert_same_as_a_full_recomputation()


def test_archiving_a_service_uncovers_its_areas(
    service: SupportService, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    service.status = SupportService.Status.ARCHIVED
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_changed(service_ids=[service.pk])

    assert coverage_of(KOUVOLA) == 0.0


def test_a_new_service_with_a_location_is_added(
    service: SupportService, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    new = make_service(municipalities=[HAMINA], locations=[(60.5697, 27.1981)], capacity=20)
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_changed(service_ids=[new.pk])

    assert 0 < coverage_of(HAMINA) <= 1.0
    assert_same_as_a_full_recomputation()
    cells = coverage.accessibility(tier=TIER, target_group="PARENTS", municipality=HAMINA)
    assert any(c.value > 0 for c in cells)


def test_a_rolled_back_change_recomputes_nothing(service: SupportService) -> None:
    version = CoverageState.objects.get().version
    # Inside the test's transaction the callbacks never run: nothing was committed.
    catalogue_changed(service_ids=[service.pk])
    assert CoverageState.objects.get().version == version


def test_a_broker_that_cannot_be_reached_does_not_fail_the_change(
    service: SupportService,
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)
    try:
        service.area_municipalities.set([HAMINA])
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            catalogue_changed(service_ids=[service.pk])
    finally:
        app.conf.update(saved)

    assert service.area_municipalities.get().code == HAMINA
    assert "Could not queue the coverage recomputation" in caplog.text
    assert coverage_of(KOUVOLA) == 1.0  # stale until the nightly recomputation
    coverage.recompute()
    assert coverage_of(KOUVOLA) == 0.0


def test_recomputing_without_stored_results_computes_everything() -> None:
    make_service(channels=["PHONE"], municipalities=[HAMINA])
    assert coverage.status() is None

    status = coverage.recompute_services(service_ids=[12345])

    assert status.version == 1
    assert coverage_of(HAMINA) == 1.0
