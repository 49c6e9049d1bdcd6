"""An error report's life on the report page: new → in progress → resolved or rejected, an
assignee among the listing's handlers, internal notes, and the people told."""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from accounts.models import User
from services.models import ErrorReport, ErrorReportNote, Organisation, SupportService
from tests.cast import make_user, sign_in
from tests.freshness.conftest import ETELA_SAVO, complete_listing
from tests.pages.conftest import protected_post


def page_of(report: ErrorReport) -> str:
    return f"/en/staff/reports/{report.pk}/"


@pytest.fixture
def listing(mikkeli_org: Organisation) -> SupportService:
    return complete_listing(mikkeli_org, "Isäryhmä", name_sv="Pappagrupp", name_en="Fathers' group")


@pytest.fixture
def report(listing: SupportService) -> ErrorReport:
    return ErrorReport.objects.create(
        service=listing,
        text="Ryhmä kokoontuu nyt torstaisin.",
        reply_to="parent@example.org",
        language="sv",
    )


@pytest.fixture
def coordinator_client(coordinator: User) -> Client:
    return sign_in(Client(), coordinator)


def fresh(report: ErrorReport) -> ErrorReport:
    return ErrorReport.objects.get(pk=report.pk)


def test_taking_a_new_report_puts_it_in_progress_and_makes_it_yours(
    report: ErrorReport, coordinator: User, coordinator_client: Client
) -> None:
    response = coordinator_client.post(page_of(report), {"action": "take"})

    assert response.status_code == 302
    assert response["Location"] == page_of(report)
    report = fresh(report)
    assert report.status == ErrorReport.Status.IN_PROGRESS
    assert report.assignee == coordinator
    page = coordinator_client.get(page_of(report)).content.decode()
    assert "The report is yours now." in page
    assert "In progress" in page
    assert "Take this report" not in page


def test_a_report_is_assigned_to_one_of_the_listings_editors(
    report: ErrorReport, editor: User, coordinator_client: Client
) -> None:
    response = coordinator_client.post(
        page_of(report), {"action": "assign", "assign-assignee": str(editor.pk)}
    )

    assert response.status_code == 302
    assert fresh(report).assignee == editor
    assert fresh(report).status == ErrorReport.Status.IN_PROGRESS
    assert "The report was assigned." in coordinator_client.get(page_of(report)).content.decode()


def test_the_assignee_can_be_chosen_among_the_listings_handlers_only(
    report: ErrorReport,
    editor: User,
    coordinator: User,
    savonlinna_editor: User,
    tampere_editor: User,
    pirkanmaa_coordinator: User,
    coordinator_client: Client,
) -> None:
    page = coordinator_client.get(page_of(report)).content.decode()

    assert f'<option value="{editor.pk}">{editor}</option>' in page
    assert f'<option value="{coordinator.pk}">{coordinator}</option>' in page
    for outsider in (savonlinna_editor, tampere_editor, pirkanmaa_coordinator):
        assert f'value="{outsider.pk}"' not in page


def test_a_forged_assignee_is_refused_and_nothing_changes(
    report: ErrorReport, tampere_editor: User, coordinator_client: Client
) -> None:
    response = coordinator_client.post(
        page_of(report), {"action": "assign", "assign-assignee": str(tampere_editor.pk)}
    )

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    report = fresh(report)
    assert report.assignee is None
    assert report.status == ErrorReport.Status.NEW


def test_an_internal_note_is_kept_with_its_author_and_shown_to_staff(
    report: ErrorReport, coordinator: User, coordinator_client: Client
) -> None:
    response = coordinator_client.post(
        page_of(report), {"action": "note", "note-note": "Soitin palveluun, tarkistavat."}
    )

    assert response.status_code == 302
    note = ErrorReportNote.objects.get(report=report)
    assert (note.author, note.text) == (coordinator, "Soitin palveluun, tarkistavat.")
    page = coordinator_client.get(page_of(report)).content.decode()
    assert "Soitin palveluun, tarkistavat." in page
    assert fresh(report).status == ErrorReport.Status.NEW  # a note changes no state


