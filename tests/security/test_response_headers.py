"""Every response names the browser features it allows; nothing for staff is ever stored."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from services.models import ImportRun
from tests.hsds.world import World

STAFF_PAGES = [
    "/fi/staff/",
    "/sv/staff/queue/",
    "/en/staff/reviews/",
    "/fi/staff/imports/",
    "/fi/staff/imports/template.csv",
    "/fi/staff/profile/",
    "/fi/mapping/",
    "/fi/mapping/gaps/",
    "/fi/mapping/gaps/export.csv",
    "/fi/mapping/plan/export.xlsx",
    "/admin/",
    "/admin/services/supportservice/",
    "/api/v1/gaps/",
]
# What a signed-in staff member reads from the APIs (unpublished services among it).
STAFF_API = [
    "/api/v1/services/",
    "/api/v1/services/?status=DRAFT",
    "/api/v1/locations/",
    "/api/hsds/services",
    "/api/hsds/services?format=ndjson",
]
PUBLIC_PAGES = [
    "/fi/",
    "/sv/accessibility/",
    "/en/sessions/",
    "/api/v1/services/",
    "/api/hsds/services",
    "/api/schema/",
]


def never_stored(response: object) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize("url", STAFF_PAGES + STAFF_API)
def test_nothing_a_staff_member_is_shown_is_stored_by_a_cache(
    staff_client: Client, world: World, url: str
) -> None:
    response = staff_client.get(url)
    assert response.status_code == 200, response.status_code
    assert never_stored(response)


def test_the_import_report_of_a_staff_member_is_never_stored(staff_client: Client) -> None:
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.SPREADSHEET, file_name="x.csv", status=ImportRun.Status.DONE
    )
    response = staff_client.get(reverse("services:import_report_csv", args=[run.pk]))
    assert response.status_code == 200
    assert never_stored(response)


@pytest.mark.parametrize("url", ["/fi/staff/", "/fi/mapping/", "/admin/", "/fi/staff/login/"])
def test_staff_pages_are_not_stored_before_signing_in_either(client: Client, url: str) -> None:
    response = client.get(url)
    assert never_stored(response)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_keep_their_caching_for_visitors(
    client: Client, world: World, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert not response.cookies


def test_static_files_keep_their_caching_for_staff(staff_client: Client) -> None:
    response = staff_client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url", ["/fi/", "/api/v1/services/", "/api/hsds/", "/healthz", "/fi/no-such-page/", "/admin/"]
)
def test_every_response_has_a_permissions_policy(client: Client, world: World, url: str) -> None:
    policy = client.get(url)["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in policy.split(","))
    assert features["geolocation"] == "(self)"
    for denied in ("camera", "microphone", "payment", "usb"):
        assert features[denied] == "()"


def test_a_signed_in_staff_member_also_gets_the_permissions_policy(staff_client: Client) -> None:
    assert "geolocation=(self)" in staff_client.get("/fi/staff/")["Permissions-Policy"]
