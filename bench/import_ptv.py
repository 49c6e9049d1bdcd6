"""PTV import speed: 20,000 services from PTV open API list pages, with a baseline.

    ./dev bench import_ptv [--services 20000] [--page-size 1000] [--database-url URL]

1. Prepares a fresh scratch database (SQLite in /tmp by default; any ``--database-url``):
   migrates and loads the reference data.
2. Writes PTV v11 list pages (``itemList``, ``--page-size`` records a page, as the PTV API
   returns them) made from the real sample service and service-location channel in
   ``tests/data/ptv/``: ids, names and summaries (the real names of
   ``ptv_services_auroraai_2022_turku_oulu_mikkeli_national.csv``), areas, service classes,
   target groups and providers vary deterministically; every other service has a service
   location (address, ETRS-TM35FIN coordinates, accessibility sentences, hours, two phones,
   an e-mail and a web page) and every fifth a phone channel with its hours.
3. Imports all pages in one run (``run_import``, the same code as ``import_ptv``), then again
   (nothing changes: idempotent). Target: the first import under 2 minutes. The catalogue
   change handlers the import calls after its commit (search index, coverage; a background
   task in production) are timed apart.
4. Baseline, measured in the same run: a plain ``bulk_create`` of the same 20,000 services
   (names, summaries, provider, tier, status; no validation, relations or locations) into the
   emptied tables. The ratio says what validation, upsert, relations, channels and the
   report cost on top of writing the rows.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "ptv"
DEFAULT_DATABASE = "sqlite:////tmp/perhekeskus-bench-import-ptv.sqlite3"
TARGET_S = 120.0
NAMESPACE = uuid.UUID("0b7e8a52-61f4-4d4c-a9b3-4f1c2d5e6a70")
SERVICE_CLASSES = ["P3", "P3.1", "P3.2", "P3.5", "P3.6", "P3.7", "P4.6", "P6.2", "P4", "P1.1"]
TARGET_GROUPS = ["KR1.2", "KR1", "KR1.3", "KR1.6", "KR3"]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--page-size", type=int, default=1_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args()


def prepare(database_url: str) -> None:
    if database_url.startswith("sqlite:///"):
        database = database_url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    print("Preparing the scratch database …", flush=True)
    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_reference_data", verbosity=0)


def real_names() -> list[tuple[str, str]]:
    path = DATA / "ptv_services_auroraai_2022_turku_oulu_mikkeli_national.csv"
    with path.open(encoding="utf-8") as handle:
        return [(row["name_fi"], row["summary_fi"]) for row in csv.DictReader(handle)]


def synthesise(count: int, page_size: int, directory: Path) -> int:
    """Write the list pages; return the number of channels written."""
    from services.models import Municipality

    sample = next(iter(json.loads((DATA / "ptv_example_service.json").read_text()).values()))
    location = json.loads((DATA / "ptv_example_service_location_channel.json").read_text())
    municipalities = sorted(Municipality.objects.values_list("code", flat=True))
    names = real_names()
    organisations = [str(uuid.uuid5(NAMESPACE, f"organisation-{n}")) for n in range(300)]
    services, channels = [], []
    for number in range(count):
        service = copy.deepcopy(sample)
        service_id = str(uuid.uuid5(NAMESPACE, f"service-{number}"))
        name, summary = names[number % len(names)]
        service["id"] = service_id
        service["serviceNames"] = [
            {"language": "fi", "value": f"{name} {number}", "type": "Name"},
            {"language": "sv", "value": f"Tjänst {number}", "type": "Name"},
        ]
        for description in service["serviceDescriptions"]:
            if description["type"] == "Summary":
                description["value"] = summary
        if number % 10 == 0:
            service["areaType"], service["areas"] = "Nationwide", []
        else:
            codes = [municipalities[(number * 7 + k) % len(municipalities)] for k in range(3)]
            service["areas"][0]["municipalities"] = [{"code": code} for code in codes]
        service["serviceClasses"] = [
            dict(service["serviceClasses"][0], code=SERVICE_CLASSES[number % 10], uri=None)
        ]
        service["targetGroups"] = [
            dict(service["targetGroups"][0], code=TARGET_GROUPS[number % len(TARGET_GROUPS)])
        ]
        organisation = organisations[number % len(organisations)]
        for link in service["organizations"]:
            link["organization"] = {"id": organisation, "name": f"Kunta {number % 300}"}
        links = []
        if number % 2 == 0:
            channel = copy.deepcopy(location)
            channel["id"] = str(uuid.uuid5(NAMESPACE, f"location-{number}"))
            channel["services"] = [{"service": {"id": service_id}}]
            # The sample (an adult-education campus) lists seven e-mail addresses and four web
            # pages; a family service point has one of each.
            channel["emails"] = channel["emails"][:1]
            channel["webPages"] = channel["webPages"][:1]
            street = channel["addresses"][0]["streetAddress"]
            street["streetNumber"] = str(1 + number % 90)
            street["latitude"] = str(6_700_000 + (number * 37) % 700_000)
            street["longitude"] = str(250_000 + (number * 53) % 400_000)
            channels.append(channel)
            links.append(channel["id"])
        if number % 5 == 0:
            phone_id = str(uuid.uuid5(NAMESPACE, f"phone-{number}"))
            channels.append(
                {
                    "id": phone_id,
                    "serviceChannelType": "Phone",
                    "serviceChannelNames": [{"language": "fi", "value": name, "type": "Name"}],
                    "phoneNumbers": [
                        {
                            "number": f"040{number:07d}",
                            "prefixNumber": "+358",
                            "language": "fi",
                            "serviceChargeType": "Chargeable",
                        }
                    ],
                    "serviceHours": location["serviceHours"],
                    "services": [{"service": {"id": service_id}}],
                }
            )
            links.append(phone_id)
        service["serviceChannels"] = [{"serviceChannel": {"id": link}} for link in links]
        services.append(service)
    pages = [services[n : n + page_size] for n in range(0, len(services), page_size)]
    pages += [channels[n : n + page_size] for n in range(0, len(channels), page_size)]
    for number, page in enumerate(pages, start=1):
        document = {"pageNumber": number, "pageCount": len(pages), "itemList": page}
        (directory / f"page-{number:03d}.json").write_text(json.dumps(document))
    return len(channels)


class Phases:
    """Seconds spent reading the files and writing the records, from the progress reports."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.reading_done: float | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "writing" and self.reading_done is None:
            self.reading_done = time.perf_counter()


