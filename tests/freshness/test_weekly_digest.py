"""The coordinators' weekly digest: once a week, their counties' figures, and the coverage gaps
that opened or closed since their previous digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from mapping import coverage
from mapping.digest import send_weekly_digest, week_of
from mapping.tasks import send_weekly_digest_task
from services import catalogue, review
from services.models import (
    ErrorReport,
    Municipality,
    Organisation,
    SupportService,
    TargetGroup,
    Tier,
)
from tests.cast import make_user, sign_in
from tests.factories import SupportServiceFactory
from tests.freshness.conftest import (
    ETELA_SAVO,
    MIKKELI,
    SAVONLINNA,
    TAMPERE,
    complete_listing,
    make_stale,
    message_to,
)

# Monday 09:00 of next week: everything the tests make lies before it.
MONDAY = timezone.make_aware(
    dt.datetime.combine(week_of(timezone.now()) + dt.timedelta(days=7), dt.time(9))
)
TIER, GROUP = "UNIVERSAL_INDIVIDUAL", "PARENTS"


@pytest.fixture
def coordinator(db: None) -> User:
    """A coordinator of Etelä-Savo who reads English (the other languages: see below)."""
    return make_user("coordinator-etela-savo", counties=[ETELA_SAVO], language="en")


def gap_label(municipality: str, *, language: str = "en") -> str:
    with translation.override(language):
        return (
            f"{Municipality.objects.get(code=municipality)}: {Tier.objects.get(code=TIER)}, "
            f"{TargetGroup.objects.get(code=GROUP)}"
        )


def phone_line(organisation: Organisation, name: str, municipality: str) -> SupportService:
    """A phone line for parents of one municipality: it covers that municipality."""
    service = complete_listing(organisation, name, municipalities=[municipality])
    service.target_groups.set([GROUP])
    return service


def test_a_coordinator_gets_the_figures_of_their_county(
    coordinator: User, editor: User, mikkeli_org: Organisation, tampere_org: Organisation
) -> None:
    reported = complete_listing(mikkeli_org, "Isäryhmä")
    for days in (2, 5):
        ErrorReport.objects.create(
            service=reported, text="Väärin", created_at=MONDAY - dt.timedelta(days=days)
        )
    ErrorReport.objects.create(
        service=reported, text="Vanha", created_at=MONDAY - dt.timedelta(days=20)
    )
    tampere = complete_listing(tampere_org, "Tampereen isätyö", municipalities=[TAMPERE])
    ErrorReport.objects.create(service=tampere, text="Muualla", created_at=MONDAY)
    draft = SupportServiceFactory(
        organisation=mikkeli_org, status=SupportService.Status.DRAFT, municipalities=[MIKKELI]
    )
    review.submit(user=editor, service=draft)
    went_stale = complete_listing(mikkeli_org, "Juuri vanhentunut")
    make_stale(went_stale, days=(timezone.now() - MONDAY).days + 368)
    long_stale = complete_listing(mikkeli_org, "Kauan vanha")
    make_stale(long_stale, days=(timezone.now() - MONDAY).days + 500)
    coverage.recompute()

    outcome = send_weekly_digest(now=MONDAY)

    assert outcome.sent == 1
    message = message_to(coordinator)
    assert message.to == [coordinator.email]
    body = message.body
    assert "New error reports: 2 (3 open in all)" in body
    assert "Reviews waiting: 1" in body
    assert "Listings that went stale: 1" in body
    assert "http://127.0.0.1:8000/en/staff/queue/" in body
    assert "http://127.0.0.1:8000/en/staff/profile/" in body


def test_the_second_weeks_digest_names_the_gaps_that_opened_and_closed(
    coordinator: User, mikkeli_org: Organisation, savonlinna_org: Organisation
) -> None:
    mikkeli_line = phone_line(mikkeli_org, "Mikkelin vanhempainpuhelin", MIKKELI)
    coverage.recompute()
    send_weekly_digest(now=MONDAY)
    first = message_to(coordinator).body
    assert "From next week on, this message says which gaps opened and which closed." in first
    mail.outbox.clear()

    catalogue.delete_services(user=None, services=[mikkeli_line])  # a gap opens in Mikkeli
    phone_line(savonlinna_org, "Savonlinnan vanhempainpuhelin", SAVONLINNA)  # one closes
    coverage.recompute()
    outcome = send_weekly_digest(now=MONDAY + dt.timedelta(days=7))

    assert outcome.sent == 1
    body = message_to(coordinator).body
    # A line for parents serves fathers and mothers too: three cells each.
    assert "opened this week: 3; closed this week: 3." in body
    opened = body.split("Opened:")[1].split("Closed:")[0]
    closed = body.split("Closed:")[1]
    assert f"* {gap_label(MIKKELI)}" in opened
    assert f"* {gap_label(SAVONLINNA)}" in closed
    assert gap_label(SAVONLINNA) not in opened


def test_a_week_without_changes_names_no_gaps(coordinator: User) -> None:
    coverage.recompute()
    send_weekly_digest(now=MONDAY)
    mail.outbox.clear()

    send_weekly_digest(now=MONDAY + dt.timedelta(days=7))

    body = message_to(coordinator).body
    assert "opened this week: 0; closed this week: 0." in body
    assert "Opened:" not in body and "Closed:" not in body


def test_the_digest_is_in_the_coordinators_language(db: None) -> None:
    swedish = make_user("koordinator", counties=[ETELA_SAVO], language="sv")
    coverage.recompute()

    send_weekly_digest(now=MONDAY)

    assert "/sv/staff/queue/" in message_to(swedish).body


def test_opted_out_coordinators_and_editors_get_no_digest(
    coordinator: User, editor: User, pirkanmaa_coordinator: User
) -> None:
    User.objects.filter(pk=pirkanmaa_coordinator.pk).update(weekly_digest=False)
    coverage.recompute()

    send_weekly_digest(now=MONDAY)

    assert [message.to for message in mail.outbox] == [[coordinator.email]]


def test_a_coordinator_opts_out_in_their_profile(coordinator: User) -> None:
    client = sign_in(Client(), coordinator)
    assert "weekly digest" in client.get("/en/staff/profile/").content.decode().lower()

    response = client.post(
        "/en/staff/profile/",
        {
            "form": "details",
            "first_name": "",
            "last_name": "",
            "email": coordinator.email,
            "language": "fi",
        },  # the box left unticked
    )

    assert response.status_code == 302
    assert User.objects.get(pk=coordinator.pk).weekly_digest is False
    coverage.recompute()
    assert send_weekly_digest(now=MONDAY).sent == 0
    assert not mail.outbox


def test_an_editors_profile_offers_no_digest(editor: User) -> None:
    page = sign_in(Client(), editor).get("/en/staff/profile/").content.decode()

    assert "weekly_digest" not in page


def test_a_coordinator_without_an_address_is_skipped_and_logged(
    coordinator: User, caplog: pytest.LogCaptureFixture
) -> None:
    make_user("no-address", counties=[ETELA_SAVO], email="")
    coverage.recompute()

    outcome = send_weekly_digest(now=MONDAY)

    assert (outcome.sent, outcome.without_address) == (1, 1)
    assert "No weekly digest for no-address: no e-mail address" in caplog.text


def test_running_twice_in_a_week_sends_one_digest(coordinator: User) -> None:
    coverage.recompute()

    first = send_weekly_digest(now=MONDAY)
    again = send_weekly_digest(now=MONDAY + dt.timedelta(days=2))

    assert (first.sent, again.sent, again.skipped) == (1, 0, 1)
    assert len(mail.outbox) == 1
    assert send_weekly_digest(now=MONDAY + dt.timedelta(days=7)).sent == 1


def test_the_digest_task_sends_the_digest(coordinator: User) -> None:
    coverage.recompute()

    result = send_weekly_digest_task.apply().get()

    assert result["sent"] == 1
    assert message_to(coordinator)
