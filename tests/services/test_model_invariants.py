"""The catalogue refuses impossible data, in the database and with a clear message in forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from services import catalogue
from services.models import (
    GroupSession,
    Location,
    Method,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    Source,
    SupportService,
    Tier,
)
from tests.factories import (
    ContactPointFactory,
    LocationFactory,
    OrganisationFactory,
    SupportServiceFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(obj: object) -> None:
    """Also checked by the database itself; deferred foreign keys are checked at once."""
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()
        connection.check_constraints()


def test_max_age_before_min_age_is_rejected_with_a_clear_message() -> None:
    service = SupportServiceFactory.build(organisation=OrganisationFactory(), min_age=7, max_age=3)
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "oldest child" in str(error.value.message_dict["max_age"])
    assert_rejected_by_database(service)


def test_the_age_message_is_finnish_and_swedish_too() -> None:
    service = SupportServiceFactory.build(organisation=OrganisationFactory(), min_age=7, max_age=3)
    for language, word in (("fi", "vanhimman"), ("sv", "äldsta")):
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                service.full_clean()
            assert word in str(error.value.message_dict["max_age"]).lower()


def test_ages_above_seventeen_are_not_child_ages() -> None:
    service = SupportServiceFactory.build(organisation=OrganisationFactory(), max_age=18)
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "max_age" in error.value.message_dict
    assert_rejected_by_database(service)


def test_a_service_needs_a_name_in_some_language() -> None:
    service = SupportServiceFactory.build(organisation=OrganisationFactory(), name_fi="")
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "at least one language" in str(error.value)
    assert_rejected_by_database(service)


def test_a_swedish_only_name_is_enough() -> None:
    service = SupportServiceFactory(name_fi=None, name_sv="Familjerådgivning")
    with translation.override("en"):
        assert SupportService.objects.get(pk=service.pk).name == "Familjerådgivning"


def test_translated_text_falls_back_from_finnish_to_swedish_to_english() -> None:
    service = SupportServiceFactory(name_fi="Perheneuvola", name_sv=None, name_en="Family clinic")
    with translation.override("sv"):
        assert SupportService.objects.get(pk=service.pk).name == "Perheneuvola"
    with translation.override("en"):
        assert SupportService.objects.get(pk=service.pk).name == "Family clinic"


def test_an_invalid_business_id_is_rejected() -> None:
    organisation = Organisation(
        name_fi="Yhdistys", kind=Organisation.Kind.NGO, business_id="0201256-7"
    )
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "business_id" in error.value.message_dict


def test_two_organisations_cannot_share_a_business_id() -> None:
    OrganisationFactory(business_id="0201256-6")
    duplicate = OrganisationFactory.build(business_id="0201256-6")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has this business ID" in str(error.value)
    assert_rejected_by_database(duplicate)


def test_organisations_without_business_id_are_many() -> None:
    OrganisationFactory(business_id="")
    OrganisationFactory(business_id="")
    assert Organisation.objects.filter(business_id="").count() == 2


def test_external_ids_are_unique_per_source() -> None:
    SupportServiceFactory(source=Source.PTV, external_id="ptv-1")
    SupportServiceFactory(source=Source.HSDS, external_id="ptv-1")
    duplicate = SupportServiceFactory.build(
        organisation=OrganisationFactory(), source=Source.PTV, external_id="ptv-1"
    )
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    assert_rejected_by_database(duplicate)


def test_records_without_external_id_do_not_collide() -> None:
    SupportServiceFactory(source=Source.MANUAL, external_id="")
    SupportServiceFactory(source=Source.MANUAL, external_id="")
    assert SupportService.objects.filter(external_id="").count() == 2


def test_an_unknown_municipality_cannot_be_a_location() -> None:
    location = LocationFactory.build(service=SupportServiceFactory(), municipality_id="999")
    with pytest.raises(ValidationError) as error:
        location.full_clean()
    assert "municipality" in error.value.message_dict
    assert_rejected_by_database(location)


def test_a_location_outside_finland_is_rejected() -> None:
    location = LocationFactory.build(
        service=SupportServiceFactory(), latitude=48.85, longitude=2.35
    )
    with pytest.raises(ValidationError) as error:
        location.full_clean()
    assert "not in Finland" in str(error.value)
    assert_rejected_by_database(location)


def test_a_location_with_half_a_point_is_rejected() -> None:
    location = LocationFactory.build(service=SupportServiceFactory(), latitude=61.7, longitude=None)
    with pytest.raises(ValidationError):
        location.full_clean()
    assert_rejected_by_database(location)


def test_a_malformed_postal_code_is_rejected() -> None:
    location = LocationFactory.build(service=SupportServiceFactory(), postal_code="501")
    with pytest.raises(ValidationError) as error:
        location.full_clean()
    assert "postal_code" in error.value.message_dict


def test_a_session_must_end_after_it_starts() -> None:
    service = SupportServiceFactory()
    start = timezone.now() + dt.timedelta(days=3)
    session = GroupSession(
        service=service,
        title_fi="Vauvaryhmä",
        starts_at=start,
        ends_at=start - dt.timedelta(hours=1),
        place_fi="Kirjasto",
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "end after it starts" in str(error.value)
    assert_rejected_by_database(session)


def test_a_session_needs_a_place_or_a_link() -> None:
    start = timezone.now() + dt.timedelta(days=3)
    session = GroupSession(
        service=SupportServiceFactory(), starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "place" in error.value.message_dict


def test_a_session_cannot_use_another_services_location() -> None:
    other_location = LocationFactory()
    start = timezone.now() + dt.timedelta(days=3)
    session = GroupSession(
        service=SupportServiceFactory(),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location=other_location,
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "location" in error.value.message_dict


def test_opening_hours_must_close_after_opening_but_may_close_at_midnight() -> None:
    location = LocationFactory()
    wrong = OpeningHours(location=location, weekday=0, opens=dt.time(16), closes=dt.time(8))
    with pytest.raises(ValidationError):
        wrong.full_clean()
    assert_rejected_by_database(wrong)
    until_midnight = OpeningHours(
        location=location, weekday=0, opens=dt.time(18), closes=dt.time(0)
    )
    until_midnight.full_clean()
    until_midnight.save()


def test_opening_hours_belong_to_exactly_one_owner() -> None:
    location = LocationFactory()
    contact = ContactPointFactory(service=location.service)
    both = OpeningHours(
        location=location, contact_point=contact, weekday=1, opens=dt.time(9), closes=dt.time(12)
    )
    assert_rejected_by_database(both)
    neither = OpeningHours(weekday=1, opens=dt.time(9), closes=dt.time(12))
    assert_rejected_by_database(neither)


def test_an_exception_is_either_closed_or_has_both_times() -> None:
    location = LocationFactory()
    day = dt.date(2026, 12, 24)
    half = OpeningHoursException(location=location, start_date=day, end_date=day, opens=dt.time(9))
    with pytest.raises(ValidationError):
        half.full_clean()
    assert_rejected_by_database(half)
    closed = OpeningHoursException(
        location=location, start_date=day, end_date=day + dt.timedelta(days=2)
    )
    closed.full_clean()
    closed.save()
    assert closed.is_closed


def test_an_exception_cannot_end_before_it_starts() -> None:
    location = LocationFactory()
    backwards = OpeningHoursException(
        location=location, start_date=dt.date(2026, 12, 24), end_date=dt.date(2026, 12, 20)
    )
    with pytest.raises(ValidationError):
        backwards.full_clean()
    assert_rejected_by_database(backwards)


def test_a_method_rating_is_one_to_five_or_unknown() -> None:
    method = Method(slug="voimaperheet", name_fi="Voimaperheet", rating=6)
    with pytest.raises(ValidationError):
        method.full_clean()
    assert_rejected_by_database(method)
    unknown = Method(slug="lapset-puheeksi", name_fi="Lapset puheeksi", rating=None)
    unknown.full_clean()
    unknown.save()


def test_a_rating_date_needs_a_rating() -> None:
    method = Method(slug="icdp", name_fi="ICDP", rated_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        method.full_clean()
    assert "needs a rating" in str(error.value)
    assert_rejected_by_database(method)


def test_a_phone_contact_point_needs_a_phone_number() -> None:
    contact = ContactPointFactory.build(service=SupportServiceFactory(), value="call us")
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert "value" in error.value.message_dict


def test_a_phone_contact_point_links_with_tel() -> None:
    contact = ContactPointFactory.build(value="0800 92277")
    assert contact.href == "tel:080092277"


def test_verified_at_is_set_only_by_confirming_and_not_by_saving() -> None:
    service = SupportServiceFactory()
    service.summary_fi = "Uusi kuvaus"
    service.save()
    assert service.verified_at is None
    from accounts.models import User

    person = User.objects.create_user("editor")
    catalogue.confirm_accurate(user=person, services=[service])
    service.refresh_from_db()
    assert service.verified_at is not None
    assert service.verified_by == person
    assert service.updated_at >= service.verified_at


def test_published_and_serving_select_the_right_services() -> None:
    from services.models import Municipality

    mikkeli = Municipality.objects.get(code="491")
    helsinki = Municipality.objects.get(code="091")
    national = SupportServiceFactory(is_nationwide=True)
    county_wide = SupportServiceFactory()
    county_wide.area_counties.set([mikkeli.county])
    local = SupportServiceFactory(municipalities=["491"])
    SupportServiceFactory(municipalities=["491"], status=SupportService.Status.DRAFT)
    serving_mikkeli = set(SupportService.objects.published().serving(mikkeli))
    assert serving_mikkeli == {national, county_wide, local}
    assert set(SupportService.objects.published().serving(helsinki)) == {national}


def test_example_content_is_recognised_by_its_source() -> None:
    assert SupportServiceFactory(source=Source.EXAMPLE).is_example
    assert SupportServiceFactory(source=Source.GENERATED).is_example
    assert not SupportServiceFactory(source=Source.PTV, external_id="x").is_example


def test_tier_codes_are_the_four_of_the_domain() -> None:
    assert set(Tier.objects.values_list("code", flat=True)) == {
        "DIGITAL",
        "UNIVERSAL_INDIVIDUAL",
        "UNIVERSAL_GROUP",
        "SPECIALIST",
    }


def test_a_location_is_listed_with_its_service() -> None:
    location = LocationFactory()
    assert list(location.service.locations.all()) == [location]
    assert isinstance(location, Location)
