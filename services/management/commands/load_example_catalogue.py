from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services.example_catalogue import DATA_DIR, ExampleCatalogueError, load_example_catalogue


class Command(BaseCommand):
    help = (
        "Load the example catalogue: the real national digital services and an illustrative "
        "regional catalogue for Etelä-Savo, all marked as example content. Needs the reference "
        "data (load_reference_data). Safe to re-run: records are updated in place and session "
        "dates move ahead of today."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            type=Path,
            default=DATA_DIR,
            help="Directory of the example catalogue YAML files, or one file "
            "(default: the files shipped with the project).",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Count session dates and confirmation ages from this day (YYYY-MM-DD) "
            "instead of today.",
        )

    def handle(self, *args: Any, data: Path, today: dt.date | None, **options: Any) -> None:
        try:
            report = load_example_catalogue(today=today, path=data)
        except ExampleCatalogueError as error:
            raise CommandError(f"{error}\nNothing was changed.") from error
        for name, counts in report.counts.items():
            self.stdout.write(f"{name[:1].upper()}{name[1:]}: {counts}")
        tiers = ", ".join(f"{tier} {n}" for tier, n in report.services_by_tier.items())
        statuses = ", ".join(f"{status} {n}" for status, n in report.services_by_status.items())
        self.stdout.write(f"Example services by tier: {tiers}")
        self.stdout.write(f"Example services by status: {statuses}")
        for record in report.not_in_data:
            self.stdout.write(self.style.WARNING(f"Not in the data files, kept: {record}"))
        message = "Example catalogue loaded." if report.changed else "Example catalogue up to date."
        self.stdout.write(self.style.SUCCESS(message))
