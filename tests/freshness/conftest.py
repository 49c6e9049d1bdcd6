"""The people and listings of the freshness tests: two organisations in Etelä-Savo, one in
Pirkanmaa, their editors and coordinators, and listings that are complete, stale or lacking.

Listings are made in the set-up with the factories (the set-up may write rows directly); the
product under test writes through ``services.catalogue``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage as ParsedMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from accounts.models import User
from services.models import ContactPoint, OpeningHours, Organisation, SupportService
from tests.cast import make_user
from tests.factories import ContactPointFactory, OrganisationFactory, SupportServiceFactory

ETELA_SAVO = "12"
PIRKANMAA = "08"
MIKKELI = "491"  # Etelä-Savo
SAVONLINNA = "740"  # Etelä-Savo
TAMPERE = "837"  # Pirkanmaa
VAASA = "905"  # bilingual


def complete_listing(
    organisation: Organisation,
    name: str,
    *,
    municipalities: Iterable[str] = (MIKKELI,),
    **fields: object,
) -> SupportService:
    """A published listing lacking nothing essential: a phone line with opening hours."""
    service = SupportServiceFactory(
        organisation=organisation,
        name_fi=name,
        channels=["PHONE"],
        municipalities=list(municipalities),
        **fields,
    )
    phone = ContactPointFactory(service=service, kind=ContactPoint.Kind.PHONE, value="015 123")
    OpeningHours.objects.create(
        contact_point=phone, weekday=0, opens=dt.time(9), closes=dt.time(15)
    )
    return service


def make_stale(service: SupportService, *, days: int, confirmed: bool = False) -> None:
    """Not confirmed for ``days`` days: created then (never confirmed), or confirmed then."""
    when = timezone.now() - dt.timedelta(days=days)
    rows = SupportService.objects.filter(pk=service.pk)
    if confirmed:
        rows.update(created_at=when - dt.timedelta(days=30), verified_at=when)
    else:
        rows.update(created_at=when, verified_at=None)


def message_to(user: User) -> mail.EmailMessage:
    """The one message in the outbox addressed to ``user``."""
    found = [message for message in mail.outbox if user.email in message.to]
    assert len(found) == 1, f"{len(found)} messages to {user.email}"
    return found[0]


class Inbox:
    """An aiosmtpd handler keeping what the server accepted. ``delay``: seconds the server
    takes over each message before accepting it (a client that goes away meanwhile has sent
    nothing: aiosmtpd cancels the handler when the connection is lost)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.envelopes: list[Any] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        self.envelopes.append(envelope)
        self.arrived.set()
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[ParsedMessage]:
        return [
            message_from_bytes(envelope.original_content, policy=policy.default)
            for envelope in self.envelopes
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(delay: float = 0.0) -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free local port, for as long as the block runs."""
    inbox = Inbox(delay)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mikkeli_org(db: None) -> Organisation:
    return OrganisationFactory(
        name_fi="Mikkelin perhetyö ry", name_sv="Familjearbetet i S:t Michel"
    )


@pytest.fixture
def savonlinna_org(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Savonlinnan perhekeskus")


@pytest.fixture
def tampere_org(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Tampereen perhepalvelut")


@pytest.fixture
def editor(mikkeli_org: Organisation) -> User:
    """An editor of the Mikkeli organisation (Finnish)."""
    return make_user("editor-mikkeli", organisations=[mikkeli_org])


@pytest.fixture
def savonlinna_editor(savonlinna_org: Organisation) -> User:
    return make_user("editor-savonlinna", organisations=[savonlinna_org], language="sv")


@pytest.fixture
def tampere_editor(tampere_org: Organisation) -> User:
    return make_user("editor-tampere", organisations=[tampere_org], language="en")


@pytest.fixture
def coordinator(db: None) -> User:
    """A coordinator of Etelä-Savo."""
    return make_user("coordinator-etela-savo", counties=[ETELA_SAVO])


@pytest.fixture
def pirkanmaa_coordinator(db: None) -> User:
    return make_user("coordinator-pirkanmaa", counties=[PIRKANMAA])
