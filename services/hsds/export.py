"""The catalogue as an HSDS 3.0 data package: CSV tables with ``datapackage.json``, and JSON.

``export_data_package(directory)`` writes

- ``datapackage.json``: a Frictionless tabular data package descriptor with the official HSDS
  3.0 table schemas, one resource per table;
- one CSV file per HSDS table (``services.csv``, ``attributes.csv``, ...; tables we have no
  data for hold just their header row);
- ``json/services.ndjson``, ``json/organizations.ndjson``, ``json/taxonomies.ndjson`` and
  ``json/taxonomy_terms.ndjson``: one nested HSDS document per line, the very documents the
  HSDS API serves at ``/services/{id}``, ``/organizations/{id}``, ``/taxonomies/{id}`` and
  ``/taxonomy_terms/{id}`` (a method's rating and texts, which a taxonomy term has no place
  for, are rows of ``attributes.csv`` linked to its term).

Records are read in chunks and written as they are made, so memory stays flat however large
the catalogue is. The services, nearly all of the work, are shared among worker processes
(``settings.HSDS_EXPORT_WORKERS``, by default one per CPU up to four), each writing a
contiguous range of primary keys to its own part files, which are then appended in order: the
package is byte for byte the one a single process writes. Where processes cannot share the
database (inside a transaction, an in-memory SQLite database) or this one may not start any
(a daemon process such as a Celery prefork worker) one process does it all. See
``services.hsds.documents`` for how our model maps onto HSDS.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connection, connections
from django.db.models import QuerySet
from django.utils import timezone

from services.hsds import export_worker
from services.hsds.documents import (
    Nest,
    Row,
    method_term_rows,
    organisation_queryset,
    organisation_row,
    organisation_rows,
    organisation_services,
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
from services.models import Method, Organisation, SupportService

SPEC_DIR = Path(__file__).resolve().parent / "spec"
CHUNK_SIZE = 500
PUBLISHED = (SupportService.Status.PUBLISHED,)
MAX_WORKERS = 4
# Below this many services a second process costs more than it saves.
SERVICES_PER_WORKER = 2000


@dataclass
class ExportReport:
    directory: Path
    rows: Counter[str] = field(default_factory=Counter)  # per HSDS table
    documents: Counter[str] = field(default_factory=Counter)  # per JSON file
    seconds: float = 0.0
    workers: int = 1  # processes that wrote the services


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

    def __init__(
        self, directory: Path, descriptor: dict, stack: ExitStack, *, header: bool = True
    ) -> None:
        self.writers: dict[str, tuple[Callable[[Iterable[object]], object], list[str]]] = {}
        self.handles: dict[str, IO[str]] = {}  # by file name
        for resource in descriptor["resources"]:
            columns = [column["name"] for column in resource["schema"]["fields"]]
            handle = stack.enter_context(
                open(directory / resource["path"], "w", encoding="utf-8", newline="")
            )
            writer = csv.writer(handle, lineterminator="\n")
            if header:
                writer.writerow(columns)
            self.writers[resource["name"]] = (writer.writerow, columns)
            self.handles[resource["path"]] = handle
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
    workers: int | None = None,
) -> ExportReport:
    """Write the catalogue's services of ``statuses`` as an HSDS 3.0 data package.

    All organisations and all taxonomies are written; services only in the given statuses
    (published ones by default: the package is open data). ``workers``: processes for the
    services (default ``settings.HSDS_EXPORT_WORKERS``); fewer where they cannot be used.
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
        registry = TermRegistry()
        write_taxonomies(tables, json_files, language, registry)
        statuses = list(statuses)
        write_organisations(
            tables, json_files["organizations"], language, registry, statuses, chunk_size
        )
        if progress:
            progress(f"{json_files['organizations'].count:,} organisations")
        services = service_queryset().filter(status__in=statuses)
        total = services.count()
        starts = part_starts(services, total, usable_workers(total, workers))
        report.workers = len(starts)
        if len(starts) > 1:
            try:
                write_services_in_parts(
                    directory, descriptor, tables, json_files["services"], statuses, starts,
                    language, chunk_size, progress,
                )  # fmt: skip
            except BrokenProcessPool:
                # A worker could not start (a script that spawns without the ``__main__``
                # guard, say) or was killed; nothing of the parts was written yet.
                report.workers = 1
        if report.workers == 1:
            write_services(tables, json_files["services"], services, language, chunk_size, progress)
        report.rows = tables.counts
        report.documents = Counter({name: lines.count for name, lines in json_files.items()})
    (directory / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    report.seconds = time.perf_counter() - started
    return report


def write_organisations(
    tables: TableWriter,
    lines: Lines,
    language: str,
    registry: TermRegistry,
    statuses: list[str],
    chunk_size: int,
) -> None:
    """Each organisation with its services in the list form, as ``/organizations/{id}``."""
    batch: list[Organisation] = []
    for organisation in organisation_queryset().order_by("pk").iterator(chunk_size):
        batch.append(organisation)
        if len(batch) == chunk_size:
            write_organisation_batch(tables, lines, batch, language, registry, statuses)
            batch = []
    write_organisation_batch(tables, lines, batch, language, registry, statuses)


def write_organisation_batch(
    tables: TableWriter,
    lines: Lines,
    batch: list[Organisation],
    language: str,
    registry: TermRegistry,
    statuses: list[str],
) -> None:
    services = organisation_services(batch, language, registry, full=False, statuses=statuses)
    for organisation in batch:
        rows = rows_of(organisation_rows, organisation, language)
        document = write_record(tables, rows, "organization", language, registry)
        document["services"] = services.get(organisation.pk, [])
        lines.write(document)


def write_services(
    tables: TableWriter,
    lines: Lines,
    services: QuerySet[SupportService],
    language: str,
    chunk_size: int,
    progress: Callable[[str], None] | None = None,
) -> None:
    registry = TermRegistry()
    for batch in service_batches(services, chunk_size):
        for service in batch:
            rows = rows_of(service_rows, service, language)
            document = write_record(tables, rows, "service", language, registry)
            document["organization"] = organisation_row(service.organisation, language)
            lines.write(document)
            if progress and lines.count % 5000 == 0:
                progress(f"{lines.count:,} services")


def usable_workers(total: int, requested: int | None) -> int:
    """How many processes can share the work on ``total`` services here (1 when only this
    one can)."""
    if (
        connection.in_atomic_block  # other processes would not see this transaction
        or (connection.vendor == "sqlite" and connection.is_in_memory_db())
        or multiprocessing.current_process().daemon  # may not have children (Celery prefork)
    ):
        return 1
    if requested is None:
        requested = settings.HSDS_EXPORT_WORKERS or min(
            os.cpu_count() or 1, MAX_WORKERS, total // SERVICES_PER_WORKER
        )
    return max(1, min(requested, total))


def part_starts(services: QuerySet[SupportService], total: int, parts: int) -> list[int]:
    """The first primary key of each of ``parts`` contiguous ranges of about equal size
    (``total``: the number of ``services``)."""
    if parts <= 1:
        return [0]
    ordered = services.order_by("pk").values_list("pk", flat=True)
    return [0] + [ordered[total * part // parts] for part in range(1, parts)]


def write_services_in_parts(
    directory: Path,
    descriptor: dict,
    tables: TableWriter,
    lines: Lines,
    statuses: list[str],
    starts: list[int],
    language: str,
    chunk_size: int,
    progress: Callable[[str], None] | None,
) -> None:
    """Each range of ``starts`` written by its own process into its part directory, then the
    parts appended to ``tables`` and ``lines`` in primary key order."""
    ranges = list(zip(starts, [*starts[1:], None], strict=True))
    part_dirs = [directory / f".part-{number}" for number in range(len(ranges))]
    for handle in [*tables.handles.values(), lines.handle]:
        handle.flush()
    pool = ProcessPoolExecutor(
        max_workers=len(ranges),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=export_worker.start,
        initargs=(dict(connection.settings_dict),),
    )
    try:
        with pool:
            futures = [
                pool.submit(
                    export_worker.write_part,
                    part_dir,
                    descriptor,
                    statuses,
                    first,
                    before,
                    language,
                    chunk_size,
                )
                for part_dir, (first, before) in zip(part_dirs, ranges, strict=True)
            ]
            results = [future.result() for future in futures]
        for part_dir, (counts, documents) in zip(part_dirs, results, strict=True):
            for path, handle in tables.handles.items():
                with open(part_dir / path, encoding="utf-8", newline="") as part:
                    shutil.copyfileobj(part, handle)
            with open(part_dir / "services.ndjson", encoding="utf-8") as part:
                shutil.copyfileobj(part, lines.handle)
            tables.counts.update(counts)
            lines.count += documents
            if progress:
                progress(f"{lines.count:,} services")
    finally:
        for part_dir in part_dirs:
            shutil.rmtree(part_dir, ignore_errors=True)


def write_part(
    part_dir: Path,
    descriptor: dict,
    statuses: list[str],
    first: int,
    before: int | None,
    language: str,
    chunk_size: int,
) -> tuple[Counter[str], int]:
    """In a worker process (``export_worker``): the services in ``statuses`` with
    ``first <= pk < before`` as header-less part files. Returns the rows per table and the
    number of services."""
    part_dir.mkdir()
    services = service_queryset().filter(status__in=statuses, pk__gte=first)
    if before is not None:
        services = services.filter(pk__lt=before)
    with ExitStack() as stack:
        tables = TableWriter(part_dir, descriptor, stack, header=False)
        lines = Lines(
            stack.enter_context(open(part_dir / "services.ndjson", "w", encoding="utf-8"))
        )
        write_services(tables, lines, services, language, chunk_size)
    connections.close_all()
    return tables.counts, lines.count


def write_record(
    tables: TableWriter,
    rows: list[tuple[str, Row]],
    root: str,
    language: str,
    registry: TermRegistry,
) -> Row:
    """Write a record's rows to the tables; return it as one nested document."""
    for table, row in rows:
        tables(table, row)
    return Nest(rows, registry, language).document(root, rows[0][1])


def write_taxonomies(
    tables: TableWriter, json_files: dict[str, Lines], language: str, registry: TermRegistry
) -> None:
    for spec in TAXONOMIES:
        document = taxonomy_document(spec, language)
        tables("taxonomy", document)
        json_files["taxonomies"].write(document)
    method_rows: dict[str, list[tuple[str, Row]]] = {}
    for method in Method.objects.order_by("slug"):
        method_rows[term_id("method", method.slug)] = rows_of(method_term_rows, method)
    for term in registry.terms:
        tables("taxonomy_term", term_document(term, language, detail=False))
        for table, row in method_rows.get(term.id, []):
            tables(table, row)
        json_files["taxonomy_terms"].write(term_document(term, language))
