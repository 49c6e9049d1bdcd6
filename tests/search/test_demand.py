"""The demand signal: searches counted per week by filters and municipality, never the words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from services.demand import demand_key, flush_search_demand, record_search, week_of
from services.models import SearchDemand
from services.tasks import flush_search_demand_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings: object) -> None:
    settings.SEARCH_PAGE_CACHE_ENTRIES = 100  # type: ignore[attr-defined]
    settings.SEARCH_DEMAND_FLUSH_SECONDS = 3600  # type: ignore[attr-defined]


def rows() -> list[dict]:
    return list(
        SearchDemand.objects.order_by("pk").values(
            "week", "municipality", "tier", "target_group", "life_situation",
            "other_filters", "found_local", "count",
        )
    )  # fmt: skip


def test_searches_are_counted_by_week_municipality_and_filters(
    world: dict, parent_client: Client
) -> None:
    url = "/fi/search/?q=salainen+huoli&place=50100&tier=UNIVERSAL_INDIVIDUAL&channel=PHONE&free=1"
    for _ in range(3):
        assert parent_client.get(url).status_code == 200
    assert SearchDemand.objects.count() == 0  # nothing written per search
    assert flush_search_demand() == 3
    assert rows() == [
        {
            "week": week_of(dt.datetime.now(dt.UTC)),
            "municipality": "491",
            "tier": "UNIVERSAL_INDIVIDUAL",
            "target_group": "",
            "life_situation": "",
            "other_filters": "channel=PHONE&free=1",
            "found_local": False,
            "count": 3,
        }
    ]


def test_the_search_words_are_never_stored(world: dict, parent_client: Client) -> None:
    parent_client.get("/fi/search/?q=salainen+huoli&place=Mikkeli")
    flush_search_demand()
    stored = " ".join(str(value) for row in rows() for value in row.values())
    assert "salainen" not in stored and "huoli" not in stored


def test_a_search_that_found_a_service_available_locally_says_so(
    world: dict, parent_client: Client
) -> None:
    parent_client.get("/fi/search/?q=neuvola&place=Mikkeli")  # Mikkeli's own clinics
    parent_client.get("/fi/search/?life_situation=VIOLENCE&place=Vaasa")  # a national chat
    parent_client.get("/fi/search/?q=neuvola&place=Vaasa")  # nothing for Vaasa
    parent_client.get("/fi/search/?q=neuvola")  # no place: nothing to say
    flush_search_demand()
    assert {(r["municipality"], r["life_situation"], r["found_local"]) for r in rows()} == {
        ("491", "", True),
        ("905", "VIOLENCE", True),
        ("905", "", False),
        (None, "", False),
    }


def test_an_in_person_service_far_away_is_not_local(world: dict, parent_client: Client) -> None:
    # The child health clinic serves all of Etelä-Savo from Mikkeli, 85 km from Savonlinna.
    parent_client.get("/fi/search/?q=lastenneuvola&place=57100")
    flush_search_demand()
    assert [r["found_local"] for r in rows()] == [False]


def test_several_codes_of_one_filter_go_with_the_other_filters(
    world: dict, parent_client: Client
) -> None:
    parent_client.get("/fi/search/?tier=DIGITAL&tier=SPECIALIST&target_group=FATHERS&age=3")
    flush_search_demand()
    [row] = rows()
    assert (row["tier"], row["target_group"]) == ("", "FATHERS")
    assert row["other_filters"] == "age=3&tier=DIGITAL&tier=SPECIALIST"


def test_cached_pages_count_and_later_pages_do_not(world: dict, parent_client: Client) -> None:
    for _ in range(2):
        parent_client.get("/fi/search/?life_situation=BABY")  # the second from the page cache
        parent_client.get("/fi/search/?life_situation=BABY&page=2")
    flush_search_demand()
    assert [(r["life_situation"], r["count"]) for r in rows()] == [("BABY", 2)]


def test_counts_add_up_across_flushes_in_one_row(world: dict) -> None:
    key = demand_key(municipality_code="091", filters=("", "", "SEPARATION", ""), found_local=True)
    record_search(key)
    flush_search_demand()
    record_search(key)
    record_search(key)
    assert flush_search_demand_task.delay().get() == 2
    assert [r["count"] for r in rows()] == [3]


def test_a_week_starts_on_monday_in_helsinki() -> None:
    sunday_night_utc = dt.datetime(2026, 11, 29, 22, 30, tzinfo=dt.UTC)  # Monday 00:30 there
    assert week_of(sunday_night_utc) == dt.date(2026, 11, 30)
    assert week_of(dt.datetime(2026, 11, 29, 21, 0, tzinfo=dt.UTC)) == dt.date(2026, 11, 23)


def test_without_redis_a_process_flushes_its_counts_itself(
    world: dict, parent_client: Client, settings: object
) -> None:
    settings.SEARCH_DEMAND_FLUSH_SECONDS = 0  # type: ignore[attr-defined]
    parent_client.get("/fi/search/?life_situation=FINANCES")
    assert [r["count"] for r in rows()] == [1]


def test_with_redis_the_counts_of_all_processes_meet_in_redis(
    world: dict, redis_cache: str, settings: object
) -> None:
    from django_redis import get_redis_connection

    settings.SEARCH_DEMAND_PUSH_SECONDS = 0  # type: ignore[attr-defined]
    key = demand_key(municipality_code="091", filters=("", "", "", ""), found_local=True)
    record_search(key)
    record_search(key)
    assert get_redis_connection("default").hgetall("search-demand:counts") == {
        key.encode().encode(): b"2"
    }
    assert flush_search_demand() == 2
    assert [r["count"] for r in rows()] == [2]
    assert not get_redis_connection("default").exists("search-demand:counts")


def test_with_redis_counts_a_failed_flush_left_behind_are_not_lost(
    world: dict, redis_cache: str
) -> None:
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    key = demand_key(municipality_code="491", filters=("", "", "BABY", ""), found_local=True)
    redis.hset("search-demand:flushing:crashed", key.encode(), 3)
    redis.set("search-demand:flush-lock", "someone", ex=60)
    assert flush_search_demand() == 0  # another flush holds the lock
    redis.delete("search-demand:flush-lock")
    assert flush_search_demand() == 3
    assert [(r["life_situation"], r["count"]) for r in rows()] == [("BABY", 3)]
    assert not list(redis.scan_iter("search-demand:flushing:*"))
