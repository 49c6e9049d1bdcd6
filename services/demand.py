"""The demand signal: each public search counted per ISO week, for the gap analysis.

What is kept: the week, the municipality of the place searched for, the filter codes and
whether any result was available locally (PRODUCT.md "Mapping": the service serves the
municipality and is remote, makes home visits or has a location within reach). Never the
search words, never an IP address or a cookie.

Counting writes nothing to the database on a search. Each web process counts in memory:

- With Redis as the cache (``REDIS_URL``), a process adds its counts to a Redis hash
  (``HINCRBY``, atomic) on the first search after every ``SEARCH_DEMAND_PUSH_SECONDS`` (10 s),
  and Celery beat moves the hash into ``SearchDemand`` every ``SEARCH_DEMAND_FLUSH_SECONDS``
  (5 min): the flush renames the hash before reading it, so no count is read twice or lost
  in between. A process that stops loses its last seconds of counts; Redis down loses the
  counts meanwhile, and a Redis crash what its last snapshot did not hold. Searches work
  regardless.
- Otherwise (the in-process default) each process adds its counts to the database itself, on
  the first search after every ``SEARCH_DEMAND_FLUSH_SECONDS``. A process that stops (a crash,
  a restart) loses the counts since its last flush: five minutes at most.

Call ``flush_search_demand()`` to bring the table up to date before reading it (with the
in-process counters this reaches the calling process's counts only).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from services.models import SearchDemand
from services.opening_hours import HELSINKI
from services.search_index import shared_cache

logger = logging.getLogger(__name__)

REDIS_HASH = "search-demand:counts"
REDIS_FLUSHING = "search-demand:flushing:"
REDIS_FLUSH_LOCK = "search-demand:flush-lock"
FLUSH_LOCK_SECONDS = 300


@dataclass(frozen=True)
class DemandKey:
    """One row of ``SearchDemand`` before counting: what a search was about."""

    week: dt.date
    municipality: str  # municipality code, "" without a place
    tier: str
    target_group: str
    life_situation: str
    other_filters: str
    found_local: bool

    def encode(self) -> str:
        return json.dumps(
            [
                self.week.isoformat(),
                self.municipality,
                self.tier,
                self.target_group,
                self.life_situation,
                self.other_filters,
                self.found_local,
            ]
        )

    @classmethod
    def decode(cls, text: str | bytes) -> DemandKey:
        week, municipality, tier, target_group, life_situation, other, found = json.loads(text)
        return cls(
            dt.date.fromisoformat(week),
            municipality,
            tier,
            target_group,
            life_situation,
            other,
            bool(found),
        )


def week_of(moment: dt.datetime) -> dt.date:
    """The Monday of the ISO week of ``moment``, in Helsinki."""
    day = moment.astimezone(HELSINKI).date()
    return day - dt.timedelta(days=day.weekday())


def demand_key(
    *,
    municipality_code: str,
    filters: tuple[str, str, str, str],
    found_local: bool,
    when: dt.datetime | None = None,
) -> DemandKey:
    tier, target_group, life_situation, other = filters
    return DemandKey(
        week=week_of(when or timezone.now()),
        municipality=municipality_code,
        tier=tier,
        target_group=target_group,
        life_situation=life_situation,
        other_filters=other[: SearchDemand._meta.get_field("other_filters").max_length],
        found_local=found_local and bool(municipality_code),
    )


# Counting.


def _redis():  # noqa: ANN202 - django_redis is optional
    """The Redis connection behind the default cache, or None for other cache backends."""
    if not shared_cache():
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


class _LocalCounts:
    """This process's counts since it last handed them on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.handed_on = time.monotonic()

    def add(self, key: str, every: float) -> bool:
        """Count one search; True when it is time to hand the counts on."""
        with self.lock:
            self.counts[key] += 1
            if time.monotonic() - self.handed_on >= every:
                self.handed_on = time.monotonic()
                return True
        return False

    def take(self) -> Counter[str]:
        with self.lock:
            counts, self.counts = self.counts, Counter()
        return counts

    def give_back(self, counts: Counter[str]) -> None:
        with self.lock:
            self.counts.update(counts)


_local = _LocalCounts()


def record_search(key: DemandKey) -> None:
    """Count one search. Never fails the search: a count that cannot be kept is logged."""
    try:
        redis = _redis()
        every = (
            settings.SEARCH_DEMAND_PUSH_SECONDS
            if redis is not None
            else settings.SEARCH_DEMAND_FLUSH_SECONDS
        )
        if _local.add(key.encode(), every):
            if redis is not None:
                _push(redis)
            else:
                flush_search_demand()
    except Exception:
        logger.warning("Searches could not be counted", exc_info=True)


def _push(redis) -> None:  # noqa: ANN001
    """Add this process's counts to the shared Redis hash."""
    counts = _local.take()
    if not counts:
        return
    try:
        pipeline = redis.pipeline(transaction=False)
        for encoded, count in counts.items():
            pipeline.hincrby(REDIS_HASH, encoded, count)
        pipeline.execute()
    except Exception:
        _local.give_back(counts)
        raise


# Flushing.


def flush_search_demand() -> int:
    """Add the counted searches to ``SearchDemand``; returns how many searches were added."""
    redis = _redis()
    if redis is None:
        counts = _local.take()
        try:
            return _write(counts)
        except Exception:
            _local.give_back(counts)
            raise
    _push(redis)
    token = uuid.uuid4().hex
    if not redis.set(REDIS_FLUSH_LOCK, token, nx=True, ex=FLUSH_LOCK_SECONDS):
        return 0  # another process is flushing right now
    added = 0
    try:
        # Hashes a failed flush left behind come first, then the current one.
        for name in [*redis.scan_iter(f"{REDIS_FLUSHING}*"), None]:
            if name is None:
                name = f"{REDIS_FLUSHING}{token}"
                try:
                    redis.rename(REDIS_HASH, name)
                except Exception as error:  # no searches counted since the last flush
                    if "no such key" in str(error).lower():
                        break
                    raise
            counts = Counter(
                {field.decode(): int(value) for field, value in redis.hgetall(name).items()}
            )
            added += _write(counts)
            redis.delete(name)
    finally:
        if redis.get(REDIS_FLUSH_LOCK) == token.encode():
            redis.delete(REDIS_FLUSH_LOCK)
    return added


def _write(counts: Counter[str]) -> int:
    added = 0
    with transaction.atomic():
        for encoded, count in sorted(counts.items()):
            if count <= 0:
                continue
            key = DemandKey.decode(encoded)
            _add(key, count)
            added += count
    return added


def _add(key: DemandKey, count: int) -> None:
    fields = {
        "week": key.week,
        "municipality_id": key.municipality or None,
        "tier": key.tier,
        "target_group": key.target_group,
        "life_situation": key.life_situation,
        "other_filters": key.other_filters,
        "found_local": key.found_local,
    }
    if SearchDemand.objects.filter(**fields).update(count=F("count") + count):
        return
    try:
        with transaction.atomic():
            SearchDemand.objects.create(count=count, **fields)
    except IntegrityError:  # another flush created the row meanwhile
        SearchDemand.objects.filter(**fields).update(count=F("count") + count)
