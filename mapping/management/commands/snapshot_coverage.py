from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mapping import coverage


class Command(BaseCommand):
    help = (
        "Store the current coverage per municipality × tier × target group for the trend "
        "(replaces a snapshot of the same date)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Date of the snapshot, YYYY-MM-DD (default: today).")

    def handle(self, *args: object, date: str | None = None, **options: object) -> None:
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"Enter the date as YYYY-MM-DD, not {date!r}.") from error
        rows = coverage.snapshot_coverage(date=day)
        self.stdout.write(self.style.SUCCESS(f"Stored {rows} coverage snapshot rows."))
