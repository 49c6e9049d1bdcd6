"""The catalogue generator: deterministic, plausible, valid, and kept apart from real records."""

from __future__ import annotations

import math
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, QuerySet, Sum

from services.catalogue import change
from services.generator import delete_generated_catalogue, generate_catalogue
from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    PostalArea,
    Source,
    SupportService,
)
from services.models.geography import FINLAND_LAT, FINLAND_LON
from services.validators import is_valid_business_id
from tests.factories import LocationFactory, SupportServiceFactory

pytestmark = pytest.mark.django_db

SERVICES = 300


def generated_services() -> QuerySet[SupportService]:
    return SupportService.objects.filter(source=Source.GENERATED)


def fingerprint() -> list[tuple]:
    """Everything that must come out the same for the same seed, in a canonical order."""
    services = generated_services().prefetch_related(
        "channels", "area_counties", "area_municipalities", "languages", "locations"
    )
    return sorted(
        (
            str(service.uuid),
            service.external_id,
            service.name_fi,
            service.name_sv,
            service.tier_id,
            service.status,
            service.verified_at,
            str(service.organisation.uuid),
            service.organisation.name_fi,
            tuple(sorted(channel.pk for channel in service.channels.all())),
            tuple(sorted(language.pk for language in service.languages.all())),
            service.is_nationwide,
            tuple(sorted(county.pk for county in service.area_counties.all())),
            tuple(sorted(municipality.pk for municipality in service.area_municipalities.all())),
            tuple(
                sorted(
                    (
                        str(location.uuid),
                        location.postal_code,
                        location.latitude,
                        location.longitude,
                    )
                    for location in service.locations.all()
                )
            ),
        )
        for service in services.select_related("organisation")
    )


def test_same_seed_gives_the_same_catalogue() -> None:
    generate_catalogue(services=SERVICES, seed=1)
    first = fingerprint()
    with change(user=None) as work:
        delete_generated_catalogue(work)
    assert not generated_services().exists()

    generate_catalogue(services=SERVICES, seed=1)

    assert len(first) == SERVICES
    assert fingerprint() == first


def test_different_seeds_give_different_catalogues() -> None:
    generate_catalogue(services=SERVICES, seed=1)
    first = fingerprint()

    generate_catalogue(services=SERVICES, seed=2, replace=True)
    second = fingerprint()

    assert len(second) == SERVICES
    assert {row[0] for row in first}.isdisjoint({row[0] for row in second})  # uuids
    assert [row[2:] for row in first] != [row[2:] for row in second]


def test_generated_records_pass_full_clean() -> None:
    generate_catalogue(services=SERVICES, seed=3)
    sample = list(generated_services().order_by("external_id")[::10])
    records = [
        *Organisation.objects.filter(source=Source.GENERATED)[:30],
        *sample,
        *Location.objects.filter(service__in=sample),
        *ContactPoint.objects.filter(service__in=sample),
        *OpeningHours.objects.filter(location__service__in=sample)[:40],
        *OpeningHours.objects.filter(contact_point__service__in=sample)[:20],
        *OpeningHoursException.objects.filter(location__service__in=sample),
        *GroupSession.objects.filter(service__in=sample)[:40],
    ]
    assert {type(record) for record in records} == {
        Organisation,
        SupportService,
        Location,
        ContactPoint,
        OpeningHours,
        OpeningHoursException,
        GroupSession,
    }

    for record in records:
        record.full_clean()


def test_generated_records_are_labelled_example_content() -> None:
    generate_catalogue(services=50, seed=7)
    services = list(generated_services().order_by("external_id"))
    organisations = list(Organisation.objects.filter(source=Source.GENERATED))

    assert all(service.is_example for service in services)
    assert all(organisation.is_example for organisation in organisations)
    assert services[0].external_id == "GEN-7-000001"
    business_ids = [o.business_id for o in organisations if o.business_id]
    assert business_ids
    assert all(is_valid_business_id(business_id) for business_id in business_ids)
    assert len(set(business_ids)) == len(business_ids)


