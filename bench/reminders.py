"""The daily round of stale-listing reminders on a national-size catalogue.

    ./dev bench reminders [--services 20000] [--stale 5000] [--database-url URL]

1. Prepares the scratch database (``bench/scratch.py``: reference data and the generated
   catalogue), makes exactly ``--stale`` published listings stale (the rest confirmed last
   month) and gives every generated organisation an editor with an e-mail address.
2. Runs the round (``services.reminders.send_stale_reminders``) with the messages going to a
   real SMTP server (aiosmtpd) in this process, then runs it again (it must send nothing),
   then the round a day later (nothing is due).
3. Baseline: reading the stale listings and their editors alone (the round's queries without
   the messages).

Target (issue "Keeping listings fresh"): the round under 30 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "sqlite:////tmp/perhekeskus-bench.sqlite3"
TARGET_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(stale: int) -> int:
    """Exactly ``stale`` stale published listings; an editor per generated organisation."""
    from django.utils import timezone

    from accounts.models import User
    from services import catalogue
    from services.models import Organisation, ReminderMessage, Source, StaleReminder, SupportService

    now = timezone.now()
    published = SupportService.objects.published().filter(source=Source.GENERATED).order_by("pk")
    ids = list(published.values_list("pk", flat=True))
    if len(ids) < stale:
        sys.exit(f"Only {len(ids)} published services; ask for fewer stale ones.")
    old, recent = ids[:stale], ids[stale:]
    with catalogue.change(user=None, history=False) as work:
        for start in range(0, len(old), 900):
            work.update_rows(
                SupportService.objects.filter(pk__in=old[start : start + 900]),
                content=False,
                verified_at=now - dt.timedelta(days=500),
            )
        for start in range(0, len(recent), 900):
            work.update_rows(
                SupportService.objects.filter(pk__in=recent[start : start + 900]),
                content=False,
                verified_at=now - dt.timedelta(days=30),
            )
    StaleReminder.objects.all().delete()
    ReminderMessage.objects.all().delete()
    organisations = list(
        Organisation.objects.filter(source=Source.GENERATED).values_list("pk", flat=True)
    )
    User.objects.filter(username__startswith="bench-editor-").delete()
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench-editor-{pk}",
                email=f"editor-{pk}@example.org",
                language=("fi", "sv", "en")[pk % 3],
                password="!",
            )
            for pk in organisations
        ]
    )
    links = User.organisations.through
    links.objects.bulk_create(
        [
            links(user_id=user.pk, organisation_id=pk)
            for user, pk in zip(users, organisations, strict=True)
        ]
    )
    return len(users)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--stale", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    options = parser.parse_args()
    port = free_port()
    os.environ.update(
        DATABASE_URL=options.database_url,
        DJANGO_SETTINGS_MODULE="perhekeskus.settings",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.utils import timezone

    from bench.scratch import prepare_catalogue
    from services.reminders import due, recipients, send_stale_reminders

    prepare_catalogue(services=options.services, seed=options.seed)
    editors = prepare(options.stale)
    print(f"{options.stale:,} stale listings; {editors} editors.", flush=True)

    class Inbox:
        def __init__(self) -> None:
            self.count = 0

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
            self.count += 1
            return "250 OK"

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        now = timezone.now()
        started = time.perf_counter()
        round_ = due(now)
        by_user = recipients(round_.levels)
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        first = send_stale_reminders(now=now)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = send_stale_reminders(now=now)
        again_seconds = time.perf_counter() - started
        next_day = send_stale_reminders(now=now + dt.timedelta(days=1))
    finally:
        smtp.stop()

    verdict = "met" if seconds < TARGET_SECONDS else "NOT met"
    print(
        f"Round: {seconds:.1f} s for {len(round_.levels):,} stale listings, "
        f"{first.sent} messages sent over SMTP, {inbox.count} received "
        f"(target < {TARGET_SECONDS:.0f} s: {verdict})"
    )
    print(
        f"  baseline, reading what is due and who edits it: {baseline:.2f} s "
        f"({len(by_user)} editors); round / baseline {seconds / baseline:.1f}×"
    )
    print(
        f"  the same round again: {again_seconds:.1f} s, {again.sent} sent, {again.skipped} skipped"
    )
    print(f"  the next day: {next_day.sent} sent (nothing is due)")


if __name__ == "__main__":
    main()
