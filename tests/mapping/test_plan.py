"""The action plan: actions per gap, added and changed by staff, closed gaps marked closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mapping import coverage
from mapping.models import Action
from services.models import Organisation
from tests.factories import SupportServiceFactory
from tests.mapping.dashboard_fixtures import *  # noqa: F403
from tests.mapping.dashboard_fixtures import ETELA_SAVO, MIKKELI, SAVONLINNA

# Session, user, four taxonomies, the actions, and the engine's gaps (state, searches, names).
PLAN_QUERIES = 12


def action_data(organisation: Organisation, **changes: str) -> dict[str, str]:
    data = {
        "municipality": SAVONLINNA,
        "tier": "UNIVERSAL_GROUP",
        "target_group": "PARENTS",
        "life_situation": "",
        "owner": str(organisation.pk),
        "kind": "NEW",
        "description": "Vertaisryhmä vanhemmille Savonlinnaan",
        "due_date": "2026-09-30",
        "status": "PLANNED",
    }
    data.update(changes)
    return data


def make_action(owner: Organisation, **fields: object) -> Action:
    values: dict[str, object] = {
        "municipality_id": SAVONLINNA,
        "tier_id": "UNIVERSAL_GROUP",
        "target_group_id": "PARENTS",
        "owner": owner,
        "kind": Action.Kind.NEW,
        "description": "Vertaisryhmä",
        "due_date": dt.date(2026, 9, 30),
    }
    values.update(fields)
    return Action.objects.create(**values)


def test_adding_from_a_gap_row_fills_in_the_gap(staff_client: Client, small_world: dict) -> None:
    gap = coverage.gaps(county=ETELA_SAVO)[0]
    url = reverse("mapping:action_add")
    page = staff_client.get(
        f"{url}?municipality={gap.municipality}&tier={gap.tier}&target_group={gap.target_group}"
    ).content.decode()
    assert f'<option value="{gap.municipality}" selected>' in page
    assert f'<option value="{gap.tier}" selected>' in page
    assert f'<option value="{gap.target_group}" selected>' in page


def test_staff_add_an_action_and_are_sent_back_to_the_plan(
    staff_client: Client, staff_user: User, small_world: dict, organisation: Organisation
) -> None:
    response = staff_client.post(reverse("mapping:action_add"), action_data(organisation))
    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('mapping:plan')}?county={ETELA_SAVO}#action-{action.pk}"
    )
    assert action.created_by == staff_user
    assert action.due_date == dt.date(2026, 9, 30)
    assert action.status == Action.Status.PLANNED
    page = staff_client.get(response["Location"]).content.decode()
    assert "The action was added to the plan." in page
    assert "Vertaisryhmä vanhemmille Savonlinnaan" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": ""}, "description", "This field is required."),
        ({"due_date": "2026-02-30"}, "due_date", "Enter a real date"),
        ({"due_date": "soon"}, "due_date", "Enter a real date"),
        ({"municipality": "999"}, "municipality", "Select a valid choice"),
        ({"tier": ""}, "tier", "This field is required."),
        ({"tier": "NOPE"}, "tier", "Select a valid choice"),
        ({"kind": "PRAY"}, "kind", "Select a valid choice"),
        ({"status": "LOST"}, "status", "Select a valid choice"),
        ({"owner": "0"}, "owner", "Select a valid choice"),
        ({"description": "x" * 2001}, "description", "at most 2000 characters"),
    ],
)
def test_an_invalid_action_is_refused_with_a_clear_message(
    staff_client: Client,
    small_world: dict,
    organisation: Organisation,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = staff_client.post(
        reverse("mapping:action_add"), action_data(organisation, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert Action.objects.count() == 0


def test_a_finnish_date_is_understood(
    staff_client: Client, small_world: dict, organisation: Organisation
) -> None:
    staff_client.post(
        reverse("mapping:action_add"), action_data(organisation, due_date="31.12.2026")
    )
    assert Action.objects.get().due_date == dt.date(2026, 12, 31)


def test_staff_change_an_action(
    staff_client: Client, small_world: dict, organisation: Organisation
) -> None:
    action = make_action(organisation)
    url = reverse("mapping:action_edit", args=[action.pk])
    assert 'value="2026-09-30"' in staff_client.get(url).content.decode()
    response = staff_client.post(
        url, action_data(organisation, status="IN_PROGRESS", description="Ryhmä alkaa")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert action.description == "Ryhmä alkaa"


def test_staff_remove_an_action_after_confirming(
    staff_client: Client, small_world: dict, organisation: Organisation
) -> None:
    action = make_action(organisation)
    url = reverse("mapping:action_delete", args=[action.pk])
    assert "Remove this action" in staff_client.get(url).content.decode()
    assert Action.objects.exists()
    response = staff_client.post(url)
    assert response.status_code == 302
    assert not Action.objects.exists()


def test_a_gap_closed_by_a_later_catalogue_change_is_shown_as_closed(
    staff_client: Client, small_world: dict, organisation: Organisation
) -> None:
    gap_action = make_action(organisation, municipality_id=SAVONLINNA, target_group_id="COUPLES")
    other = make_action(organisation, municipality_id=MIKKELI, target_group_id="GRANDPARENTS")
    page = staff_client.get(reverse("mapping:plan")).content.decode()
    assert page.count("badge-open") == 2
    assert "badge-closed" not in page

    SupportServiceFactory(
        tier=gap_action.tier,
        channels=["ONLINE_GROUP"],
        target_groups=["COUPLES"],
        municipalities=[SAVONLINNA],
    )
    coverage.recompute()

    page = staff_client.get(reverse("mapping:plan")).content.decode()
    row = page[page.index(f'id="action-{gap_action.pk}"') :]
    assert "badge-closed" in row[: row.index("</tr>")]
    row = page[page.index(f'id="action-{other.pk}"') :]
    assert "badge-open" in row[: row.index("</tr>")]


def test_an_action_for_one_life_situation_follows_the_gap_of_that_life_situation(
    staff_client: Client, small_world: dict, organisation: Organisation
) -> None:
    # The phone line covers parents in the county for every life situation it lists: none.
    # Narrowed to separation, the county has a universal individual gap for parents.
    action = make_action(
        organisation,
        tier_id="UNIVERSAL_INDIVIDUAL",
        target_group_id="PARENTS",
        life_situation_id="SEPARATION",
    )
    page = staff_client.get(reverse("mapping:plan")).content.decode()
    row = page[page.index(f'id="action-{action.pk}"') :]
    assert "badge-open" in row[: row.index("</tr>")]


def test_the_plan_filters_by_county_status_and_kind(
    staff_client: Client, small_world: dict, organisation: Organisation
) -> None:
    make_action(organisation, description="Savonlinnan ryhmä")
    make_action(
        organisation,
        municipality_id="091",
        description="Helsingin chat",
        kind=Action.Kind.PROMOTE,
        status=Action.Status.DONE,
    )
    plan = reverse("mapping:plan")
    page = staff_client.get(f"{plan}?county={ETELA_SAVO}").content.decode()
    assert "Savonlinnan ryhmä" in page and "Helsingin chat" not in page
    page = staff_client.get(f"{plan}?status=DONE").content.decode()
    assert "Helsingin chat" in page and "Savonlinnan ryhmä" not in page
    page = staff_client.get(f"{plan}?kind=NEW").content.decode()
    assert "Savonlinnan ryhmä" in page and "Helsingin chat" not in page


def test_bad_filters_get_a_message_not_an_error(
    staff_client: Client, small_world: dict, organisation: Organisation
) -> None:
    make_action(organisation)
    plan = reverse("mapping:plan")
    response = staff_client.get(f"{plan}?county=99&status=LOST&municipality=%3Cx%3E")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Unknown municipality code: &lt;x&gt;." in page


def test_overdue_open_actions_are_marked(
    staff_client: Client, small_world: dict, organisation: Organisation
) -> None:
    make_action(organisation, due_date=dt.date(2020, 1, 31))
    make_action(organisation, due_date=dt.date(2020, 1, 31), status=Action.Status.DONE)
    page = staff_client.get(reverse("mapping:plan")).content.decode()
    assert page.count('class="overdue"') == 1


def test_the_plan_costs_the_same_queries_however_many_actions_it_holds(
    staff_client: Client,
    small_world: dict,
    organisation: Organisation,
    django_assert_max_num_queries: object,
) -> None:
    make_action(organisation)
    with django_assert_max_num_queries(PLAN_QUERIES):
        staff_client.get(reverse("mapping:plan"))
    for code in ("046", "097", "178", "213", MIKKELI):
        make_action(organisation, municipality_id=code)
    with django_assert_max_num_queries(PLAN_QUERIES):
        page = staff_client.get(reverse("mapping:plan")).content.decode()
    assert page.count('id="action-') == 6


def test_the_printable_page_lists_the_plan_without_edit_links(
    staff_client: Client, small_world: dict, organisation: Organisation
) -> None:
    action = make_action(organisation)
    page = staff_client.get(reverse("mapping:plan_print")).content.decode()
    assert "Vertaisryhmä" in page
    assert reverse("mapping:action_edit", args=[action.pk]) not in page


def test_the_admin_lists_the_plan(
    small_world: dict, organisation: Organisation, admin_client: Client
) -> None:
    make_action(organisation)
    response = admin_client.get(reverse("admin:mapping_action_changelist"))
    assert response.status_code == 200
    assert "Savonlinna" in response.content.decode()


def test_the_admin_adds_an_action_and_records_who_added_it(
    small_world: dict, organisation: Organisation, admin_client: Client, admin_user: User
) -> None:
    assert admin_client.get(reverse("admin:mapping_action_add")).status_code == 200
    response = admin_client.post(reverse("admin:mapping_action_add"), action_data(organisation))
    assert response.status_code == 302
    assert Action.objects.get().created_by == admin_user