def test_tiers_and_channels_mix_is_plausible() -> None:
    generate_catalogue(services=SERVICES, seed=1)
    services = generated_services()
    tiers = dict(services.order_by().values_list("tier").annotate(count=Count("pk")))

    assert set(tiers) == {"DIGITAL", "UNIVERSAL_INDIVIDUAL", "UNIVERSAL_GROUP", "SPECIALIST"}
    assert tiers["UNIVERSAL_INDIVIDUAL"] > tiers["SPECIALIST"] > tiers["DIGITAL"]
    digital = services.filter(tier="DIGITAL")
    assert digital.filter(channels__is_remote=True).distinct().count() == digital.count()
    assert not digital.filter(channels__is_remote=False).exists()
    assert not Location.objects.filter(service__in=digital).exists()
    group = services.filter(tier="UNIVERSAL_GROUP")
    assert not group.exclude(channels__in=["GROUP", "MEETING_PLACE", "ONLINE_GROUP"]).exists()
    assert GroupSession.objects.filter(service__in=group).exists()
    assert services.filter(is_nationwide=True).count() < SERVICES * 0.1
    assert services.filter(status=SupportService.Status.PUBLISHED).count() > SERVICES * 0.75
    assert services.filter(languages="fi").count() == SERVICES


def test_locations_lie_in_the_municipality_of_their_postal_area() -> None:
    generate_catalogue(services=SERVICES, seed=4)
    areas = {area.code: area for area in PostalArea.objects.all()}
    locations = Location.objects.filter(source=Source.GENERATED)
    assert locations.count() > SERVICES / 2

    for location in locations:
        area = areas[location.postal_code]
        assert location.municipality_id == area.municipality_id
        assert FINLAND_LAT[0] <= location.latitude <= FINLAND_LAT[1]
        assert FINLAND_LON[0] <= location.longitude <= FINLAND_LON[1]
        metres = math.hypot(
            (location.latitude - area.latitude) * 111_320,
            (location.longitude - area.longitude) * 111_320 * math.cos(math.radians(area.latitude)),
        )
        assert metres < 2_500


def test_more_services_where_more_people_live() -> None:
    generate_catalogue(services=SERVICES, seed=5)
    smallest = Municipality.objects.order_by("population")[:150]
    assert (
        Municipality.objects.filter(pk__in=smallest).aggregate(Sum("population"))["population__sum"]
        < Municipality.objects.get(name_fi="Helsinki").population
    )

    locations = Location.objects.filter(source=Source.GENERATED)
    in_helsinki = locations.filter(municipality__name_fi="Helsinki").count()
    in_smallest = locations.filter(municipality__in=smallest).count()

    assert in_helsinki > in_smallest


def test_untranslated_columns_hold_the_finnish_text() -> None:
    generate_catalogue(services=50, seed=6)
    table = connection.ops.quote_name(SupportService._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, name_fi, summary, summary_fi FROM {table}")
        rows = cursor.fetchall()

    assert len(rows) == 50
    assert all(
        name == name_fi and summary == summary_fi for name, name_fi, summary, summary_fi in rows
    )


def test_it_refuses_to_run_again_without_replace() -> None:
    call_command("generate_catalogue", services=40, seed=1, stdout=StringIO())
    first = fingerprint()

    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_catalogue", services=40, seed=2, stdout=StringIO())

    assert fingerprint() == first


def test_replace_keeps_services_from_other_sources() -> None:
    manual_location = LocationFactory(service__name_fi="Oma perhekahvila")
    manual = manual_location.service
    call_command("generate_catalogue", services=40, seed=1, stdout=StringIO())

    output = StringIO()
    call_command("generate_catalogue", services=60, seed=2, replace=True, stdout=output)

    assert "Generated 60 services" in output.getvalue()
    assert generated_services().count() == 60
    assert not generated_services().filter(external_id__startswith="GEN-1-").exists()
    manual.refresh_from_db()
    assert manual.name_fi == "Oma perhekahvila"
    assert manual.locations.get() == manual_location
    assert Organisation.objects.filter(pk=manual.organisation_id).exists()


def test_replace_refuses_while_a_real_service_belongs_to_a_generated_organisation() -> None:
    generate_catalogue(services=40, seed=1)
    organisation = Organisation.objects.filter(source=Source.GENERATED).first()
    manual = SupportServiceFactory(organisation=organisation, name_fi="Oma vauvaryhmä")

    with pytest.raises(CommandError, match="Nothing was deleted"):
        call_command("generate_catalogue", services=40, seed=2, replace=True, stdout=StringIO())

    assert generated_services().filter(external_id__startswith="GEN-1-").count() == 40
    assert SupportService.objects.get(pk=manual.pk).organisation == organisation
