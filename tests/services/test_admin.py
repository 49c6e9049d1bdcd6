"""The Django admin is usable by a coordinator: every page loads, search and filters work."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from services.models import SupportService
from tests.factories import ContactPointFactory, LocationFactory, SupportServiceFactory

pytestmark = pytest.mark.django_db

CATALOGUE_MODELS = [
    model for model in admin.site._registry if model._meta.app_label in ("services", "accounts")
]


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m._meta.model_name)
def test_every_changelist_loads_for_staff(admin_client: Client, model: type) -> None:
    LocationFactory()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "name", ["supportservice", "organisation", "location", "contactpoint", "groupsession", "method"]
)
def test_catalogue_add_pages_load(admin_client: Client, name: str) -> None:
    assert admin_client.get(reverse(f"admin:services_{name}_add")).status_code == 200


def test_a_service_page_shows_translations_side_by_side_and_its_locations(
    admin_client: Client,
) -> None:
    location = LocationFactory(street_address_fi="Maaherrankatu 20")
    ContactPointFactory(service=location.service)
    response = admin_client.get(
        reverse("admin:services_supportservice_change", args=[location.service.pk])
    )
    content = response.content.decode()
    assert response.status_code == 200
    for language in ("fi", "sv", "en"):
        assert f'name="name_{language}"' in content
    assert "Maaherrankatu 20" in content
    assert 'name="contact_points-0-value"' in content


def test_reference_data_is_read_only(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:services_municipality_change", args=["091"]))
    assert response.status_code == 200
    assert b'name="name_fi"' not in response.content
    assert admin_client.get(reverse("admin:services_municipality_add")).status_code == 403


def test_search_finds_services_by_swedish_name(admin_client: Client) -> None:
    SupportServiceFactory(name_fi="Perheneuvola", name_sv="Familjerådgivning")
    SupportServiceFactory(name_fi="Vauvaryhmä")
    response = admin_client.get(
        reverse("admin:services_supportservice_changelist"), {"q": "Familjerådgivning"}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_filters_by_status_and_example_content(admin_client: Client) -> None:
    SupportServiceFactory(status=SupportService.Status.DRAFT, source="EXAMPLE")
    SupportServiceFactory(status=SupportService.Status.PUBLISHED)
    url = reverse("admin:services_supportservice_changelist")
    assert admin_client.get(url, {"status__exact": "DRAFT"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"example": "yes"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"example": "no"}).context["cl"].result_count == 1


def test_confirming_listings_records_who_and_when(admin_client: Client) -> None:
    service = SupportServiceFactory()
    response = admin_client.post(
        reverse("admin:services_supportservice_changelist"),
        {"action": "confirm_accurate", "_selected_action": [service.pk]},
        follow=True,
    )
    assert response.status_code == 200
    service.refresh_from_db()
    assert service.verified_at is not None
    assert service.verified_by.username == "admin"


def test_an_impossible_age_range_is_refused_with_a_message(admin_client: Client) -> None:
    service = SupportServiceFactory(min_age=0, max_age=6)
    url = reverse("admin:services_supportservice_change", args=[service.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "organisation": service.organisation_id,
            "tier": "UNIVERSAL_INDIVIDUAL",
            "status": "PUBLISHED",
            "name_fi": service.name_fi,
            "min_age": 7,
            "max_age": 3,
        }
    )
    for prefix in ("locations", "contact_points", "sessions"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data = {k: v for k, v in data.items() if not isinstance(v, list)}
    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "oldest child" in response.content.decode()
    service.refresh_from_db()
    assert (service.min_age, service.max_age) == (0, 6)
