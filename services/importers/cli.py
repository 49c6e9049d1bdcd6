"""What the ``import_ptv``, ``import_hsds`` and ``import_spreadsheet`` commands share."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from services.importers import ImportFile, run_import
from services.importers.base import Report, no_progress
from services.importers.runs import record_report
from services.models import ImportRun

BAR_WIDTH = 30


class TextProgress:
    """A progress bar on a terminal; a line every tenth of the way otherwise (logs)."""

    def __init__(self, write: Callable[[str], None], *, interactive: bool, language: str) -> None:
        self.write = write
        self.interactive = interactive
        self.language = language
        self.last_shown: tuple[str | None, int] = (None, -1)
        self.last_time = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        step = percent if self.interactive else percent // 10 * 10
        if (stage, step) == self.last_shown:
            return
        now = time.monotonic()
        if self.interactive and now - self.last_time < 0.1 and done < total:
            return
        self.last_shown, self.last_time = (stage, step), now
        with translation.override(self.language):
            label = _("Reading files") if stage == "reading" else _("Writing services")
        filled = BAR_WIDTH * percent // 100
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        line = f"{label} [{bar}] {done}/{total} ({percent} %)"
        if self.interactive:
            self.write("\r" + line + ("\n" if done >= total else ""))
        else:
            self.write(line + "\n")


class ImportCommand(BaseCommand):
    kind = ""
    file_help = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help=self.file_help)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report only; write nothing."
        )
        parser.add_argument(
            "--strict", action="store_true", help="Import nothing if any record is rejected."
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the report (default: %(default)s).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Show no progress bar on standard error."
        )

    def options(self, options: dict[str, Any]) -> dict[str, Any]:
        """Importer options from the command's own arguments."""
        return {}

    # A directory given for these kinds means every such file in it (PTV list pages, say).
    directory_patterns: tuple[str, ...] = ()

    def handle(self, *args: Any, **options: Any) -> None:
        files = []
        for path in options["files"]:
            if not path.exists():
                raise CommandError(f"{path}: no such file or directory")
            if path.is_dir() and self.directory_patterns:
                found = sorted(p for pattern in self.directory_patterns for p in path.glob(pattern))
                if not found:
                    raise CommandError(f"{path}: no {', '.join(self.directory_patterns)} files")
                files.extend(ImportFile.from_path(p) for p in found)
            else:
                files.append(ImportFile.from_path(path))
        progress = no_progress
        if not options["no_progress"]:

            def write(text: str) -> None:
                self.stderr.write(text, ending="")
                self.stderr.flush()

            progress = TextProgress(
                write, interactive=self.stderr.isatty(), language=options["language"]
            )
        report = run_import(
            kind=self.kind,
            files=files,
            dry_run=options["dry_run"],
            strict=options["strict"],
            language=options["language"],
            progress=progress,
            options=self.options(options),
        )
        run = ImportRun.objects.create(
            kind=self.kind,
            file_name=", ".join(file.name for file in files)[:255],
            dry_run=options["dry_run"],
            strict=options["strict"],
            language=options["language"],
        )
        record_report(run=run, report=report)
        with translation.override(options["language"]):
            self.print_report(report, int(options["verbosity"]))
            if report.failed:
                raise CommandError(report.error)

    def print_report(self, report: Report, verbosity: int) -> None:
        write = self.stdout.write
        if report.dry_run:
            write(_("Dry run: nothing was written. The import would have done this:"))
        for what, counts in report.counts.items():
            write(
                _(
                    "%(what)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                    "%(deleted)d deleted"
                )
                % {"what": count_label(what), **counts}
            )
        if report.rejected_total:
            write(self.style.WARNING(_("Rejected: %(count)d") % {"count": report.rejected_total}))
            for note in report.rejected:
                write(f"  {note.where}: {note.message}")
        if report.warnings_total:
            write(_("Warnings: %(count)d") % {"count": report.warnings_total})
            if verbosity >= 1:
                for note in report.warnings:
                    write(f"  {note.where}: {note.message}")


def count_label(what: str) -> str:
    labels = {
        "services": _("Services"),
        "organisations": _("Organisations"),
        "locations": _("Locations"),
        "contact points": _("Contact points"),
    }
    return labels.get(what, what)
