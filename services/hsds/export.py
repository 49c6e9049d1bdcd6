"""The catalogue as an HSDS 3.0 data package: CSV tables with ``datapackage.json``, and JSON.

``export_data_package(directory)`` writes

- ``datapackage.json``: a Frictionless tabular data package descriptor with the official HSDS
  3.0 table schemas, one resource per table;
- one CSV file per HSDS table (``services.csv``, ``attributes.csv``, ...; tables we have no
  data for hold just their header row);
- ``json/services.ndjson``, ``json/organizations.ndjson``, ``json/taxonomies.ndjson`` and
  ``json/taxonomy_terms.ndjson``: one nested HSDS document per line, the same documents the
  HSDS API serves (terms of methods carry their rating and texts as ``attributes``).

Records are read in chunks and written as they are made, so memory stays flat however large
the catalogue is. See ``services.hsds.documents`` for how our model maps onto HSDS.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone

from services.hsds.documents import (
    Nest,
    Row,
    method_term_rows,
    organisation_queryset,
    organisation_row,
    organisation_rows,
    rows_of,
    service_batches,
    service_queryset,
    service_rows,
)
from services.hsds.taxonomies import (
    TAXONOMIES,
    TermRegistry,
    taxonomy_document,
    term_document,
    term_id,
)
from services.models import Method, SupportService

SPEC_DIR = Path(__file__).resolve().parent / "spec"
CHUNK_SIZE = 500
PUBLISHED = (SupportService.Status.PUBLISHED,)


@dataclass
class ExportReport:
    directory: Path
    rows: Counter[str] = field(default_factory=Counter)  # per HSDS table
    documents: Counter[str] = field(default_factory=Counter)  # per JSON file
    seconds: float = 0.0


def official_descriptor() -> dict:
    return json.loads((SPEC_DIR / "datapackage.json").read_text(encoding="utf-8"))


def package_descriptor(language: str) -> dict:
    descriptor = official_descriptor()
    resources = descriptor["resources"]
    descriptor.update(
        {
            "name": "perhekeskus",
            "title": "Perhekeskus: support for parenthood and couple relationships in Finland",
            "description": (
                "Support services for parenthood and couple relationships, their providers, "
                "service points and taxonomies, as Open Referral HSDS 3.0. Texts in language "
                f"'{language}' (falling back fi → sv → en); every text in Finnish, Swedish and "
                "English is also an attribute of the 'translation' taxonomy. The json/ folder "
                "holds the same data as nested HSDS documents, one per line."
            ),
            "version": "3.0.0",
            "created": timezone.now().replace(microsecond=0).isoformat(),
            "homepage": settings.SITE_URL,
        }
    )
    descriptor["resources"] = resources
    return descriptor


class TableWriter:
    """One CSV file per HSDS table, columns in the official order."""

    def __init__(self, directory: Path, descriptor: dict, stack: ExitStack) -> None:
        self.writers: dict[str, tuple[Callable[[Iterable[object]], object], list[str]]] = {}
        for resource in descriptor["resources"]:
            columns = [column["name"] for column in resource["schema"]["fields"]]
            handle = stack.enter_context(
                open(directory / resource["path"], "w", encoding="utf-8", newline="")
            )
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            self.writers[resource["name"]] = (writer.writerow, columns)
        self.counts: Counter[str] = Counter()

    def __call__(self, table: str, row: Row) -> None:
        writerow, columns = self.writers[table]
        writerow([row.get(column, "") for column in columns])
        self.counts[table] += 1


class Lines:
    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.count = 0

    def write(self, document: Row) -> None:
        self.handle.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
        self.handle.write("\n")
        self.count += 1


def export_data_package(
    directory: Path | str,
    *,
    language: str = "fi",
    statuses: Iterable[str] = PUBLISHED,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[str], None] | None = None,
) -> ExportReport:
    """Write the catalogue's services of ``statuses`` as an HSDS 3.0 data package.

    All organisations and all taxonomies are written; services only in the given statuses
    (published ones by default: the package is open data).
    """
    started = time.perf_counter()
    directory = Path(directory)
    (directory / "json").mkdir(parents=True, exist_ok=True)
    descriptor = package_descriptor(language)
    report = ExportReport(directory)
    with ExitStack() as stack:
        tables = TableWriter(directory, descriptor, stack)
        json_files = {
            name: Lines(
                stack.enter_context(
                    open(directory / "json" / f"{name}.ndjson", "w", encoding="utf-8")
                )
            )
            for name in ("taxonomies", "taxonomy_terms", "organizations", "services")
        }
        write_taxonomies(tables, json_files, language)
        for organisation in organisation_queryset().order_by("pk").iterator(chunk_size):
            rows = rows_of(organisation_rows, organisation, language)
            document = write_record(tables, rows, "organization", language)
            json_files["organizations"].write(document)
        if progress:
            progress(f"{json_files['organizations'].count:,} organisations")
        services = service_queryset().filter(status__in=list(statuses))
        number = 0
        for batch in service_batches(services, chunk_size):
            for service in batch:
                rows = rows_of(service_rows, service, language)
                document = write_record(tables, rows, "service", language)
                document["organization"] = organisation_row(service.organisation, language)
                json_files["services"].write(document)
                number += 1
                if progress and number % 5000 == 0:
                    progress(f"{number:,} services")
        report.rows = tables.counts
        report.documents = Counter({name: lines.count for name, lines in json_files.items()})
    (directory / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    report.seconds = time.perf_counter() - started
    return report


def write_record(tables: TableWriter, rows: list[tuple[str, Row]], root: str, language: str) -> Row:
    """Write a record's rows to the tables; return it as one nested document."""
    for table, row in rows:
        tables(table, row)
    return Nest(rows, None, language).document(root, rows[0][1])


def write_taxonomies(tables: TableWriter, json_files: dict[str, Lines], language: str) -> None:
    for spec in TAXONOMIES:
        document = taxonomy_document(spec, language)
        tables("taxonomy", document)
        json_files["taxonomies"].write(document)
    method_rows: dict[str, list[tuple[str, Row]]] = {}
    for method in Method.objects.order_by("slug"):
        method_rows[term_id("method", method.slug)] = rows_of(method_term_rows, method)
    for term in TermRegistry().terms:
        tables("taxonomy_term", term_document(term, language, detail=False))
        document = term_document(term, language)
        rows = method_rows.get(term.id, [])
        if rows:
            nest = Nest(rows, None, language)
            document["attributes"] = [nest.document("attribute", row) for _, row in rows]
            for table, row in rows:
                tables(table, row)
        json_files["taxonomy_terms"].write(document)
