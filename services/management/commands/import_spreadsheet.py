"""Import services from a spreadsheet (CSV or XLSX) made from the import template."""

from __future__ import annotations

from services.importers.cli import ImportCommand


class Command(ImportCommand):
    help = (
        "Import services from a CSV or XLSX spreadsheet with one row per service (see "
        "services/data/spreadsheet_template/README.md). New services become drafts; running it "
        "again changes nothing."
    )
    kind = "spreadsheet"
    file_help = "CSV (any common delimiter and encoding) or XLSX files."
    directory_patterns = ("*.csv", "*.xlsx")
