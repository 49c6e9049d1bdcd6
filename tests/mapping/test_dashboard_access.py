"""Every mapping page: anonymous visitors log in, non-staff users are refused, staff get in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mapping.models import Action
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import MIKKELI

PAGES = [
    ("mapping:nation", []),
    ("mapping:county", ["12"]),
    ("mapping:county_report", ["12"]),
    ("mapping:municipality", [MIKKELI]),
    ("mapping:gaps", []),
    ("mapping:gap_export", ["csv"]),
    ("mapping:gap_export", ["xlsx"]),
    ("mapping:what_if", []),
    ("mapping:plan", []),
    ("mapping:plan_print", []),
    ("mapping:plan_export", ["csv"]),
    ("mapping:plan_export", ["xlsx"]),
    ("mapping:action_add", []),
    ("mapping:action_edit", ["ACTION"]),
    ("mapping:action_delete", ["ACTION"]),
]


@pytest.fixture
def action(small_world: dict, organisation: object, staff_user: object) -> Action:
    return Action.objects.create(
        municipality_id=MIKKELI,
        tier_id="UNIVERSAL_GROUP",
        target_group_id="PARENTS",
        owner=organisation,
        kind=Action.Kind.NEW,
        description="Perhevalmennusryhmä Mikkeliin",
        due_date="2026-12-31",
        created_by=staff_user,
    )


def url_of(name: str, args: list[str], action: Action) -> str:
    url = reverse(name, args=[action.pk if arg == "ACTION" else arg for arg in args])
    # The county's gap list: the national one is large enough to slow the suite down.
    return f"{url}?county=12" if name == "mapping:gap_export" else url


def test_anonymous_visitors_are_sent_to_log_in(parent_client: Client, action: Action) -> None:
    for name, args in PAGES:
        url = url_of(name, args, action)
        response = parent_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
        assert "next=" in response["Location"]


def test_signed_in_users_who_are_not_staff_are_refused(
    non_staff_client: Client, action: Action
) -> None:
    for name, args in PAGES:
        url = url_of(name, args, action)
        assert non_staff_client.get(url).status_code == 403, url


def test_staff_see_every_page(staff_client: Client, action: Action) -> None:
    for name, args in PAGES:
        url = url_of(name, args, action)
        assert staff_client.get(url).status_code == 200, url


def test_nobody_without_the_right_changes_the_plan(
    parent_client: Client, non_staff_client: Client, action: Action
) -> None:
    data = {"description": "changed", "status": "DONE"}
    for name in ("mapping:action_add", "mapping:action_edit", "mapping:action_delete"):
        url = url_of(name, [] if name == "mapping:action_add" else ["ACTION"], action)
        assert parent_client.post(url, data).status_code == 302, url
        assert non_staff_client.post(url, data).status_code == 403, url
    action.refresh_from_db()
    assert action.description == "Perhevalmennusryhmä Mikkeliin"
    assert Action.objects.count() == 1


def test_inactive_staff_are_not_let_in(staff_client: Client, staff_user: object) -> None:
    staff_user.is_active = False
    staff_user.save()
    response = staff_client.get(reverse("mapping:nation"))
    assert response.status_code == 302


def test_the_plan_cannot_be_changed_without_a_csrf_token(
    staff_user: object, action: Action
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(reverse("mapping:action_delete", args=[action.pk]))
    assert response.status_code == 403
    assert Action.objects.filter(pk=action.pk).exists()


def test_unknown_areas_and_formats_are_not_found(staff_client: Client) -> None:
    for url in [
        "/fi/mapping/counties/99/",
        "/fi/mapping/counties/<script>/",
        "/fi/mapping/counties/99/report/",
        "/fi/mapping/municipalities/999/",
        "/fi/mapping/municipalities/49/",
        "/fi/mapping/plan/999999/",
        "/fi/mapping/plan/999999/delete/",
        "/fi/mapping/plan/export.pdf",
        "/fi/mapping/gaps/export.json",
    ]:
        assert staff_client.get(url).status_code == 404, url
