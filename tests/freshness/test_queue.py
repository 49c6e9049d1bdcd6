"""The work queue: what waits about the listings of a person's counties or organisations,
oldest first, with counts, filters and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from services import review
from services.models import (
    ErrorReport,
    Organisation,
    ServiceRevision,
    Source,
    SupportService,
)
from services.reminders import send_stale_reminders
from tests.cast import make_user, sign_in
from tests.factories import SupportServiceFactory
from tests.freshness.conftest import (
    MIKKELI,
    SAVONLINNA,
    TAMPERE,
    VAASA,
    complete_listing,
    make_stale,
)

QUEUE = "/en/staff/queue/"


@dataclass
class Row:
    kind: str
    service: str
    organisation: str
    notes: str
    url: str
    escalated: bool


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def rows(page: str) -> list[Row]:
    """The queue table's rows, as a person reads them."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    found = []
    for attributes, row in re.findall(
        r"<tr([^>]*)>(.*?)</tr>", body.group(1) if body else "", re.S
    ):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        link = re.search(r'<a href="([^"]+)">(.*?)</a><span class="cell-detail">(.*?)</span>', row)
        found.append(
            Row(
                kind=_text(cells[1].split("<strong")[0]),
                service=_text(link.group(2)),
                organisation=_text(link.group(3)),
                notes=_text(cells[3]),
                url=html.unescape(link.group(1)),
                escalated="queue-row-escalated" in attributes,
            )
        )
    return found


def queue_page(user: User, **query: str) -> tuple[int, str]:
    response = sign_in(Client(), user).get(QUEUE, query)
    return response.status_code, response.content.decode()


def by_name(page: str) -> dict[str, Row]:
    return {row.service: row for row in rows(page)}


def ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@dataclass
class World:
    review: SupportService
    report: ErrorReport
    stale: SupportService
    escalated: SupportService
    imported: SupportService
    incomplete: SupportService
    not_in_swedish: SupportService
    savonlinna_stale: SupportService
    tampere_report: ErrorReport


@pytest.fixture
def world(
    editor: User, mikkeli_org: Organisation, savonlinna_org: Organisation, tampere_org: Organisation
) -> World:
    """One item of each kind in Etelä-Savo (most of them the Mikkeli organisation's), one
    stale listing of the Savonlinna organisation and one report in Pirkanmaa."""
    draft = SupportServiceFactory(
        organisation=mikkeli_org,
        name_fi="Vauvaperhetyö",
        status=SupportService.Status.DRAFT,
        municipalities=[MIKKELI],
    )
    review.submit(user=editor, service=draft, note="Uusi palvelu")
    ServiceRevision.objects.filter(service=draft).update(submitted_at=ago(3))

    reported = complete_listing(mikkeli_org, "Isäryhmä")
    report = ErrorReport.objects.create(
        service=reported, text="Puhelinnumero on vaihtunut.", created_at=ago(5)
    )

    # Reminded twice by the real daily round (30 days apart), then escalated; the other one
    # went stale later and was reminded once.
    escalated = complete_listing(mikkeli_org, "Eroneuvonta")
    make_stale(escalated, days=500)
    stale = complete_listing(mikkeli_org, "Parisuhdeneuvonta")
    make_stale(stale, days=375)
    send_stale_reminders(now=ago(31))
    send_stale_reminders(now=ago(1))

    imported = SupportServiceFactory(
        organisation=mikkeli_org,
        name_fi="Tuotu perhekahvila",
        status=SupportService.Status.DRAFT,
        source=Source.PTV,
        municipalities=[MIKKELI],
    )
    SupportService.objects.filter(pk=imported.pk).update(created_at=ago(40))

    incomplete = SupportServiceFactory(
        organisation=mikkeli_org, name_fi="Vertaistukiryhmä", municipalities=[MIKKELI]
    )
    not_in_swedish = complete_listing(
        mikkeli_org, "Perheneuvolan puhelin", municipalities=[MIKKELI, VAASA]
    )
    SupportService.objects.filter(pk=incomplete.pk).update(updated_at=ago(20))
    SupportService.objects.filter(pk=not_in_swedish.pk).update(updated_at=ago(15))

    savonlinna_stale = complete_listing(
        savonlinna_org, "Savonlinnan perheneuvola", municipalities=[SAVONLINNA]
    )
    make_stale(savonlinna_stale, days=380, confirmed=True)

    tampere = complete_listing(tampere_org, "Tampereen isätyö", municipalities=[TAMPERE])
    tampere_report = ErrorReport.objects.create(
        service=tampere, text="Osoite on väärä.", created_at=ago(2)
    )
    return World(
        review=draft,
        report=report,
        stale=stale,
        escalated=escalated,
        imported=imported,
        incomplete=incomplete,
        not_in_swedish=not_in_swedish,
        savonlinna_stale=savonlinna_stale,
        tampere_report=tampere_report,
    )


