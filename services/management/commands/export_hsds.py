from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services.hsds.export import export_data_package
from services.models import SupportService


class Command(BaseCommand):
    help = (
        "Write the catalogue as an Open Referral HSDS 3.0 data package into DIRECTORY: CSV "
        "tables with datapackage.json, and nested JSON documents in json/. Published services "
        "only unless --all-statuses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--language",
            choices=["fi", "sv", "en"],
            default="fi",
            help="Language of the texts (default fi); all translations are attributes anyway.",
        )
        parser.add_argument(
            "--all-statuses",
            action="store_true",
            help="Also drafts, listings pending review and archived ones (not for publishing).",
        )

    def handle(self, *args: Any, directory: Path, language: str, **options: Any) -> None:
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} is not a directory.")
        statuses = (
            SupportService.Status.values
            if options["all_statuses"]
            else [SupportService.Status.PUBLISHED]
        )
        try:
            report = export_data_package(
                directory,
                language=language,
                statuses=statuses,
                progress=lambda message: self.stdout.write(message),
            )
        except OSError as error:
            raise CommandError(f"Cannot write to {directory}: {error}") from error
        for table, count in sorted(report.rows.items()):
            self.stdout.write(f"  {table}: {count:,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {report.documents['services']:,} services as an HSDS data package to "
                f"{directory} in {report.seconds:.1f} s."
            )
        )
