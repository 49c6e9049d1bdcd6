from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services.reference_data import REFERENCE_DIR, ReferenceDataError, load_reference_data


class Command(BaseCommand):
    help = (
        "Load the reference data shipped with the project: taxonomies, wellbeing services "
        "counties, municipalities, postal areas, Suomi.fi service classes and boundaries. "
        "Safe to re-run: it only creates and updates what differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=REFERENCE_DIR,
            help="Directory of the reference files (default: the files shipped with the project).",
        )

    def handle(self, *args: Any, data_dir: Path, **options: Any) -> None:
        try:
            report = load_reference_data(base=data_dir)
        except ReferenceDataError as error:
            raise CommandError(f"{error}\nNothing was changed.") from error
        for name, model_report in report.items():
            self.stdout.write(f"{name[:1].upper()}{name[1:]}: {model_report}")
            if model_report.not_in_source and options["verbosity"] > 1:
                self.stdout.write(f"  not in the source: {', '.join(model_report.not_in_source)}")
        changed = any(model_report.changed for model_report in report.values())
        message = "Reference data loaded." if changed else "Reference data up to date."
        self.stdout.write(self.style.SUCCESS(message))