def test_a_coordinator_sees_every_kind_of_item_of_their_county(
    world: World, coordinator: User
) -> None:
    status, page = queue_page(coordinator)

    assert status == 200
    found = by_name(page)
    assert found["Vauvaperhetyö"].kind == "Waiting for review"
    assert found["Vauvaperhetyö"].notes == "new service"
    assert found["Vauvaperhetyö"].url.startswith("/en/staff/reviews/")
    assert found["Isäryhmä"].kind == "Error reports"
    assert found["Isäryhmä"].notes == "new"
    assert found["Isäryhmä"].url == f"/en/staff/reports/{world.report.pk}/"
    assert found["Parisuhdeneuvonta"].kind == "Not confirmed for a long time"
    assert found["Parisuhdeneuvonta"].notes == "its editors were reminded; never confirmed"
    assert not found["Parisuhdeneuvonta"].escalated
    assert found["Eroneuvonta"].escalated
    assert "escalated: reminded twice, still not confirmed" in found["Eroneuvonta"].notes
    assert found["Savonlinnan perheneuvola"].notes == "the organisation has no editor to remind"
    assert found["Tuotu perhekahvila"].kind == "Imported drafts"
    assert "Suomi.fi Service Catalogue (PTV)" in found["Tuotu perhekahvila"].notes
    assert found["Vertaistukiryhmä"].kind == "Essentials missing"
    assert found["Vertaistukiryhmä"].notes == (
        "no way to contact; no location and no remote channel; no opening hours"
    )
    assert found["Perheneuvolan puhelin"].notes == (
        "no Swedish name, although offered in a bilingual municipality"
    )
    assert found["Vertaistukiryhmä"].url == f"/en/staff/services/{world.incomplete.pk}/"
    assert "Tampereen isätyö" not in found
    assert "1 stale listing escalated to you" in page


@pytest.mark.parametrize("source", [Source.PTV, Source.HSDS, Source.SPREADSHEET])
def test_a_draft_from_any_importer_waits_as_imported_and_a_hand_made_one_does_not(
    source: str, mikkeli_org: Organisation, coordinator: User
) -> None:
    for name, origin in (("Tuotu", source), ("Käsin tehty", Source.MANUAL)):
        SupportServiceFactory(
            organisation=mikkeli_org,
            name_fi=name,
            status=SupportService.Status.DRAFT,
            source=origin,
            municipalities=[MIKKELI],
        )

    found = by_name(queue_page(coordinator)[1])

    assert found["Tuotu"].kind == "Imported drafts"
    assert "Käsin tehty" not in found


def test_a_listing_in_a_finnish_only_municipality_needs_no_swedish_name(
    mikkeli_org: Organisation, coordinator: User
) -> None:
    complete_listing(mikkeli_org, "Mikkelin perheneuvola")

    assert "Mikkelin perheneuvola" not in by_name(queue_page(coordinator)[1])


def test_a_coordinator_of_another_county_sees_none_of_it(
    world: World, pirkanmaa_coordinator: User
) -> None:
    status, page = queue_page(pirkanmaa_coordinator)

    assert status == 200
    assert [row.service for row in rows(page)] == ["Tampereen isätyö"]
    assert "escalated to you" not in page


def test_an_editor_sees_the_items_of_their_own_organisation_only(
    world: World, editor: User
) -> None:
    names = set(by_name(queue_page(editor)[1]))

    assert names == {
        "Vauvaperhetyö",
        "Isäryhmä",
        "Parisuhdeneuvonta",
        "Eroneuvonta",
        "Tuotu perhekahvila",
        "Vertaistukiryhmä",
        "Perheneuvolan puhelin",
    }


def test_an_editor_is_led_to_the_editor_for_their_own_review_request(
    world: World, editor: User
) -> None:
    found = by_name(queue_page(editor)[1])

    assert found["Vauvaperhetyö"].url == f"/en/staff/services/{world.review.pk}/"


def test_a_user_without_a_role_may_not_see_the_queue(db: None) -> None:
    response = sign_in(Client(), make_user("nobody")).get(QUEUE)

    assert response.status_code == 403


def test_the_oldest_item_comes_first(world: World, coordinator: User) -> None:
    names = [row.service for row in rows(queue_page(coordinator)[1])]

    assert names == [
        "Eroneuvonta",  # stale for 500 days
        "Savonlinnan perheneuvola",  # 380
        "Parisuhdeneuvonta",  # 375
        "Tuotu perhekahvila",  # imported 40 days ago
        "Vertaistukiryhmä",  # missing essentials, changed 20 days ago
        "Perheneuvolan puhelin",  # 15
        "Isäryhmä",  # reported 5 days ago
        "Vauvaperhetyö",  # sent for review 3 days ago
    ]


def test_the_queue_can_show_one_kind_only(world: World, coordinator: User) -> None:
    status, page = queue_page(coordinator, kind="stale")

    assert status == 200
    assert {row.kind for row in rows(page)} == {"Not confirmed for a long time"}
    assert len(rows(page)) == 3


def test_the_queue_can_show_one_municipality_only(world: World, coordinator: User) -> None:
    names = {row.service for row in rows(queue_page(coordinator, municipality=SAVONLINNA)[1])}

    assert names == {"Savonlinnan perheneuvola"}


