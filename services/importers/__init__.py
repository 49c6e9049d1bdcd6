"""Importing catalogue records from Suomi.fi PTV, Open Referral HSDS and spreadsheets.

``run_import(kind=..., files=[...])`` reads the files with the importer of ``kind``, then
writes what it could use in one transaction. A dry run does all of it, database checks
included, and rolls back. The report (``base.Report``) lists every rejected record with the
reason and every change an importer had to make to a value.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from services import catalogue
from services.catalogue.history import IMPORTED
from services.importers.base import (
    ImportFileError,
    Progress,
    Reference,
    Report,
    Where,
    no_progress,
)
from services.importers.limits import time_limit_message
from services.importers.writer import Writer

logger = logging.getLogger(__name__)


@dataclass
class ImportFile:
    """A file to import: a path (a file, or a directory for a data package) or its content."""

    name: str
    path: Path | None = None
    content: bytes | None = None

    def read(self) -> bytes:
        if self.content is not None:
            return self.content
        assert self.path is not None
        try:
            return self.path.read_bytes()
        except OSError as error:
            raise ImportFileError(
                _("The file %(name)s cannot be read: %(error)s")
                % {"name": self.name, "error": error.strerror or error}
            ) from None

    @classmethod
    def from_path(cls, path: Path) -> ImportFile:
        return cls(name=path.name, path=path)


class StrictRollbackError(Exception):
    """Raised inside the transaction to undo it (a strict import with rejections)."""


def importer_class(kind: str) -> type:
    if kind == "ptv":
        from services.importers.ptv import PtvImporter

        return PtvImporter
    if kind == "hsds":
        from services.importers.hsds import HsdsImporter

        return HsdsImporter
    if kind == "spreadsheet":
        from services.importers.spreadsheet import SpreadsheetImporter

        return SpreadsheetImporter
    raise ValueError(f"Unknown import kind {kind!r}")


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the length of an import.

    An import builds hundreds of thousands of short-lived objects (parsed JSON, records,
    model instances) while keeping many alive; the collector's repeated full scans of them
    took about half of a national import's time. Reference counting still frees almost
    everything as it goes; the few cycles wait for the next collection after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(
    *,
    kind: str,
    files: Sequence[ImportFile],
    dry_run: bool = False,
    strict: bool = False,
    language: str | None = None,
    progress: Progress = no_progress,
    options: dict[str, Any] | None = None,
    user: Any = None,
    counties: frozenset[str] | None = None,
    run_id: int | None = None,
) -> Report:
    """Import ``files``; never raises for bad input, the report says what happened.

    ``strict``: import nothing when any record is rejected. ``language``: of the report's
    messages (default: the active language). Nothing is written when the report has an error.
    ``user`` made the import (the history names them); ``counties``: only services of these
    wellbeing services counties are accepted (None: any, nationwide included). ``run_id``: the
    import run, named in the history.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    report = Report(kind=kind, dry_run=dry_run, files=[file.name for file in files])
    with without_cyclic_gc():
        return read_and_write(
            report=report,
            files=files,
            dry_run=dry_run,
            strict=strict,
            language=language,
            progress=progress,
            options=options or {},
            user=user,
            counties=counties,
            comment=f"{IMPORTED}:{run_id}" if run_id else IMPORTED,
        )


def read_and_write(
    *,
    report: Report,
    files: Sequence[ImportFile],
    dry_run: bool,
    strict: bool,
    language: str,
    progress: Progress,
    options: dict[str, Any],
    user: Any,
    counties: frozenset[str] | None,
    comment: str,
) -> Report:
    try:
        with translation.override(language):
            importer = importer_class(report.kind)(
                report=report, reference=Reference(), options=options
            )
            for number, file in enumerate(files):
                progress("reading", number, len(files))
                importer.read(file, Where(file.name, len(files) > 1))
            progress("reading", len(files), len(files))
            organisations, services = importer.records()
            if strict and report.rejected_total:
                raise StrictRollbackError
        with (
            catalogue.change(user=user, comment=comment, history=not dry_run) as work,
            translation.override(settings.LANGUAGE_CODE),
        ):
            writer = Writer(
                work=work, report=report, language=language, progress=progress, counties=counties
            )
            writer.write_methods(list(importer.methods.values()))
            writer.write_organisations(organisations)
            writer.write_services(services)
            if strict and report.rejected_total:
                raise StrictRollbackError
            if dry_run:
                # Everything was checked by the database; nothing is kept or announced.
                transaction.set_rollback(True)
    except StrictRollbackError:
        with translation.override(language):
            report.error = ngettext(
                "Nothing was imported: %(count)d record was rejected and the import was set "
                "to import nothing in that case.",
                "Nothing was imported: %(count)d records were rejected and the import was set "
                "to import nothing in that case.",
                report.rejected_total,
            ) % {"count": report.rejected_total}
        report.counts = {}
    except ImportFileError as error:
        report.error = str(error)
        report.counts = {}
    except SoftTimeLimitExceeded:  # the worker's time limit (IMPORT_TIME_LIMIT_SECONDS)
        logger.warning("Import of %s stopped at the time limit", ", ".join(report.files))
        with translation.override(language):
            report.error = time_limit_message()
        report.counts = {}
    except Exception:
        logger.exception("Import of %s failed", ", ".join(report.files))
        with translation.override(language):
            report.error = _(
                "The import stopped because of an unexpected error and nothing was imported. "
                "The error has been logged for the administrators."
            )
        report.internal_error = True
        report.counts = {}
    return report
