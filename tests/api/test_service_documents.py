"""The service list is read as plain values (fast), yet says exactly what the serializer
says: the same JSON, byte for byte, as ``ServiceSerializer`` over the prefetched models."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.test import Client
from rest_framework.renderers import JSONRenderer

from services.codes import TERM_RELATIONS, service_codes
from services.models import (
    ContactPoint,
    Location,
    OpeningHours,
    OpeningHoursException,
    SupportService,
)
from services.serializers import ServiceSerializer
from tests.hsds.world import World, more_services


def serialized(services: list[SupportService]) -> list[dict]:
    """The serializer's documents of ``services``, as /api/v1/services/ gave them before."""
    hours = ("opening_hours", "opening_hours_exceptions")
    loaded = list(
        SupportService.objects.filter(pk__in=[service.pk for service in services])
        .select_related("organisation")
        .prefetch_related(
            Prefetch("locations", Location.objects.order_by("pk").prefetch_related(*hours)),
            Prefetch(
                "contact_points",
                ContactPoint.objects.order_by("order", "pk").prefetch_related(*hours),
            ),
        )
        .order_by("pk")
    )
    for service, codes in zip(loaded, service_codes([s.pk for s in loaded]), strict=True):
        service.codes = codes
    return ServiceSerializer(loaded, many=True).data


def odd_corners(world: World) -> None:
    """Values the serializer writes in its own way: no coordinates, unknown accessibility,
    a contact point closed on some days, a service never confirmed, texts in one language."""
    Location.objects.create(
        service=world.online,
        street_address_en="Somewhere 1",
        postal_code="00100",
        municipality_id="091",
        latitude=None,
        longitude=None,
        hearing_loop=True,
    )
    OpeningHoursException.objects.create(
        contact_point=world.phone,
        start_date=dt.date(2026, 12, 24),
        end_date=dt.date(2026, 12, 26),
        note_en="Christmas",
    )
    OpeningHours.objects.create(
        contact_point=world.chat, weekday=6, opens=dt.time(20), closes=dt.time(0)
    )
    SupportService.objects.filter(pk=world.online.pk).update(verified_at=None, website="")


def test_the_list_says_what_the_serializer_says_byte_for_byte(client: Client, world: World) -> None:
    odd_corners(world)
    more_services(7, organisation=world.organisation)
    response = client.get("/api/v1/services/", {"page_size": 200})
    assert response.status_code == 200
    services = SupportService.objects.published().order_by("pk")
    expected = {
        "count": services.count(),
        "next": None,
        "previous": None,
        "results": serialized(list(services)),
    }
    assert response.content == JSONRenderer().render(expected)
    assert len(response.json()["results"]) == 9


def test_a_staff_member_s_list_with_drafts_and_filters_says_the_same(
    staff_client: Client, world: World
) -> None:
    odd_corners(world)
    more_services(3, organisation=world.organisation)
    for query in ({"status": "DRAFT"}, {"page_size": 2, "page": 2}, {"place": "50100"}):
        response = staff_client.get("/api/v1/services/", query)
        assert response.status_code == 200, query
        results = response.json()["results"]
        assert results, query
        services = SupportService.objects.filter(pk__in=[item["id"] for item in results])
        assert response.json()["results"] == list(serialized(list(services))), query


def test_each_item_of_the_list_is_the_document_of_the_service_itself(
    client: Client, world: World
) -> None:
    odd_corners(world)
    for item in client.get("/api/v1/services/").json()["results"]:
        assert client.get(f"/api/v1/services/{item['id']}/").json() == item


def test_the_codes_are_those_of_the_relations_in_the_terms_order(world: World) -> None:
    """``service_codes`` reads every relation in one statement; each list is what the
    relation itself gives in the terms' order (taxonomies by their order, then code)."""
    services = [world.service, world.online, *more_services(3, organisation=world.organisation)]
    services[2].channels.set(["PHONE", "CHAT", "IN_PERSON", "VIDEO"])
    services[2].target_groups.set(["STEPFAMILY", "PARENTS", "FATHERS"])
    services[3].area_municipalities.set(["491", "091", "740"])
    services[3].area_counties.set(["12", "01"])

    def expected(service: SupportService) -> dict[str, list[str]]:
        terms = {
            relation: list(
                getattr(service, relation).order_by("order", "code").values_list("code", flat=True)
            )
            for relation in TERM_RELATIONS
        }
        terms["methods"] = list(service.methods.order_by("slug").values_list("slug", flat=True))
        terms["area_counties"] = list(
            service.area_counties.order_by("code").values_list("code", flat=True)
        )
        terms["area_municipalities"] = list(
            service.area_municipalities.order_by("code").values_list("code", flat=True)
        )
        return {relation: codes for relation, codes in terms.items() if codes}

    ids = [service.pk for service in services]
    assert service_codes(ids) == [expected(service) for service in services]
    assert service_codes([]) == []
    assert service_codes([services[2].pk])[0]["target_groups"] == [
        "PARENTS",
        "FATHERS",
        "STEPFAMILY",
    ]
