"""The daily round of reminders: editors hear of their stale listings once, in their language,
a second time after 30 days, and then the coordinators see the listing escalated."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from services import catalogue
from services.models import Organisation, ReminderMessage, StaleReminder, SupportService
from services.reminders import CLAIM_TIMEOUT, SECOND_REMINDER_DAYS, send_stale_reminders
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory
from tests.freshness.conftest import complete_listing, make_stale, message_to

NOW = timezone.now()


def days(number: float) -> dt.datetime:
    return NOW + dt.timedelta(days=number)


def finnish(text: str) -> str:
    """``text`` as the editor (who reads Finnish) gets it."""
    with translation.override("fi"):
        return translation.gettext(text)


FIRST = "Please check your listings"
SECOND = "Second reminder: please check your listings"
PASSED_ON = (
    "Listings still unconfirmed after this second reminder are passed on to the coordinators "
    "of your wellbeing services county."
)


def links(message: mail.EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


@pytest.fixture
def stale(mikkeli_org: Organisation) -> SupportService:
    """A listing nobody has confirmed since it was made, 400 days ago."""
    service = complete_listing(mikkeli_org, "Parisuhdeneuvonta", name_sv="Parrådgivning")
    make_stale(service, days=400)
    return service


def test_an_editor_gets_a_first_reminder_of_a_listing_that_went_stale(
    stale: SupportService, editor: User
) -> None:
    outcome = send_stale_reminders(now=NOW)

    assert outcome.sent == 1
    message = message_to(editor)
    assert message.subject == finnish(FIRST)
    assert "Parisuhdeneuvonta\n" in message.body
    assert finnish("second reminder") not in message.body
    assert finnish(PASSED_ON) not in message.body
    assert [link.split("/", 3)[3].split("/")[:3] for link in links(message)] == [
        ["fi", "staff", "confirm"],
        ["fi", "staff", "services"],
    ]
    assert links(message)[1].endswith(f"/fi/staff/services/{stale.pk}/")


def test_a_listing_confirmed_within_the_year_is_not_reminded(
    mikkeli_org: Organisation, editor: User
) -> None:
    make_stale(complete_listing(mikkeli_org, "Tuore"), days=364, confirmed=True)

    assert send_stale_reminders(now=NOW).sent == 0
    assert not mail.outbox


def test_nothing_is_sent_the_next_day(stale: SupportService, editor: User) -> None:
    send_stale_reminders(now=NOW)

    assert send_stale_reminders(now=days(1)).sent == 0
    assert send_stale_reminders(now=days(SECOND_REMINDER_DAYS - 1)).sent == 0
    assert len(mail.outbox) == 1


def test_the_second_reminder_comes_30_days_after_the_first(
    stale: SupportService, editor: User
) -> None:
    send_stale_reminders(now=NOW)
    mail.outbox.clear()

    assert send_stale_reminders(now=days(SECOND_REMINDER_DAYS)).sent == 1

    message = message_to(editor)
    assert message.subject == finnish(SECOND)
    assert f"Parisuhdeneuvonta ({finnish('second reminder')})" in message.body
    assert finnish(PASSED_ON) in message.body


def test_after_the_second_reminder_the_listing_is_escalated_to_the_coordinators_queue(
    stale: SupportService, editor: User, coordinator: User
) -> None:
    send_stale_reminders(now=days(-SECOND_REMINDER_DAYS - 1))
    send_stale_reminders(now=days(-1))
    assert len(mail.outbox) == 2

    assert send_stale_reminders(now=NOW).sent == 0
    assert send_stale_reminders(now=days(SECOND_REMINDER_DAYS)).sent == 0

    page = sign_in(Client(), coordinator).get("/en/staff/queue/").content.decode()
    assert "1 stale listing escalated to you" in page
    assert "escalated: reminded twice, still not confirmed" in page


def test_a_listing_nobody_can_be_reminded_of_reaches_the_coordinators_on_time(
    savonlinna_org: Organisation, coordinator: User
) -> None:
    make_stale(complete_listing(savonlinna_org, "Savonlinnan perheneuvola"), days=400)
    make_user("no-address", organisations=[savonlinna_org], email="")

    send_stale_reminders(now=days(-SECOND_REMINDER_DAYS - 1))
    send_stale_reminders(now=days(-1))

    assert not mail.outbox
    page = sign_in(Client(), coordinator).get("/en/staff/queue/").content.decode()
    assert "1 stale listing escalated to you" in page


def test_one_message_lists_all_of_a_persons_due_listings(
    mikkeli_org: Organisation, savonlinna_org: Organisation, editor: User
) -> None:
    editor.organisations.add(savonlinna_org)
    for organisation, name in (
        (mikkeli_org, "Eroneuvonta"),
        (mikkeli_org, "Isäryhmä"),
        (savonlinna_org, "Savonlinnan perheneuvola"),
    ):
        make_stale(complete_listing(organisation, name), days=400)
    make_stale(complete_listing(mikkeli_org, "Tuore"), days=10, confirmed=True)

    send_stale_reminders(now=NOW)

    message = message_to(editor)
    for name in ("Eroneuvonta", "Isäryhmä", "Savonlinnan perheneuvola"):
        assert f"* {name}" in message.body
    assert "Tuore" not in message.body
    assert len(links(message)) == 6  # "still accurate" and "edit" for each


def test_every_editor_of_the_organisation_gets_their_own_message(
    stale: SupportService, editor: User, mikkeli_org: Organisation
) -> None:
    colleague = make_user("colleague", organisations=[mikkeli_org], language="en")

    send_stale_reminders(now=NOW)

    assert "Parisuhdeneuvonta" in message_to(editor).body
    assert "/en/staff/confirm/" in message_to(colleague).body


@pytest.mark.parametrize(
    ("language", "name"),
    [("fi", "Parisuhdeneuvonta"), ("sv", "Parrådgivning"), ("en", "Couple counselling")],
)
def test_each_message_is_in_its_recipients_language(
    stale: SupportService, mikkeli_org: Organisation, language: str, name: str
) -> None:
    SupportService.objects.filter(pk=stale.pk).update(name_en="Couple counselling")
    person = make_user(f"editor-{language}", organisations=[mikkeli_org], language=language)

    send_stale_reminders(now=NOW)

    message = message_to(person)
    assert f"* {name}\n" in message.body
    assert len(links(message)) == 2
    assert all(f"/{language}/staff/" in link for link in links(message))


def test_running_the_round_twice_the_same_day_sends_nothing_more(
    stale: SupportService, editor: User
) -> None:
    first = send_stale_reminders(now=NOW)
    # Later the same day in Finland (two hours later would be tomorrow's round after 22:00).
    end_of_day = dt.datetime.combine(timezone.localdate(NOW), dt.time(23, 59, 59))
    later = max(NOW, min(NOW + dt.timedelta(hours=2), timezone.make_aware(end_of_day)))
    again = send_stale_reminders(now=later)

    assert (first.sent, again.sent, again.skipped) == (1, 0, 1)
    assert len(mail.outbox) == 1
    assert ReminderMessage.objects.get().sent_at is not None


def test_a_person_without_an_e_mail_address_is_skipped_and_logged_and_the_others_still_hear(
    stale: SupportService,
    mikkeli_org: Organisation,
    savonlinna_org: Organisation,
    caplog: pytest.LogCaptureFixture,
) -> None:
    silent = make_user("no-address", organisations=[mikkeli_org], email="")
    colleague = make_user("colleague", organisations=[mikkeli_org])
    other = make_user("savonlinna", organisations=[savonlinna_org])
    make_stale(complete_listing(savonlinna_org, "Savonlinnan perheneuvola"), days=400)

    outcome = send_stale_reminders(now=NOW)

    assert (outcome.sent, outcome.without_address) == (2, 1)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [colleague.email, other.email]
    )
    assert f"Stale listings of {silent} not reminded: no e-mail address" in caplog.text


class DeletingBackend(EmailBackend):
    """Delivers to the outbox; after the first message, the listings named in ``doomed``
    are deleted, as an editor could do while the round is running."""

    doomed: list[int] = []

    def send_messages(self, messages: list[Any]) -> int:
        sent = super().send_messages(messages)
        if len(mail.outbox) == 1 and self.doomed:
            catalogue.delete_services(user=None, services=self.doomed)
        return sent


@pytest.fixture
def deleting_backend(settings: Any) -> Iterator[type[DeletingBackend]]:
    settings.EMAIL_BACKEND = f"{__name__}.DeletingBackend"
    DeletingBackend.doomed = []
    yield DeletingBackend
    DeletingBackend.doomed = []


def test_a_listing_deleted_during_the_round_is_left_out_and_logged(
    stale: SupportService,
    editor: User,
    savonlinna_org: Organisation,
    deleting_backend: type[DeletingBackend],
    caplog: pytest.LogCaptureFixture,
) -> None:
    later = make_user("savonlinna", organisations=[savonlinna_org])  # after the editor
    deleted = complete_listing(savonlinna_org, "Lakkautettu ryhmä")
    kept = complete_listing(savonlinna_org, "Savonlinnan perheneuvola")
    for service in (deleted, kept):
        make_stale(service, days=400)
    deleting_backend.doomed = [deleted.pk]

    outcome = send_stale_reminders(now=NOW)

    assert outcome.sent == 2
    message = message_to(later)
    assert "Savonlinnan perheneuvola" in message.body
    assert "Lakkautettu ryhmä" not in message.body
    assert f"/staff/services/{deleted.pk}/" not in message.body
    assert f"Listing {deleted.pk} was deleted before its reminder to {later}" in caplog.text
    assert ReminderMessage.objects.get(user=later).content["services"] == [kept.pk]


def test_a_person_whose_every_listing_was_deleted_during_the_round_gets_no_message(
    stale: SupportService,
    editor: User,
    savonlinna_org: Organisation,
    deleting_backend: type[DeletingBackend],
    caplog: pytest.LogCaptureFixture,
) -> None:
    later = make_user("savonlinna", organisations=[savonlinna_org])
    deleted = complete_listing(savonlinna_org, "Lakkautettu ryhmä")
    make_stale(deleted, days=400)
    deleting_backend.doomed = [deleted.pk]

    outcome = send_stale_reminders(now=NOW)

    assert outcome.sent == 1
    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert f"Listing {deleted.pk} was deleted before its reminder to {later}" in caplog.text
    assert not ReminderMessage.objects.filter(user=later).exists()


def test_confirming_a_listing_starts_a_new_staleness(stale: SupportService, editor: User) -> None:
    send_stale_reminders(now=NOW)
    catalogue.confirm_accurate(user=editor, services=[stale], when=days(5))
    mail.outbox.clear()

    assert send_stale_reminders(now=days(SECOND_REMINDER_DAYS)).sent == 0
    assert send_stale_reminders(now=days(5 + 364)).sent == 0
    assert send_stale_reminders(now=days(5 + 366)).sent == 1

    message = message_to(editor)
    assert message.subject == finnish(FIRST)  # a first reminder again
    assert StaleReminder.objects.filter(service=stale).count() == 2


class WorkerKilled(BaseException):
    """What a killed worker amounts to in-process: nothing after this point runs."""


class DyingBackend(EmailBackend):
    """Delivers the first message, then the worker "dies" while sending the second."""

    def send_messages(self, messages: list[Any]) -> int:
        if len(mail.outbox) == 1:
            raise WorkerKilled
        return super().send_messages(messages)


# Nine in the morning of today in Finland: a run minutes later is still today's round.
MORNING = timezone.make_aware(dt.datetime.combine(timezone.localdate(NOW), dt.time(9)))


@pytest.mark.parametrize(
    "rerun",
    [MORNING + CLAIM_TIMEOUT + dt.timedelta(minutes=1), MORNING + dt.timedelta(days=1)],
    ids=["the same day", "the next day"],
)
def test_a_round_cut_short_is_finished_by_the_next_run_with_one_message_each(
    db: None, settings: Any, rerun: dt.datetime
) -> None:
    editors = []
    for number in range(3):
        organisation = OrganisationFactory()
        editors.append(make_user(f"editor-{number}", organisations=[organisation]))
        make_stale(complete_listing(organisation, f"Palvelu {number}"), days=400)
    settings.EMAIL_BACKEND = f"{__name__}.DyingBackend"

    with pytest.raises(WorkerKilled):
        send_stale_reminders(now=MORNING)
    assert len(mail.outbox) == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_stale_reminders(now=rerun)

    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        person.email for person in editors
    )