def test_an_empty_note_gets_a_clear_message(
    report: ErrorReport, coordinator_client: Client
) -> None:
    response = coordinator_client.post(page_of(report), {"action": "note", "note-note": "  "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ErrorReportNote.objects.exists()


def test_resolving_erases_the_address_and_tells_the_reporter_in_the_reports_language(
    report: ErrorReport, coordinator: User, coordinator_client: Client
) -> None:
    coordinator_client.post(page_of(report), {"action": "take"})

    response = coordinator_client.post(
        page_of(report), {"action": "resolve", "close-outcome": "Tiedot on korjattu."}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/staff/queue/"
    report = fresh(report)
    assert report.status == ErrorReport.Status.RESOLVED
    assert report.closed_by == coordinator
    assert report.closed_at is not None
    assert report.reply_to == ""
    assert not ErrorReport.objects.filter(reply_to="parent@example.org").exists()
    [message] = mail.outbox
    assert message.to == ["parent@example.org"]
    assert "Pappagrupp" in message.subject  # the listing's Swedish name: written in Swedish
    with translation.override("sv"):
        thanks = translation.gettext(
            "Thank you for your report on the listing “%(name)s”. It has been handled and the "
            "listing corrected where needed."
        ) % {"name": "Pappagrupp"}
        erased = translation.gettext("Your e-mail address has now been erased from our records.")
    assert thanks in message.body
    assert erased in message.body
    assert "Tiedot on korjattu." in message.body
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "The report was closed and the reporter told of the outcome." in page
    assert "Isäryhmä" not in page  # no longer in the queue


def test_rejecting_tells_the_reporter_that_the_listing_was_right(
    report: ErrorReport, coordinator_client: Client
) -> None:
    ErrorReport.objects.filter(pk=report.pk).update(language="fi")

    coordinator_client.post(page_of(report), {"action": "reject", "close-outcome": ""})

    report = fresh(report)
    assert report.status == ErrorReport.Status.REJECTED
    assert report.reply_to == ""
    [message] = mail.outbox
    assert "Isäryhmä" in message.subject
    with translation.override("fi"):
        checked = translation.gettext(
            "Thank you for your report on the listing “%(name)s”. It has been checked, and the "
            "listing was found to be right as it is."
        ) % {"name": "Isäryhmä"}
    assert checked in message.body


def test_closing_a_report_without_an_address_tells_nobody(
    report: ErrorReport, coordinator_client: Client
) -> None:
    ErrorReport.objects.filter(pk=report.pk).update(reply_to="")

    response = coordinator_client.post(page_of(report), {"action": "resolve"}, follow=True)

    assert fresh(report).status == ErrorReport.Status.RESOLVED
    assert not mail.outbox
    assert "The report was closed." in response.content.decode()


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_address_is_erased_even_when_the_outcome_cannot_be_sent(
    report: ErrorReport,
    coordinator_client: Client,
    settings: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = unused_port()  # nobody listens: the connection is refused

    response = coordinator_client.post(page_of(report), {"action": "resolve"}, follow=True)

    assert response.status_code == 200
    assert fresh(report).status == ErrorReport.Status.RESOLVED
    assert fresh(report).reply_to == ""
    assert "The report was closed." in response.content.decode()
    assert f"Could not send the outcome of error report {report.pk}" in caplog.text


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("take", {}),
        ("assign", {"assign-assignee": ""}),
        ("resolve", {"close-outcome": "Again"}),
        ("reject", {"close-outcome": "Again"}),
    ],
)
def test_a_closed_report_cannot_be_changed(
    report: ErrorReport, coordinator: User, coordinator_client: Client, action: str, data: dict
) -> None:
    coordinator_client.post(page_of(report), {"action": "resolve", "close-outcome": "Korjattu"})
    closed = fresh(report)
    mail.outbox.clear()

    response = coordinator_client.post(page_of(report), {"action": action, **data}, follow=True)

    assert response.status_code == 200
    assert "The report was closed already; it cannot be changed." in response.content.decode()
    report = fresh(report)
    assert (report.status, report.assignee, report.outcome, report.closed_at) == (
        closed.status,
        closed.assignee,
        "Korjattu",
        closed.closed_at,
    )
    assert not mail.outbox


def test_a_closed_report_shows_no_handling_buttons(
    report: ErrorReport, coordinator_client: Client
) -> None:
    coordinator_client.post(page_of(report), {"action": "reject"})

    page = coordinator_client.get(page_of(report)).content.decode()

    assert "Rejected" in page
    assert "Take this report" not in page
    assert 'value="resolve"' not in page
    assert "not given, or erased" in page


def test_a_new_report_from_the_public_form_is_told_to_the_listings_editors(
    listing: SupportService,
    editor: User,
    coordinator: User,
    parent_client: Client,
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = protected_post(
            parent_client,
            f"/sv/services/{listing.pk}/report/",
            {"text": "Fel telefonnummer.", "reply_to": "foralder@example.org"},
        )

    assert response.status_code == 302
    report = ErrorReport.objects.get()
    assert (report.reply_to, report.language) == ("foralder@example.org", "sv")
    [message] = mail.outbox  # the editor only: the coordinator hears of it in the queue
    assert message.to == [editor.email]
    assert "Isäryhmä" in message.subject  # the editor reads Finnish
    assert "Fel telefonnummer." in message.body
    assert f"/fi/staff/reports/{report.pk}/" in message.body


def test_a_report_on_a_listing_without_editors_is_told_to_its_coordinators(
    savonlinna_org: Organisation,
    coordinator: User,
    pirkanmaa_coordinator: User,
    parent_client: Client,
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    listing = complete_listing(savonlinna_org, "Savonlinnan perheneuvola")
    make_user("coordinator-without-address", counties=[ETELA_SAVO], email="")

    with caplog.at_level("INFO", logger="services.reports"):
        with django_capture_on_commit_callbacks(execute=True):
            protected_post(parent_client, f"/en/services/{listing.pk}/report/", {"text": "Väärin"})

    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert "No e-mail address for coordinator-without-address" in caplog.text


def test_the_public_form_refuses_a_reply_address_that_is_not_an_e_mail_address(
    listing: SupportService, parent_client: Client
) -> None:
    response = protected_post(
        parent_client,
        f"/en/services/{listing.pk}/report/",
        {"text": "Väärin", "reply_to": "040 123 4567"},
    )

    assert response.status_code == 400
    assert "Check the e-mail address, or leave it empty." in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_an_editor_of_another_organisation_gets_404_and_changes_nothing(
    report: ErrorReport, savonlinna_editor: User
) -> None:
    client = sign_in(Client(), savonlinna_editor)

    assert client.get(page_of(report)).status_code == 404
    assert client.post(page_of(report), {"action": "resolve"}).status_code == 404
    assert client.post(page_of(report), {"action": "note", "note-note": "x"}).status_code == 404
    assert fresh(report).status == ErrorReport.Status.NEW
    assert fresh(report).reply_to == "parent@example.org"
    assert not ErrorReportNote.objects.exists()


def test_the_listings_editor_handles_its_report_too(report: ErrorReport, editor: User) -> None:
    response = sign_in(Client(), editor).post(page_of(report), {"action": "take"})

    assert response.status_code == 302
    assert fresh(report).assignee == editor
