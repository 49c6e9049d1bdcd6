"""A small catalogue that uses every field HSDS can carry, for the API and export tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import translation

from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    Method,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    Source,
    SupportService,
    Tier,
    WellbeingServicesCounty,
)

HELSINKI = ZoneInfo("Europe/Helsinki")


@dataclass
class World:
    parent: Organisation
    organisation: Organisation
    service: SupportService  # everything filled in, published
    online: SupportService  # nationwide digital service with a chat, published
    draft: SupportService
    location: Location
    chat: ContactPoint
    phone: ContactPoint
    session_at_location: GroupSession
    online_session: GroupSession
    cancelled_session: GroupSession
    method: Method


def build_world() -> World:
    with translation.override("fi"):
        return _build()


def _build() -> World:
    mikkeli = Municipality.objects.get(code="491")
    parent = Organisation.objects.create(
        name_fi="Etelä-Savon hyvinvointialue",
        name_sv="Södra Savolax välfärdsområde",
        kind=Organisation.Kind.PUBLIC,
        business_id="3221308-6",
    )
    organisation = Organisation.objects.create(
        name_fi="Mikkelin perheneuvola",
        name_sv="Familjerådgivningen i S:t Michel",
        name_en="Mikkeli family counselling",
        description_fi="Kasvatus- ja perheneuvontaa.",
        kind=Organisation.Kind.PUBLIC,
        business_id="0201256-6",
        website="https://www.example.fi/perheneuvola",
        email="perheneuvola@example.fi",
        phone="015 123 4567",
        parent=parent,
        source=Source.PTV,
        external_id="ptv-org-1",
    )
    method = Method.objects.create(
        slug="lapset-puheeksi",
        name_fi="Lapset puheeksi",
        name_en="Let's Talk about Children",
        description_fi="Keskustelu lapsen arjesta.",
        rating=Method.Rating.GOOD,
        rated_on=dt.date(2023, 5, 2),
        source_url="https://www.kasvuntuki.fi/lapset-puheeksi",
    )
    service = SupportService.objects.create(
        organisation=organisation,
        name_fi="Perheneuvonta",
        name_sv="Familjerådgivning",
        name_en="Family counselling",
        summary_fi="Tukea kasvatukseen ja parisuhteeseen.",
        summary_sv="Stöd i fostran och parrelationen.",
        description_fi="Perheneuvolassa voit keskustella perheen arjesta.",
        how_to_get_fi="Soita ajanvaraukseen.",
        eligibility_fi="Mikkeliläiset lapsiperheet.",
        cost_description_fi="Maksuton.",
        website="https://www.example.fi/perheneuvonta",
        tier=Tier.objects.get(code="SPECIALIST"),
        min_age=0,
        max_age=17,
        prenatal=True,
        status=SupportService.Status.PUBLISHED,
        verified_at=dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC),
        source=Source.PTV,
        external_id="ptv-service-1",
    )
    service.channels.set(["IN_PERSON", "PHONE", "CHAT"])
    service.target_groups.set(["PARENTS", "STEPFAMILY"])
    service.life_situations.set(["STEPFAMILY", "SEPARATION"])
    service.attributes.set(["FREE", "NO_REFERRAL"])
    service.languages.set(["fi", "sv"])
    service.service_classes.set(["P3.7"])
    service.methods.set([method])
    service.area_counties.set([WellbeingServicesCounty.objects.get(code="10")])
    service.area_municipalities.set([mikkeli])

    location = Location.objects.create(
        service=service,
        name_fi="Perheneuvola",
        name_sv="Familjerådgivningen",
        street_address_fi="Maaherrankatu 13",
        street_address_sv="Landshövdingsgatan 13",
        postal_code="50100",
        municipality=mikkeli,
        latitude=61.6886,
        longitude=27.2723,
        capacity=40,
        step_free=True,
        stroller_access=False,
        accessibility_notes_fi="Hissi sisäpihalta.",
        source=Source.PTV,
        external_id="ptv-channel-7",
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            location=location, weekday=weekday, opens=dt.time(8), closes=dt.time(16)
        )
    OpeningHours.objects.create(location=location, weekday=3, opens=dt.time(17), closes=dt.time(19))
    OpeningHoursException.objects.create(
        location=location,
        start_date=dt.date(2026, 7, 1),
        end_date=dt.date(2026, 7, 31),
        note_fi="Kesäsuljettu",
        note_sv="Sommarstängt",
    )
    OpeningHoursException.objects.create(
        location=location,
        start_date=dt.date(2026, 12, 23),
        end_date=dt.date(2026, 12, 23),
        opens=dt.time(9),
        closes=dt.time(12),
    )
    phone = ContactPoint.objects.create(
        service=service,
        kind=ContactPoint.Kind.PHONE,
        value="015 194 2000",
        label_fi="Ajanvaraus",
        charge_fi="Puhelun hinta paikallisverkkomaksu.",
        order=1,
    )
    OpeningHours.objects.create(
        contact_point=phone, weekday=0, opens=dt.time(9), closes=dt.time(11)
    )
    chat = ContactPoint.objects.create(
        service=service,
        kind=ContactPoint.Kind.CHAT,
        value="https://chat.example.fi/perheneuvola",
        label_fi="Chat",
        order=2,
    )
    ContactPoint.objects.create(
        service=service, kind=ContactPoint.Kind.EMAIL, value="neuvonta@example.fi", order=3
    )
    session_at_location = GroupSession.objects.create(
        service=service,
        title_fi="Eroryhmä",
        title_sv="Skilsmässogrupp",
        description_fi="Vertaisryhmä eron jälkeen.",
        starts_at=dt.datetime(2026, 10, 6, 17, 30, tzinfo=HELSINKI),
        ends_at=dt.datetime(2026, 10, 6, 19, 0, tzinfo=HELSINKI),
        location=location,
        language_id="fi",
        seats=12,
        registration_url="https://www.example.fi/ilmoittaudu",
    )
    online_session = GroupSession.objects.create(
        service=service,
        title_fi="Verkkoluento uusperheistä",
        starts_at=dt.datetime(2026, 2, 3, 18, 0, tzinfo=HELSINKI),
        ends_at=dt.datetime(2026, 2, 3, 19, 0, tzinfo=HELSINKI),
        online_url="https://meet.example.fi/luento",
    )
    cancelled_session = GroupSession.objects.create(
        service=service,
        title_fi="Peruttu ilta",
        starts_at=dt.datetime(2026, 3, 3, 18, 0, tzinfo=HELSINKI),
        ends_at=dt.datetime(2026, 3, 3, 19, 0, tzinfo=HELSINKI),
        place_fi="Seurakuntatalo",
        is_cancelled=True,
    )

    online = SupportService.objects.create(
        organisation=parent,
        name_fi="Vanhempainchat",
        name_en="Parents' chat",
        summary_fi="Chat vanhemmille.",
        tier=Tier.objects.get(code="DIGITAL"),
        is_nationwide=True,
        status=SupportService.Status.PUBLISHED,
    )
    online.channels.set(["CHAT"])
    ContactPoint.objects.create(
        service=online, kind=ContactPoint.Kind.WEB, value="www.example.fi without scheme"
    )
    draft = SupportService.objects.create(
        organisation=organisation,
        name_fi="Luonnos",
        tier=Tier.objects.get(code="DIGITAL"),
        is_nationwide=True,
        status=SupportService.Status.DRAFT,
    )
    return World(
        parent=parent,
        organisation=organisation,
        service=service,
        online=online,
        draft=draft,
        location=location,
        chat=chat,
        phone=phone,
        session_at_location=session_at_location,
        online_session=online_session,
        cancelled_session=cancelled_session,
        method=method,
    )


def more_services(count: int, *, organisation: Organisation) -> list[SupportService]:
    """``count`` more published services, each with a location, a phone and a session."""
    mikkeli = Municipality.objects.get(code="491")
    tier = Tier.objects.get(code="UNIVERSAL_GROUP")
    services = []
    for number in range(count):
        service = SupportService.objects.create(
            organisation=organisation,
            name_fi=f"Perhekahvila {number}",
            tier=tier,
            status=SupportService.Status.PUBLISHED,
        )
        service.channels.set(["MEETING_PLACE"])
        service.target_groups.set(["PARENTS"])
        service.languages.set(["fi"])
        service.area_municipalities.set([mikkeli])
        location = Location.objects.create(
            service=service,
            street_address_fi=f"Porrassalmenkatu {number + 1}",
            postal_code="50100",
            municipality=mikkeli,
            latitude=61.69,
            longitude=27.27,
        )
        OpeningHours.objects.create(
            location=location, weekday=2, opens=dt.time(10), closes=dt.time(12)
        )
        ContactPoint.objects.create(service=service, kind=ContactPoint.Kind.PHONE, value="0401234")
        GroupSession.objects.create(
            service=service,
            starts_at=dt.datetime(2026, 5, 5, 10, tzinfo=HELSINKI),
            ends_at=dt.datetime(2026, 5, 5, 12, tzinfo=HELSINKI),
            location=location,
        )
        services.append(service)
    return services
