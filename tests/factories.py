"""Small factories for catalogue records; geography comes from the real reference data."""

from __future__ import annotations

import factory

from services.models import (
    ContactPoint,
    Location,
    Method,
    Municipality,
    Organisation,
    Source,
    SupportService,
    Tier,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_fi = factory.Sequence(lambda n: f"Järjestö {n}")
    kind = Organisation.Kind.NGO
    source = Source.MANUAL


class SupportServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportService
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name_fi = factory.Sequence(lambda n: f"Perhepalvelu {n}")
    summary_fi = "Tukea vanhemmuuteen."
    tier = factory.LazyFunction(lambda: Tier.objects.get(code="UNIVERSAL_INDIVIDUAL"))
    status = SupportService.Status.PUBLISHED

    @factory.post_generation
    def channels(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.channels.set(extracted)

    @factory.post_generation
    def target_groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.target_groups.set(extracted)

    @factory.post_generation
    def municipalities(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.area_municipalities.set(extracted)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    service = factory.SubFactory(SupportServiceFactory)
    street_address_fi = "Hallituskatu 3"
    postal_code = "50100"
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="491"))
    latitude = 61.6886
    longitude = 27.2723


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    service = factory.SubFactory(SupportServiceFactory)
    kind = ContactPoint.Kind.PHONE
    value = "0800 92277"


class MethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Method

    slug = factory.Sequence(lambda n: f"method-{n}")
    name_fi = factory.Sequence(lambda n: f"Menetelmä {n}")
