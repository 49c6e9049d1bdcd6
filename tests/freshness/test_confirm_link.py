"""The reminder's signed "still accurate" link: it asks for a login, shows the listing with one
button, confirms on the button; it refuses another person, a changed link, an expired link and
a deleted listing."""

from __future__ import annotations

import datetime as dt
import re
import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import User
from services import catalogue
from services.models import Organisation, SupportService
from services.reminders import CONFIRM_LINK_DAYS, confirm_token, send_stale_reminders
from tests.accounts.logins import log_in, with_password
from tests.cast import make_user, sign_in
from tests.freshness.conftest import complete_listing, make_stale, message_to


@pytest.fixture
def editor(mikkeli_org: Organisation) -> User:
    """The Mikkeli organisation's editor, who reads English: the link is an /en/ one."""
    return make_user("editor-mikkeli", organisations=[mikkeli_org], language="en")


@pytest.fixture
def stale(mikkeli_org: Organisation) -> SupportService:
    service = complete_listing(mikkeli_org, "Parisuhdeneuvonta")
    make_stale(service, days=400)
    return service


@pytest.fixture
def link(stale: SupportService, editor: User) -> str:
    """The path of the "still accurate" link in the editor's real reminder."""
    send_stale_reminders(now=timezone.now())
    urls = re.findall(r"https?://\S+", message_to(editor).body)
    mail.outbox.clear()
    return urlsplit(next(url for url in urls if "/staff/confirm/" in url)).path


def confirmed(service: SupportService) -> SupportService:
    return SupportService.objects.get(pk=service.pk)


def test_the_link_asks_an_anonymous_visitor_to_log_in_and_then_confirms(
    link: str, stale: SupportService, editor: User
) -> None:
    client = Client()

    response = client.get(link)

    assert response.status_code == 302
    login = urlsplit(response["Location"])
    assert login.path == "/en/staff/login/"
    assert parse_qs(login.query)["next"] == [link]
    assert confirmed(stale).verified_at is None

    with_password(editor)
    response = log_in(client, editor.username, next_url=link)
    assert response.status_code == 302
    assert response["Location"] == link

    page = client.get(link)
    assert page.status_code == 200
    assert "Parisuhdeneuvonta" in page.content.decode()
    assert confirmed(stale).verified_at is None  # opening the link confirms nothing

    before = timezone.now()
    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == "/en/staff/"
    service = confirmed(stale)
    assert service.verified_by == editor
    assert service.verified_at >= before
    assert service.version == stale.version  # a confirmation is no new version
    assert "is confirmed as still accurate" in client.get("/en/staff/").content.decode()


def test_a_signed_in_editor_sees_the_listing_and_one_button(
    link: str, stale: SupportService, editor: User
) -> None:
    response = sign_in(Client(), editor).get(link)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('type="submit"') == 2  # the button, and the log-out button
    assert f'href="/en/services/{stale.pk}/"' in page
    assert f'href="/en/staff/services/{stale.pk}/"' in page


def test_the_link_refuses_another_person_and_confirms_nothing(
    link: str, stale: SupportService, mikkeli_org: Organisation
) -> None:
    colleague = sign_in(Client(), make_user("colleague", organisations=[mikkeli_org]))

    assert colleague.get(link).status_code == 403
    response = colleague.post(link)

    assert response.status_code == 403
    assert "sent to someone else" in response.content.decode()
    assert confirmed(stale).verified_at is None


def test_a_changed_link_is_refused(link: str, stale: SupportService, editor: User) -> None:
    prefix, signature = link.rstrip("/").rsplit(":", 1)
    tampered = f"{prefix}:{signature[::-1]}/"
    client = sign_in(Client(), editor)

    response = client.post(tampered)

    assert response.status_code == 400
    assert "not complete or has been changed" in response.content.decode()
    assert confirmed(stale).verified_at is None


def test_a_link_with_another_listing_put_in_is_refused(
    link: str, stale: SupportService, editor: User, mikkeli_org: Organisation
) -> None:
    other = complete_listing(mikkeli_org, "Eroneuvonta")
    forged = confirm_token(user=editor, service=other).split(":", 1)[0]
    signature = link.rstrip("/").split(":", 1)[1]

    response = sign_in(Client(), editor).post(f"/en/staff/confirm/{forged}:{signature}/")

    assert response.status_code == 400
    assert confirmed(other).verified_at is None


def test_an_expired_link_is_refused(stale: SupportService, editor: User) -> None:
    long_ago = time.time() - dt.timedelta(days=CONFIRM_LINK_DAYS + 1).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        token = confirm_token(user=editor, service=stale)

    response = sign_in(Client(), editor).post(f"/en/staff/confirm/{token}/")

    assert response.status_code == 410
    assert "The link has expired." in response.content.decode()
    assert confirmed(stale).verified_at is None


def test_a_link_just_within_its_time_still_works(stale: SupportService, editor: User) -> None:
    recently = time.time() - dt.timedelta(days=CONFIRM_LINK_DAYS - 1).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=recently):
        token = confirm_token(user=editor, service=stale)

    response = sign_in(Client(), editor).post(f"/en/staff/confirm/{token}/")

    assert response.status_code == 302
    assert confirmed(stale).verified_by == editor


def test_a_link_to_a_deleted_listing_is_refused(
    link: str, stale: SupportService, editor: User
) -> None:
    catalogue.delete_services(user=None, services=[stale])

    response = sign_in(Client(), editor).get(link)

    assert response.status_code == 410
    assert "The listing no longer exists." in response.content.decode()


def test_a_person_who_no_longer_edits_the_listing_cannot_confirm_it(
    link: str, stale: SupportService, editor: User
) -> None:
    editor.organisations.clear()
    editor.counties.set(["08"])  # still staff, elsewhere

    response = sign_in(Client(), editor).post(link)

    assert response.status_code == 403
    assert confirmed(stale).verified_at is None
