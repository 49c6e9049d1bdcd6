from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services.generator import GenerationError, generate_catalogue


class Command(BaseCommand):
    help = (
        "Generate a national-size example catalogue for benchmarks and scale tests, spread "
        "over the reference geography (load it first with load_reference_data). The same seed "
        "and count give the same catalogue. Records are marked as generated example content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--services", type=int, default=20_000, help="How many services (default 20000)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete previously generated records first (records from other sources stay).",
        )

    def handle(self, *args: Any, services: int, seed: int, replace: bool, **options: Any) -> None:
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"{time.perf_counter() - started:6.1f} s  {message}")

        try:
            report = generate_catalogue(
                services=services, seed=seed, replace=replace, progress=progress
            )
        except GenerationError as error:
            raise CommandError(str(error)) from error
        for table, count in report.counts.items():
            self.stdout.write(f"  {table}: {count:,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.counts['services']:,} services from seed {seed} "
                f"in {report.seconds:.1f} s."
            )
        )
