"""Exactly one reminder per person, also when the task runs twice or a real Celery worker is
killed half-way through the round.

The worker test runs on PostgreSQL with Redis (``TEST_REDIS_URL``): the worker is another
process, which cannot see SQLite's in-memory test database. CI runs the suite on PostgreSQL
with Redis, so it runs there (and a missing ``TEST_REDIS_URL`` is a failure on CI).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import User
from services.models import ReminderMessage
from services.reminders import CLAIM_TIMEOUT, send_stale_reminders
from services.tasks import send_stale_reminders_task
from tests.cast import make_user
from tests.factories import OrganisationFactory
from tests.freshness.conftest import Inbox, complete_listing, make_stale, smtp_server

EDITORS = 5
ROOT = Path(django_settings.BASE_DIR)


def editors_with_stale_listings(count: int = EDITORS) -> list[User]:
    """``count`` editors, each of an organisation of their own with one stale listing."""
    people = []
    for number in range(count):
        organisation = OrganisationFactory(name_fi=f"Järjestö {number}")
        make_stale(complete_listing(organisation, f"Palvelu {number}"), days=400)
        people.append(make_user(f"editor-{number}", organisations=[organisation]))
    return people


def test_running_the_task_twice_in_a_row_sends_one_message_per_person(db: None) -> None:
    people = editors_with_stale_listings(3)

    first = send_stale_reminders_task.apply().get()
    again = send_stale_reminders_task.apply().get()

    assert (first["sent"], again["sent"], again["skipped"]) == (3, 0, 3)
    assert Counter(address for message in mail.outbox for address in message.to) == {
        person.email: 1 for person in people
    }


# A real worker, killed.


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("TEST_REDIS_URL is not set on CI: the real Celery worker test must run.")
        pytest.skip("TEST_REDIS_URL is not set (./dev test sets it when Redis answers).")
    return url


@pytest.fixture
def postgresql(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the worker is another process and cannot see SQLite's in-memory "
            "test database (CI runs this test on PostgreSQL)"
        )


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def slow_smtp(settings: Any) -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server taking half a second over each message; this process sends to it
    too."""
    with smtp_server(delay=0.5) as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        yield inbox, port


@pytest.fixture
def worker_queue(redis_url: str) -> Iterator[str]:
    """A queue of the test's own; what a killed worker leaves in Redis is removed after."""
    queue = f"reminders-test-{uuid.uuid4().hex}"
    yield queue
    client = redis.Redis.from_url(redis_url)
    for tag, payload in client.hgetall("unacked").items():
        _message, _exchange, routing_key = json.loads(payload)
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def start_worker(*, queue: str, redis_url: str, smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "DJANGO_SETTINGS_MODULE": "perhekeskus.settings",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        *("-m", "celery", "-A", "perhekeskus", "worker", "--pool=solo", "-Q", queue),
        *("--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"),
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_until(condition: Any, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"Gave up waiting: {what}")


@pytest.mark.celery_worker
@pytest.mark.parametrize(
    "rerun_after",
    [CLAIM_TIMEOUT + dt.timedelta(minutes=1), dt.timedelta(days=1)],
    ids=["later the same day", "the next day"],
)
def test_a_worker_killed_mid_round_leaves_everyone_one_message_once_the_round_runs_again(
    postgresql: None,
    reference_data: None,
    redis_url: str,
    worker_queue: str,
    slow_smtp: tuple[Inbox, int],
    rerun_after: dt.timedelta,
) -> None:
    inbox, port = slow_smtp
    people = editors_with_stale_listings()
    worker = start_worker(queue=worker_queue, redis_url=redis_url, smtp_port=port)
    try:
        # Not the current app: tasks of this process must keep finding the project's app.
        sender = Celery("sender", broker=redis_url, set_as_current=False)
        sender.send_task("services.tasks.send_stale_reminders_task", queue=worker_queue)
        sender.close()
        # The first message is accepted and recorded as sent; the second is claimed and on
        # its way (the server takes half a second over it).
        wait_until(
            lambda: (
                ReminderMessage.objects.filter(sent_at__isnull=False).exists()
                and ReminderMessage.objects.filter(sent_at__isnull=True).exists()
            ),
            seconds=90,
            what=f"the worker's first message and its claim of the second ({worker.poll()=})",
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    time.sleep(1)  # the server gives up on the message cut short
    delivered = len(inbox.envelopes)
    assert delivered == 1, "the worker was not killed half-way through the round"
    assert ReminderMessage.objects.filter(sent_at__isnull=True).count() == 1  # left claimed

    outcome = send_stale_reminders(now=timezone.now() + rerun_after)

    assert outcome.sent == EDITORS - delivered
    assert Counter(envelope.rcpt_tos[0] for envelope in inbox.envelopes) == {
        person.email: 1 for person in people
    }
