"""Catalogue changes made in the admin reach the change handlers, after commit only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from services.catalogue import catalogue_changed
from tests.factories import LocationFactory, SupportServiceFactory

pytestmark = pytest.mark.django_db

RECEIVED: list[list[int]] = []


def record(*, service_ids: list[int]) -> None:
    RECEIVED.append(service_ids)


def explode(*, service_ids: list[int]) -> None:
    raise RuntimeError("handler failure")


@pytest.fixture(autouse=True)
def recording_handler(settings: pytest.FixtureRequest) -> None:
    settings.CATALOGUE_CHANGE_HANDLERS = [f"{__name__}.explode", f"{__name__}.record"]
    RECEIVED.clear()


def test_handlers_run_after_commit_with_the_service_ids(
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        catalogue_changed(service_ids=[3, 1, 3])
    assert RECEIVED == []
    for callback in callbacks:
        callback()
    assert RECEIVED == [[1, 3]]


def test_a_failing_handler_does_not_stop_the_others(
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_changed(service_ids=[7])
    assert RECEIVED == [[7]]


def test_saving_a_service_in_the_admin_notifies_the_handlers(
    admin_client: Client, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    service = SupportServiceFactory()
    url = reverse("admin:services_supportservice_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"action": "archive", "_selected_action": [service.pk]})
    assert RECEIVED == [[service.pk]]


def test_moving_a_location_notifies_both_services(
    admin_client: Client, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    location = LocationFactory()
    other = SupportServiceFactory()
    url = reverse("admin:services_location_change", args=[location.pk])
    data = {
        "service": other.pk,
        "street_address_fi": "Porrassalmenkatu 21",
        "postal_code": "50100",
        "municipality": "491",
        "latitude": "61.69",
        "longitude": "27.27",
        "source": "MANUAL",
        "step_free": "unknown",
        "stroller_access": "unknown",
        "hearing_loop": "unknown",
    }
    for prefix in ("opening_hours", "opening_hours_exceptions"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RECEIVED == [sorted([location.service_id, other.pk])]
