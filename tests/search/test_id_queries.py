"""``ValuesByIds`` reads what ``queryset.values()`` reads, with a statement compiled once."""

from __future__ import annotations

import pytest
from django.db.models import Count, QuerySet

from services.id_queries import ValuesByIds
from services.models import Location, SupportService
from services.search import _card_rows, card_rows

pytestmark = pytest.mark.django_db


def _locations(ids: list[int]) -> QuerySet:
    # Decimals, booleans and UUIDs: the columns SQLite needs converters for.
    return (
        Location.objects.filter(service_id__in=ids)
        .order_by("pk")
        .values("pk", "uuid", "service_id", "latitude", "step_free", "service__verified_at")
    )


def test_card_rows_are_the_rows_the_queryset_reads(world: dict[str, SupportService]) -> None:
    ids = sorted(service.pk for service in world.values())
    for count in (1, 2, len(ids)):
        for chosen in (ids[:count], ids[-count:]):
            expected = sorted(_card_rows(chosen), key=lambda row: row["pk"])
            assert sorted(card_rows(chosen), key=lambda row: row["pk"]) == expected
            assert {row["pk"] for row in expected} <= set(chosen)


def test_converted_columns_come_out_as_the_orm_gives_them(
    world: dict[str, SupportService],
) -> None:
    ids = [service.pk for service in world.values()]
    locations = ValuesByIds(Location, _locations)
    expected = list(_locations(ids))
    assert expected, "the world has service points"
    assert locations(ids) == expected
    assert locations(ids[::-1]) == expected  # the same statement, the ids in another order


def test_the_same_count_of_other_ids_reads_other_rows(world: dict[str, SupportService]) -> None:
    first, second = sorted(service.pk for service in world.values())[:2]
    rows = ValuesByIds(
        SupportService, lambda ids: SupportService.objects.filter(pk__in=ids).values("pk")
    )
    assert rows([first]) == [{"pk": first}]
    assert rows([second]) == [{"pk": second}]
    assert rows([]) == []


def test_ids_used_twice_in_the_statement_are_all_replaced(
    world: dict[str, SupportService],
) -> None:
    ids = sorted(service.pk for service in world.values())[:3]

    def build(chosen: list[int]) -> QuerySet:
        return (
            SupportService.objects.filter(pk__in=chosen, organisation__services__in=chosen)
            .values("pk")
            .annotate(links=Count("pk"))
            .order_by("pk")
        )

    assert ValuesByIds(SupportService, build)(ids) == list(build(ids))


def test_a_queryset_that_ignores_the_ids_is_refused(world: dict[str, SupportService]) -> None:
    ignoring = ValuesByIds(SupportService, lambda ids: SupportService.objects.values("pk"))
    with pytest.raises(ValueError, match="does not filter by the ids"):
        ignoring([1])


def test_a_queryset_of_model_instances_is_refused(world: dict[str, SupportService]) -> None:
    instances = ValuesByIds(SupportService, lambda ids: SupportService.objects.filter(pk__in=ids))
    with pytest.raises(TypeError, match="values"):
        instances([1])
