from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from mapping import coverage


class Command(BaseCommand):
    help = "Recompute the coverage of the whole country from the catalogue and store it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--services",
            nargs="+",
            type=int,
            metavar="ID",
            help="Recompute only what changes to these services can affect.",
        )

    def handle(self, *args: object, services: list[int] | None = None, **options: object) -> None:
        started = time.perf_counter()

        def progress(message: str) -> None:
            if options["verbosity"]:
                self.stdout.write(f"{time.perf_counter() - started:7.2f} s  {message}")

        if services:
            progress(f"recomputing what services {', '.join(map(str, services))} affect")
            status = coverage.recompute_services(service_ids=services)
        else:
            status = coverage.recompute(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Coverage version {status.version}: {status.services} published services, "
                f"{time.perf_counter() - started:.2f} s."
            )
        )