def test_the_queue_can_show_one_organisation_only(
    world: World, coordinator: User, savonlinna_org: Organisation
) -> None:
    page = queue_page(coordinator, organisation=str(savonlinna_org.pk))[1]

    assert [row.service for row in rows(page)] == ["Savonlinnan perheneuvola"]
    assert [row.organisation for row in rows(page)] == ["Savonlinnan perhekeskus"]


def test_an_organisation_outside_the_persons_scope_is_refused_as_a_filter(
    world: World, editor: User, savonlinna_org: Organisation
) -> None:
    status, page = queue_page(editor, organisation=str(savonlinna_org.pk))

    assert status == 400
    assert "Savonlinnan perheneuvola" not in page


def counts(page: str) -> dict[str, tuple[str, str]]:
    """Kind → (count, link) of the counts at the top."""
    found = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>: <strong>(\d+)</strong></li>', page)
    return {label: (count, html.unescape(url)) for url, label, count in found}


def test_the_counts_at_the_top_count_every_kind(world: World, coordinator: User) -> None:
    page = queue_page(coordinator, kind="report")[1]

    # The counts are of the whole queue; the list below shows the chosen kind.
    assert {label: count for label, (count, _url) in counts(page).items()} == {
        "Waiting for review": "1",
        "Error reports": "1",
        "Not confirmed for a long time": "3",
        "Imported drafts": "1",
        "Essentials missing": "2",
    }
    assert "1 item" in page


def test_each_count_leads_to_its_kind_within_the_filters_chosen(
    world: World, coordinator: User
) -> None:
    page = queue_page(coordinator, municipality=SAVONLINNA, kind="report")[1]

    count, url = counts(page)["Not confirmed for a long time"]
    assert count == "1"  # Savonlinna's
    response = sign_in(Client(), coordinator).get(QUEUE + url)
    assert [row.service for row in rows(response.content.decode())] == ["Savonlinnan perheneuvola"]


def test_an_organisation_whose_editors_left_is_noted_as_having_nobody_to_remind(
    world: World, editor: User, coordinator: User
) -> None:
    User.objects.filter(pk=editor.pk).update(is_active=False)

    found = by_name(queue_page(coordinator)[1])

    assert "the organisation has no editor to remind" in found["Parisuhdeneuvonta"].notes


@pytest.mark.parametrize(
    ("language", "name", "vaasa"),
    [
        ("fi", "Parisuhdeneuvonta", "Vaasa"),
        ("sv", "Parrådgivning", "Vasa"),
        ("en", "Couple counselling", "Vaasa"),
    ],
)
def test_the_queue_is_shown_in_each_language(
    world: World, coordinator: User, language: str, name: str, vaasa: str
) -> None:
    SupportService.objects.filter(pk=world.stale.pk).update(
        name_sv="Parrådgivning", name_en="Couple counselling"
    )

    response = sign_in(Client(), coordinator).get(f"/{language}/staff/queue/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in page
    assert f'href="/{language}/staff/services/{world.stale.pk}/">{name}</a>' in page
    assert f'href="/{language}/staff/reports/{world.report.pk}/"' in page
    assert f'<option value="{VAASA}">{vaasa}</option>' in page  # the filter's municipalities
    with translation.override(language):
        assert f"<h1>{translation.gettext('Work queue')}</h1>" in page


def many_items(count: int, organisation: Organisation, editor: User) -> None:
    """``count`` items of every kind."""
    for number in range(count):
        draft = SupportServiceFactory(
            organisation=organisation,
            name_fi=f"Luonnos {number}",
            status=SupportService.Status.DRAFT,
            municipalities=[MIKKELI],
        )
        review.submit(user=editor, service=draft)
        reported = complete_listing(organisation, f"Raportoitu {number}")
        ErrorReport.objects.create(service=reported, text="Väärin", assignee=editor)
        make_stale(complete_listing(organisation, f"Vanha {number}"), days=400)
        SupportServiceFactory(
            organisation=organisation,
            name_fi=f"Tuotu {number}",
            status=SupportService.Status.DRAFT,
            source=Source.HSDS,
            municipalities=[MIKKELI],
        )
        SupportServiceFactory(
            organisation=organisation,
            name_fi=f"Puutteellinen {number}",
            municipalities=[MIKKELI, VAASA],
        )


@pytest.mark.parametrize("user_name", ["coordinator", "editor"])
def test_the_queue_page_takes_the_same_few_queries_for_3_and_for_30_items_of_each_kind(
    user_name: str,
    mikkeli_org: Organisation,
    editor: User,
    coordinator: User,
    django_assert_max_num_queries: pytest.FixtureRequest,
) -> None:
    user = {"coordinator": coordinator, "editor": editor}[user_name]
    client = sign_in(Client(), user)
    many_items(3, mikkeli_org, editor)
    send_stale_reminders(now=timezone.now())
    with django_assert_max_num_queries(11) as few:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert len(rows(response.content.decode())) == 15

    many_items(27, mikkeli_org, editor)
    with django_assert_max_num_queries(11) as many:
        response = client.get(QUEUE, {"page": "2"})
    assert len(rows(response.content.decode())) == 50
    assert len(many.captured_queries) == len(few.captured_queries)