def run(directory: Path) -> tuple[float, float, Any]:
    """Import the pages with the catalogue change handlers off (they are timed apart):
    (seconds in all, of which reading, report)."""
    from django.test import override_settings

    from services.importers import ImportFile, run_import

    files = [ImportFile.from_path(path) for path in sorted(directory.glob("page-*.json"))]
    phases = Phases()
    with override_settings(CATALOGUE_CHANGE_HANDLERS=[]):
        report = run_import(kind="ptv", files=files, language="en", progress=phases)
    total = time.perf_counter() - phases.started
    return total, (phases.reading_done or phases.started) - phases.started, report


def run_handlers() -> float:
    """What the import asks of the rest of the product once it commits, for every service."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from services.models import SupportService

    ids = list(SupportService.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    for path in settings.CATALOGUE_CHANGE_HANDLERS:
        import_string(path)(service_ids=ids)
    return time.perf_counter() - started


def baseline(count: int) -> float:
    """bulk_create of the same services, alone, into emptied tables; rolled back."""
    from django.db import transaction
    from django.utils import translation

    from services.importers import without_cyclic_gc
    from services.models import Organisation, Source, SupportService

    names = real_names()
    # The same conditions as the import's: one transaction, the cyclic collector paused.
    with without_cyclic_gc(), transaction.atomic(), translation.override("fi"):
        SupportService.objects.all().delete()
        organisation = Organisation.objects.create(name_fi="Kunta", kind="PUBLIC")
        started = time.perf_counter()
        SupportService.objects.bulk_create(
            [
                SupportService(
                    organisation=organisation,
                    name_fi=f"{names[n % len(names)][0]} {n}",
                    name_sv=f"Tjänst {n}",
                    summary_fi=names[n % len(names)][1][:150],
                    tier_id="UNIVERSAL_INDIVIDUAL",
                    status=SupportService.Status.DRAFT,
                    source=Source.PTV,
                    external_id=str(uuid.uuid5(NAMESPACE, f"service-{n}")),
                )
                for n in range(count)
            ],
            batch_size=500,
        )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def main() -> None:
    options = parse()
    database_url = options.database_url or DEFAULT_DATABASE
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    prepare(database_url)
    directory = Path(tempfile.mkdtemp(prefix="perhekeskus-bench-ptv-"))
    try:
        print(f"Writing {options.services:,} PTV services as list pages …", flush=True)
        channels = synthesise(options.services, options.page_size, directory)
        size = sum(path.stat().st_size for path in directory.iterdir()) / 1e6
        files = len(list(directory.iterdir()))
        print(f"  {files} pages, {channels:,} channels, {size:.0f} MB", flush=True)

        first, reading, report = run(directory)
        assert not report.failed, report.error
        created = report.total("created")
        print(
            f"First import: {first:.1f} s for {created:,} services "
            f"({created / first:,.0f} services/s; reading {reading:.1f} s, validating and "
            f"writing {first - reading:.1f} s); target under {TARGET_S:.0f} s: "
            f"{'met' if first < TARGET_S else 'NOT met'}"
        )
        for what, counts in report.counts.items():
            print(f"  {what}: {counts}")
        print(f"  rejected {report.rejected_total}, notes {report.warnings_total}")

        handlers = run_handlers()
        print(
            f"Catalogue change handlers (search index, coverage) for the {created:,} new "
            f"drafts, run after the commit: {handlers:.1f} s"
        )

        second, _reading, again = run(directory)
        print(
            f"Second import (idempotent): {second:.1f} s; created {again.total('created')}, "
            f"updated {again.total('updated')}, unchanged {again.total('unchanged'):,}"
        )

        plain = baseline(options.services)
        print(
            f"Baseline, plain bulk_create of the same {options.services:,} services: {plain:.1f} s"
        )
        print(f"Ratio import / bulk_create: {first / plain:.1f}×")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
