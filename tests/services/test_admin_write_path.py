"""Every catalogue edit in the Django admin goes through the write path: search and coverage
follow each change form, each bulk action and each deletion, and nothing is written outside a
catalogue change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from mapping import coverage
from services import catalogue
from services.admin import CatalogueAdminMixin
from services.catalogue.changes import CATALOGUE_MODELS
from services.catalogue.history import entries
from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    Method,
    Organisation,
    SearchIndexEntry,
    SupportService,
)
from services.search import parse_search, run_search
from services.search_index import index_version, rebuild_search_index
from tests.factories import (
    ContactPointFactory,
    LocationFactory,
    MethodFactory,
    OrganisationFactory,
    SupportServiceFactory,
)
from tests.html_forms import form_data
from tests.write_guard import UnguardedWriteError, catalogue_writes_guarded

pytestmark = pytest.mark.django_db

MIKKELI = "491"
SAVONLINNA = "740"


@pytest.fixture
def world() -> dict[str, object]:
    organisation = OrganisationFactory(name_fi="Savon Isätoiminta ry")
    method = MethodFactory(slug="ihmeelliset-vuodet", name_fi="Ihmeelliset vuodet")
    group = SupportServiceFactory(
        organisation=organisation,
        name_fi="Isäryhmä Mikkeli",
        tier_id="UNIVERSAL_GROUP",
        channels=["GROUP"],
        target_groups=["FATHERS"],
        municipalities=[MIKKELI],
    )
    group.methods.add(method)
    location = LocationFactory(service=group, name_fi="Perhekeskus Mikkeli")
    ContactPointFactory(service=group, value="044 123 4567")
    draft = SupportServiceFactory(
        organisation=organisation,
        name_fi="Vauvakerho Mikkeli",
        tier_id="UNIVERSAL_GROUP",
        channels=["GROUP"],
        target_groups=["MOTHERS"],
        municipalities=[MIKKELI],
        status=SupportService.Status.DRAFT,
    )
    LocationFactory(service=draft)
    rebuild_search_index()
    coverage.recompute()
    return {
        "organisation": organisation,
        "method": method,
        "group": group,
        "location": location,
        "draft": draft,
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Callable) -> Callable:
    """A block whose writes must be catalogue changes, as if committed: the handlers of the
    change (search index, coverage) run at its end."""

    @contextmanager
    def block() -> Iterator[None]:
        with catalogue_writes_guarded(), django_capture_on_commit_callbacks(execute=True):
            yield

    return block


def found(query: str) -> set[str]:
    return {hit.service.name_fi for hit in run_search(parse_search({"q": query})).hits}


def published_services() -> int:
    return coverage.status().services


def covered(tier: str, group: str, municipality: str = MIKKELI) -> float:
    for cell in coverage.area_matrix(municipality=municipality):
        if cell.tier == tier and cell.target_group == group:
            return cell.covered_children
    raise AssertionError((tier, group))


def change_form(client: Client, obj: object, **changes: str | list[str]) -> dict:
    """The admin change form of ``obj`` as the page shows it, with ``changes`` applied."""
    url = reverse(f"admin:services_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), f"{obj._meta.model_name}_form")
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    data["_save"] = ["Save"]
    return data


def post_change(client: Client, obj: object, **changes: str | list[str]) -> None:
    url = reverse(f"admin:services_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.post(url, change_form(client, obj, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]


def test_every_catalogue_model_in_the_admin_writes_through_the_catalogue() -> None:
    registered = {model for model in admin.site._registry if model in CATALOGUE_MODELS}
    assert registered == {
        SupportService,
        Location,
        ContactPoint,
        GroupSession,
        Organisation,
        Method,
    }
    for model in registered:
        assert isinstance(admin.site._registry[model], CatalogueAdminMixin), model


def test_the_guard_catches_a_catalogue_write_outside_a_change(world: dict) -> None:
    with catalogue_writes_guarded(), pytest.raises(UnguardedWriteError):
        SupportService.objects.filter(pk=world["group"].pk).update(name_fi="Ohi kirjanpidon")


def test_publishing_drafts_from_the_list_filtered_to_drafts_reaches_search_and_coverage(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    before = published_services()
    url = reverse("admin:services_supportservice_changelist") + "?status__exact=DRAFT"
    with committed():
        response = admin_client.post(
            url, {"action": "publish", "_selected_action": [world["draft"].pk]}
        )
    assert response.status_code == 302
    assert "Vauvakerho Mikkeli" in found("vauvakerho")
    assert published_services() == before + 1
    assert covered("UNIVERSAL_GROUP", "MOTHERS") > 0


def test_archiving_from_the_list_filtered_to_published_reaches_search_and_coverage(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    url = reverse("admin:services_supportservice_changelist") + "?status__exact=PUBLISHED"
    with committed():
        admin_client.post(url, {"action": "archive", "_selected_action": [world["group"].pk]})
    assert found("isäryhmä") == set()
    assert published_services() == 0
    assert covered("UNIVERSAL_GROUP", "FATHERS") == 0


def test_renaming_a_provider_in_the_admin_makes_the_new_name_findable(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    assert found("isätoiminta") == {"Isäryhmä Mikkeli"}
    with committed():
        post_change(admin_client, world["organisation"], name_fi="Mikkelin Isät ry")
    assert found("isätoiminta") == set()
    assert found("mikkelin isät") == {"Isäryhmä Mikkeli"}
    assert entries(world["group"]) == []  # the service itself did not change


def test_renaming_a_method_in_the_admin_makes_the_new_name_findable(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    assert found("ihmeelliset") == {"Isäryhmä Mikkeli"}
    with committed():
        post_change(admin_client, world["method"], name_fi="Incredible Years")
    assert found("ihmeelliset") == set()
    assert found("incredible") == {"Isäryhmä Mikkeli"}


def test_editing_a_service_in_the_admin_changes_search_and_coverage_and_is_kept(
    admin_client: Client, world: dict, admin_user: object, committed: Callable
) -> None:
    group = world["group"]
    assert covered("UNIVERSAL_GROUP", "MOTHERS") == 0
    with committed():
        post_change(
            admin_client, group, name_fi="Äitien olohuone Mikkeli", target_groups=["MOTHERS"]
        )
    assert found("äitien olohuone") == {"Äitien olohuone Mikkeli"}
    # The old name's words are gone from the index (other words of the query may still find
    # the service: search ranks by how much of the query a service matches).
    assert "isäryhmä" not in SearchIndexEntry.objects.get(service=group).name_terms.split()
    assert covered("UNIVERSAL_GROUP", "MOTHERS") > 0
    assert covered("UNIVERSAL_GROUP", "FATHERS") == 0
    group.refresh_from_db()
    assert group.version == 2
    (latest,) = entries(group)
    assert latest.user == admin_user
    assert latest.document["fields"]["name_fi"] == "Äitien olohuone Mikkeli"
    assert latest.document["links"]["target_groups"] == ["MOTHERS"]
    assert latest.document["locations"][0]["fields"]["name_fi"] == "Perhekeskus Mikkeli"


def test_moving_a_location_in_the_admin_changes_coverage_in_both_places(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    assert covered("UNIVERSAL_GROUP", "FATHERS", SAVONLINNA) == 0
    with committed():
        post_change(
            admin_client,
            world["location"],
            name_fi="Perhekeskus Savonlinna",
            postal_code="57100",
            municipality=SAVONLINNA,
            latitude="61.8687",
            longitude="28.8788",
        )
    # The service still serves Mikkeli only: moved away, its point reaches nobody there.
    assert (
        covered("UNIVERSAL_GROUP", "FATHERS")
        < coverage.area_matrix(municipality=MIKKELI)[0].children
    )
    assert found("perhekeskus savonlinna") == {"Isäryhmä Mikkeli"}


def test_moving_a_location_to_another_service_tells_both_services(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    draft, location = world["draft"], world["location"]
    catalogue_publish = reverse("admin:services_supportservice_changelist")
    with committed():
        admin_client.post(catalogue_publish, {"action": "publish", "_selected_action": [draft.pk]})
    with committed():
        post_change(admin_client, location, service=str(draft.pk))
    assert found("perhekeskus") == {"Vauvakerho Mikkeli"}
    world["group"].refresh_from_db()
    draft.refresh_from_db()
    assert world["group"].version == 2 and draft.version == 2


@pytest.mark.parametrize("model", [ContactPoint, GroupSession], ids=lambda m: m.__name__)
def test_editing_contacts_and_sessions_in_the_admin_is_heard_and_kept(
    admin_client: Client, world: dict, committed: Callable, model: type
) -> None:
    group = world["group"]
    if model is GroupSession:
        obj = GroupSession(
            service=group,
            title_fi="Syysryhmä",
            starts_at="2030-09-01T17:00:00+03:00",
            ends_at="2030-09-01T18:30:00+03:00",
            location=world["location"],
        )
        catalogue.save(user=None, obj=obj)
        changes = {"title_fi": "Kevätryhmä"}
    else:
        obj = group.contact_points.get()
        changes = {"value": "044 765 4321"}
    index_before = index_version()
    coverage_before = coverage.status().version
    with committed():
        post_change(admin_client, obj, **changes)
    assert index_version() != index_before
    assert coverage.status().version > coverage_before
    latest = entries(group)[0]
    kept = latest.document["sessions" if model is GroupSession else "contact_points"][0]
    assert set(changes.values()) <= set(kept["fields"].values())


def test_hours_edited_in_the_location_form_are_kept_with_the_service(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    location = world["location"]
    with committed():
        post_change(
            admin_client,
            location,
            **{
                "opening_hours-TOTAL_FORMS": "1",
                "opening_hours-0-weekday": "0",
                "opening_hours-0-opens": "08:00",
                "opening_hours-0-closes": "16:00",
            },
        )
    assert location.opening_hours.count() == 1
    (latest,) = entries(world["group"])
    assert latest.document["locations"][0]["hours"] == [[0, "08:00", "16:00"]]


def test_deleting_services_in_the_admin_removes_them_from_search_and_coverage(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    url = reverse("admin:services_supportservice_changelist")
    with committed():
        response = admin_client.post(
            url,
            {"action": "delete_selected", "_selected_action": [world["group"].pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not SupportService.objects.filter(pk=world["group"].pk).exists()
    assert found("isäryhmä") == set()
    assert published_services() == 0


def test_deleting_a_location_in_the_admin_changes_coverage(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    location = world["location"]
    assert covered("UNIVERSAL_GROUP", "FATHERS") > 0
    url = reverse("admin:services_location_delete", args=[location.pk])
    with committed():
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert covered("UNIVERSAL_GROUP", "FATHERS") == 0


def test_confirming_in_the_admin_sets_the_confirmation_without_a_new_version(
    admin_client: Client, world: dict, admin_user: object, committed: Callable
) -> None:
    group = world["group"]
    url = reverse("admin:services_supportservice_changelist")
    with committed():
        admin_client.post(url, {"action": "confirm_accurate", "_selected_action": [group.pk]})
    group.refresh_from_db()
    assert group.verified_by == admin_user and group.verified_at is not None
    assert group.version == 1  # an open edit form stays valid
    (latest,) = entries(group)
    assert latest.comment == "confirmed"


def test_adding_a_service_in_the_admin_writes_through_the_catalogue(
    admin_client: Client, world: dict, committed: Callable
) -> None:
    page = admin_client.get(reverse("admin:services_supportservice_add"))
    data = form_data(page.content.decode(), "supportservice_form")
    data.update(
        {
            "organisation": [str(world["organisation"].pk)],
            "name_fi": ["Perhekahvila Mikkeli"],
            "tier": ["UNIVERSAL_GROUP"],
            "status": ["PUBLISHED"],
            "channels": ["MEETING_PLACE", "CHAT"],
            "area_municipalities": [MIKKELI],
            "source": ["MANUAL"],
            "_save": ["Save"],
        }
    )
    with committed():
        response = admin_client.post(reverse("admin:services_supportservice_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert found("perhekahvila") == {"Perhekahvila Mikkeli"}
    assert covered("UNIVERSAL_GROUP", "PARENTS") > 0  # chat reaches everyone; no group: parents
