"""Export → import keeps everything the catalogue holds.

A small catalogue using every field of the model is exported as an HSDS data package, the
catalogue is emptied, the package imported, and every field compared.

What an import deliberately does not restore: the status (imports make drafts for review),
"last confirmed accurate" (only a person confirms a listing), the source and external id (now
HSDS and the HSDS id) and cancelled group sessions (the export leaves them out).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone

from services.codes import TERM_RELATIONS
from services.hsds.documents import international_phone
from services.hsds.export import export_data_package
from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    Method,
    Organisation,
    Source,
    SupportService,
)
from tests.imports.conftest import catalogue_state, import_files

LANGUAGES = ("fi", "sv", "en")
RELATIONS = (*TERM_RELATIONS, "area_counties", "area_municipalities")


def texts(obj: Model, *fields: str) -> dict[str, str]:
    return {
        f"{field}_{language}": getattr(obj, f"{field}_{language}") or ""
        for field in fields
        for language in LANGUAGES
    }


def hours(owner: Model) -> list[tuple]:
    return sorted((h.weekday, h.opens, h.closes) for h in owner.opening_hours.all())


def exceptions(owner: Model) -> list[tuple]:
    return sorted(
        (e.start_date, e.end_date, e.opens, e.closes, *texts(e, "note").values())
        for e in owner.opening_hours_exceptions.all()
    )


def organisation_snapshot(organisation: Organisation) -> dict[str, Any]:
    return {
        "uuid": organisation.uuid,
        **texts(organisation, "name", "description"),
        "kind": organisation.kind,
        "business_id": organisation.business_id,
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
        "parent": organisation.parent.uuid if organisation.parent else None,
    }


def catalogue_snapshot() -> dict[Any, dict[str, Any]]:
    """Every field an HSDS round trip must keep, per service uuid."""
    snapshot = {}
    for service in SupportService.objects.select_related("organisation__parent"):
        snapshot[service.uuid] = {
            **texts(
                service,
                "name",
                "summary",
                "description",
                "how_to_get",
                "eligibility",
                "cost_description",
            ),
            "website": service.website,
            "tier": service.tier_id,
            "ages": (service.min_age, service.max_age, service.prenatal),
            "nationwide": service.is_nationwide,
            **{
                relation: sorted(getattr(service, relation).values_list("pk", flat=True))
                for relation in RELATIONS
            },
            "methods": sorted(
                (m.slug, m.rating, m.rated_on, m.source_url, *texts(m, "name", "description"))
                for m in service.methods.all()
            ),
            "organisation": organisation_snapshot(service.organisation),
            "locations": sorted(
                (
                    str(location.uuid),
                    *texts(location, "name", "street_address", "accessibility_notes").values(),
                    location.postal_code,
                    location.municipality_id,
                    location.latitude,
                    location.longitude,
                    location.capacity,
                    location.step_free,
                    location.stroller_access,
                    location.hearing_loop,
                    hours(location),
                    exceptions(location),
                )
                for location in service.locations.all()
            ),
            "contact_points": sorted(
                (
                    contact.kind,
                    contact.value,
                    *texts(contact, "label", "charge").values(),
                    contact.order,
                    hours(contact),
                    exceptions(contact),
                )
                for contact in service.contact_points.all()
            ),
            "sessions": sorted(
                (
                    str(session.uuid),
                    *texts(session, "title", "description", "place").values(),
                    session.starts_at,
                    session.ends_at,
                    str(session.location.uuid) if session.location else None,
                    session.online_url,
                    session.registration_url,
                    session.seats,
                    session.language_id,
                )
                for session in service.sessions.filter(is_cancelled=False)
            ),
        }
    return snapshot


def build_catalogue() -> None:
    """A small catalogue that uses every field the model has."""
    today = timezone.localdate()
    parent = Organisation.objects.create(
        name_fi="Etelä-Savon hyvinvointialue",
        name_sv="Södra Savolax välfärdsområde",
        kind=Organisation.Kind.PUBLIC,
        business_id="3221308-6",
    )
    provider = Organisation.objects.create(
        name_fi="Mikkelin perhetyö ry",
        name_sv="Familjearbete i S:t Michel rf",
        name_en="Family work in Mikkeli",
        description_fi="Perhetyötä vuodesta 1950.",
        description_en="Family work since 1950.",
        kind=Organisation.Kind.NGO,
        business_id="0201256-6",
        website="https://perhetyo.example.fi/",
        email="info@perhetyo.example.fi",
        phone="015 123 4567",
        parent=parent,
    )
    method = Method.objects.create(
        slug="lapset-puheeksi",
        name_fi="Lapset puheeksi",
        name_en="Let's Talk about Children",
        description_fi="Keskustelu lapsen arjesta.",
        rating=4,
        rated_on=dt.date(2023, 5, 2),
        source_url="https://www.kasvuntuki.fi/",
    )
    rich = SupportService.objects.create(
        organisation=provider,
        name_fi="Eroperheiden tuki",
        name_sv="Stöd för familjer i skilsmässa",
        name_en="Support for separating families",
        summary_fi="Keskusteluapua eron keskellä.",
        summary_sv="Samtalshjälp mitt i skilsmässan.",
        description_fi="Tapaamisia ja puhelinaikoja.",
        description_en="Meetings and phone hours.",
        how_to_get_fi="Soita tai tule käymään.",
        eligibility_sv="Föräldrar i S:t Michel.",
        cost_description_fi="Maksuton.",
        website="https://perhetyo.example.fi/ero",
        tier_id="SPECIALIST",
        min_age=3,
        max_age=12,
        status=SupportService.Status.PUBLISHED,
    )
    rich.channels.set(["IN_PERSON", "PHONE", "CHAT", "VIDEO"])
    rich.target_groups.set(["FATHERS", "ONE_PARENT"])
    rich.life_situations.set(["SEPARATION"])
    rich.attributes.set(["FREE", "NO_REFERRAL"])
    rich.languages.set(["fi", "sv", "en"])
    rich.service_classes.set(["P3.5"])
    rich.area_counties.set(["12"])
    rich.area_municipalities.set(["853"])
    rich.methods.set([method])
    office = Location.objects.create(
        service=rich,
        name_fi="Perhetalo",
        name_sv="Familjehuset",
        street_address_fi="Porrassalmenkatu 21",
        street_address_sv="Porrassalmigatan 21",
        accessibility_notes_fi="Hissi toiseen kerrokseen.",
        postal_code="50100",
        municipality_id="491",
        latitude=61.6886,
        longitude=27.2723,
        capacity=40,
        step_free=True,
        stroller_access=False,
    )
    Location.objects.create(
        service=rich, street_address_fi="Kauppakatu 1", postal_code="51900", municipality_id="178"
    )
    for day in range(5):
        office.opening_hours.create(weekday=day, opens=dt.time(8), closes=dt.time(16))
    office.opening_hours.create(weekday=5, opens=dt.time(18), closes=dt.time(0))
    office.opening_hours_exceptions.create(
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=12),
        note_fi="Suljettu",
        note_sv="Stängt",
    )
    office.opening_hours_exceptions.create(
        start_date=today + dt.timedelta(days=20),
        end_date=today + dt.timedelta(days=20),
        opens=dt.time(10),
        closes=dt.time(14),
    )
    phone = ContactPoint.objects.create(
        service=rich,
        kind=ContactPoint.Kind.PHONE,
        value="0800 12345",
        label_fi="Neuvontapuhelin",
        label_sv="Rådgivningstelefon",
        charge_fi="maksuton",
        order=2,
    )
    phone.opening_hours.create(weekday=2, opens=dt.time(17), closes=dt.time(20))
    ContactPoint.objects.create(
        service=rich, kind=ContactPoint.Kind.CHAT, value="https://chat.example.fi/", order=0
    )
    ContactPoint.objects.create(
        service=rich, kind=ContactPoint.Kind.EMAIL, value="ero@perhetyo.example.fi", order=1
    )
    ContactPoint.objects.create(
        service=rich, kind=ContactPoint.Kind.VIDEO, value="https://video.example.fi/", order=3
    )
    GroupSession.objects.create(
        service=rich,
        title_fi="Eroryhmä",
        title_sv="Skilsmässogrupp",
        description_fi="Vertaisryhmä.",
        starts_at=dt.datetime(2031, 5, 6, 15, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 5, 6, 17, tzinfo=dt.UTC),
        location=office,
        seats=12,
        language_id="fi",
    )
    GroupSession.objects.create(
        service=rich,
        title_en="Online lecture",
        place_fi="Verkossa",
        starts_at=dt.datetime(2031, 6, 1, 16, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 6, 1, 17, 30, tzinfo=dt.UTC),
        online_url="https://meet.example.fi/luento",
        registration_url="https://perhetyo.example.fi/ilmoittaudu",
    )
    GroupSession.objects.create(
        service=rich,
        title_fi="Peruttu",
        starts_at=dt.datetime(2031, 7, 1, 16, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 7, 1, 17, tzinfo=dt.UTC),
        location=office,
        is_cancelled=True,
    )
    national = SupportService.objects.create(
        organisation=parent,
        name_fi="Odottavien verkkovalmennus",
        tier_id="DIGITAL",
        prenatal=True,
        is_nationwide=True,
        status=SupportService.Status.DRAFT,
    )
    national.channels.set(["ONLINE_COURSE"])
    national.target_groups.set(["EXPECTING"])
    ContactPoint.objects.create(
        service=national, kind=ContactPoint.Kind.WEB, value="https://valmennus.example.fi/"
    )
    swedish = SupportService.objects.create(
        organisation=parent,
        name_sv="Familjerådgivning",
        tier_id="UNIVERSAL_GROUP",
        status=SupportService.Status.ARCHIVED,
    )
    swedish.area_municipalities.set(["491", "740", "178"])


def empty_catalogue() -> None:
    SupportService.objects.all().delete()
    Organisation.objects.all().delete()
    Method.objects.all().delete()


@pytest.mark.django_db
def test_an_exported_catalogue_imports_back_with_every_field(tmp_path: Path) -> None:
    build_catalogue()
    export_data_package(tmp_path, statuses=SupportService.Status.values)
    before = catalogue_snapshot()
    rich = next(service for service in before.values() if service["methods"])
    assert (len(rich["locations"]), len(rich["contact_points"]), len(rich["sessions"])) == (2, 4, 2)
    # HSDS carries Finnish subscriber numbers in international form: they come back so.
    for service in before.values():
        organisation = service["organisation"]
        organisation["phone"] = international_phone(organisation["phone"])
    assert rich["organisation"]["phone"] == "+358 15 123 4567"
    empty_catalogue()

    report = import_files("hsds", tmp_path)

    assert report.error == ""
    assert report.rejected == []
    assert report.total("created") == len(before)
    after = catalogue_snapshot()
    assert after == before
    assert set(SupportService.objects.values_list("source", flat=True)) == {Source.HSDS}
    assert not SupportService.objects.exclude(status=SupportService.Status.DRAFT).exists()
    assert Location.objects.filter(source=Source.HSDS).count() == Location.objects.count()

    # The same package again, and its nested JSON documents, change nothing.
    state = catalogue_state()
    again = import_files("hsds", tmp_path)
    json_files = [tmp_path / "json" / f"{name}.ndjson" for name in ("taxonomy_terms", "services")]
    documents = import_files("hsds", *json_files)

    assert (again.total("created"), again.total("updated")) == (0, 0)
    assert (documents.total("created"), documents.total("updated")) == (0, 0)
    assert documents.rejected == []
    assert catalogue_state() == state
