"""A small catalogue for the public pages: one full listing, and the cases around it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone, translation

from services.form_protection import HONEYPOT_FIELD, STARTED_FIELD, started_token
from services.models import (
    ContactPoint,
    GroupSession,
    Language,
    Location,
    Method,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    Source,
    SupportService,
)
from tests.factories import (
    ContactPointFactory,
    LocationFactory,
    MethodFactory,
    OrganisationFactory,
    SupportServiceFactory,
)

ORIGIN = "http://testserver"


@dataclass
class World:
    organisation: Organisation
    service: SupportService
    location: Location
    phone: ContactPoint
    chat: ContactPoint
    lp_method: Method
    rated_method: Method
    session: GroupSession
    online_session: GroupSession
    cancelled_session: GroupSession
    past_session: GroupSession
    draft: SupportService
    example: SupportService


def make_world() -> World:
    now = timezone.now()
    with translation.override("fi"):
        organisation = OrganisationFactory(
            name_fi="Perheasiain neuvottelukeskus",
            name_sv="Familjerådgivningscentralen",
            name_en="Family counselling centre",
            kind=Organisation.Kind.PARISH,
            website="https://example.org/perheasiat",
        )
        lp_method = MethodFactory(
            slug="lapset-puheeksi",
            name_fi="Lapset puheeksi",
            name_sv="Låt oss prata om barnen",
            name_en="Let's Talk about Children",
        )
        rated_method = MethodFactory(
            slug="voimaperheet",
            name_fi="Voimaperheet",
            rating=Method.Rating.STRONG,
            rated_on=dt.date(2024, 5, 1),
            source_url="https://kasvuntuki.fi/",
        )
        service = SupportServiceFactory(
            organisation=organisation,
            name_fi="Parisuhdeneuvonta Mikkelissä",
            name_sv="Parrelationsrådgivning i S:t Michel",
            name_en="Couple counselling in Mikkeli",
            summary_fi="Keskusteluapua parisuhteen solmukohtiin.",
            summary_en="Help with difficult moments in a relationship.",
            description_en="Counsellors meet couples and individuals.",
            how_to_get_en="Call the appointment line; no referral needed.",
            eligibility_en="Residents of Etelä-Savo.",
            cost_description_en="No fee.",
            min_age=0,
            max_age=12,
            prenatal=True,
            channels=["IN_PERSON", "PHONE", "CHAT"],
            target_groups=["COUPLES", "SEPARATING"],
            municipalities=["491", "740"],
        )
        service.life_situations.set(["COUPLE_DIFFICULTIES", "SEPARATION"])
        service.attributes.set(["FREE", "NO_REFERRAL"])
        service.languages.set(["fi", "sv"])
        service.methods.set([lp_method, rated_method])
        location = LocationFactory(
            service=service,
            name_fi="Perheasiain toimisto",
            street_address_fi="Hallituskatu 3",
            step_free=True,
            stroller_access=False,
            hearing_loop=None,
            accessibility_notes_fi="Hissi sisäpihalla.",
        )
        for weekday in range(5):
            OpeningHours.objects.create(
                location=location, weekday=weekday, opens=dt.time(8), closes=dt.time(16)
            )
        today = timezone.localdate()
        OpeningHoursException.objects.create(
            location=location,
            start_date=today + dt.timedelta(days=20),
            end_date=today + dt.timedelta(days=22),
            note_fi="Joulutauko",
        )
        phone = ContactPointFactory(
            service=service, kind=ContactPoint.Kind.PHONE, value="015 123 4567", order=0
        )
        OpeningHours.objects.create(
            contact_point=phone, weekday=0, opens=dt.time(9), closes=dt.time(0)
        )
        chat = ContactPointFactory(
            service=service,
            kind=ContactPoint.Kind.CHAT,
            value="https://chat.example.org/perheasiat",
            order=1,
        )
        ContactPointFactory(
            service=service, kind=ContactPoint.Kind.EMAIL, value="perheasiat@example.org", order=2
        )
        start = (now + dt.timedelta(days=3)).replace(microsecond=0)
        session = GroupSession.objects.create(
            service=service,
            title_fi="Eroryhmä",
            title_en="Separation group",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            location=location,
            language=Language.objects.get(code="fi"),
            seats=8,
            registration_url="https://example.org/ilmoittaudu",
        )
        online_session = GroupSession.objects.create(
            service=service,
            title_fi="Verkkoluento vanhemmille",
            title_en="Online lecture for parents",
            starts_at=start + dt.timedelta(days=7),
            ends_at=start + dt.timedelta(days=7, hours=1),
            online_url="https://video.example.org/luento",
            language=Language.objects.get(code="sv"),
        )
        cancelled_session = GroupSession.objects.create(
            service=service,
            title_fi="Peruttu ryhmä",
            title_en="Cancelled group",
            starts_at=start + dt.timedelta(days=1),
            ends_at=start + dt.timedelta(days=1, hours=2),
            location=location,
            is_cancelled=True,
        )
        past_session = GroupSession.objects.create(
            service=service,
            title_fi="Mennyt ryhmä",
            starts_at=now - dt.timedelta(days=3),
            ends_at=now - dt.timedelta(days=3) + dt.timedelta(hours=2),
            location=location,
        )
        draft = SupportServiceFactory(
            organisation=organisation,
            name_fi="Luonnospalvelu",
            status=SupportService.Status.DRAFT,
        )
        draft.methods.set([lp_method])
        example = SupportServiceFactory(
            name_fi="Esimerkkineuvola",
            name_en="Example clinic",
            source=Source.EXAMPLE,
            verified_at=now - dt.timedelta(days=10),
        )
    return World(
        organisation=organisation,
        service=service,
        location=location,
        phone=phone,
        chat=chat,
        lp_method=lp_method,
        rated_method=rated_method,
        session=session,
        online_session=online_session,
        cancelled_session=cancelled_session,
        past_session=past_session,
        draft=draft,
        example=example,
    )


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Rate-limit counters live in the cache; every test starts from zero."""
    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def protected_post(
    client: Client,
    url: str,
    data: dict[str, object],
    *,
    seconds_ago: float = 60,
    origin: str | None = ORIGIN,
    **extra: str,
) -> HttpResponse:
    """POST a protected form as a browser on this site would, ``seconds_ago`` after showing it."""
    payload: dict[str, object] = {
        HONEYPOT_FIELD: "",
        STARTED_FIELD: started_token(time.time() - seconds_ago),
    }
    payload.update(data)
    if origin is not None:
        extra["HTTP_ORIGIN"] = origin
    return client.post(url, payload, **extra)
