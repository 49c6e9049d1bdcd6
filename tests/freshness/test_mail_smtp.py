"""The freshness e-mails through a real SMTP server (aiosmtpd, run in the test), read back with
Python's e-mail parser: headers, language, UTF-8 text, and links that work when followed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage as ParsedMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from services import reports
from services.models import ErrorReport, Organisation, SupportService
from services.reminders import send_stale_reminders
from tests.cast import make_user, sign_in
from tests.freshness.conftest import Inbox, complete_listing, make_stale, smtp_server


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    with smtp_server() as (server, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        yield server


def text_of(message: ParsedMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body.get_content_charset() == "utf-8"
    return body.get_content().replace("\r\n", "\n")  # SMTP's line ends


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def only_message_to(inbox: Inbox, address: str) -> ParsedMessage:
    found = [message for message in inbox.messages if message["To"] == address]
    assert len(found) == 1, f"{len(found)} messages to {address}"
    return found[0]


def expected_subject(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def test_reminders_travel_through_smtp_in_each_persons_language_with_working_links(
    inbox: Inbox, mikkeli_org: Organisation
) -> None:
    stale = complete_listing(
        mikkeli_org, "Parisuhdeneuvonta", name_sv="Parrådgivning", name_en="Couple counselling"
    )
    make_stale(stale, days=400)
    people = {
        language: make_user(f"editor-{language}", organisations=[mikkeli_org], language=language)
        for language in ("fi", "sv", "en")
    }

    assert send_stale_reminders(now=timezone.now()).sent == 3

    assert len(inbox.envelopes) == 3
    names = {"fi": "Parisuhdeneuvonta", "sv": "Parrådgivning", "en": "Couple counselling"}
    for language, person in people.items():
        message = only_message_to(inbox, person.email)
        assert message["From"] == settings.DEFAULT_FROM_EMAIL
        assert message["Subject"] == expected_subject("Please check your listings", language)
        text = text_of(message)
        assert f"* {names[language]}\n" in text
        urls = links_in(text)
        assert len(urls) == 2
        for url in urls:
            assert url.startswith(f"{settings.SITE_URL}/{language}/staff/")
            follow_as(person, url)
    assert sorted(envelope.rcpt_tos[0] for envelope in inbox.envelopes) == sorted(
        person.email for person in people.values()
    )
    assert {envelope.mail_from for envelope in inbox.envelopes} == {settings.DEFAULT_FROM_EMAIL}


def follow_as(person: User, url: str) -> None:
    """An anonymous visitor is asked to log in; the person gets the page."""
    path = urlsplit(url).path
    anonymous = Client().get(path)
    assert anonymous.status_code == 302, path
    assert urlsplit(anonymous["Location"]).path.endswith("/staff/login/")
    response = sign_in(Client(), person).get(path)
    assert response.status_code == 200, path


def test_a_report_and_its_outcome_travel_through_smtp(
    inbox: Inbox, mikkeli_org: Organisation, editor: User, coordinator: User
) -> None:
    listing = complete_listing(mikkeli_org, "Isäryhmä", name_sv="Pappagrupp")
    report = reports.receive(
        service=listing, text="Fel tid för gruppen.", reply_to="foralder@example.org", language="sv"
    )
    reports.notify_handlers(report.pk)  # as after the commit

    notice = only_message_to(inbox, editor.email)
    assert notice["From"] == settings.DEFAULT_FROM_EMAIL
    assert "Isäryhmä" in notice["Subject"]  # the editor reads Finnish
    [link] = links_in(text_of(notice))
    assert urlsplit(link).path == f"/fi/staff/reports/{report.pk}/"
    follow_as(editor, link)

    told = reports.close(
        user=coordinator,
        report=report,
        status=ErrorReport.Status.RESOLVED,
        outcome="Tiden är rättad – tack!",
    )

    assert told is True
    outcome = only_message_to(inbox, "foralder@example.org")
    assert outcome["From"] == settings.DEFAULT_FROM_EMAIL
    assert "Pappagrupp" in outcome["Subject"]  # in the report's language, Swedish
    text = text_of(outcome)
    assert "Pappagrupp" in text
    assert "Tiden är rättad – tack!" in text
    assert ErrorReport.objects.get(pk=report.pk).reply_to == ""
    assert not SupportService.objects.filter(error_reports__reply_to__contains="@").exists()
