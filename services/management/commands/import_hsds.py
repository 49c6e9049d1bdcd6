"""Import an Open Referral HSDS 3.0 catalogue: JSON documents or a CSV data package."""

from __future__ import annotations

from services.importers.cli import ImportCommand


class Command(ImportCommand):
    help = (
        "Import Open Referral HSDS 3.0: JSON (service_full, organization_full, paginated lists, "
        "arrays) or a CSV data package (a directory or zip with datapackage.json). New services "
        "become drafts; running it again changes nothing."
    )
    kind = "hsds"
    file_help = "HSDS JSON files, data package directories, datapackage.json files or zip files."
