"""Import services, service channels and organisations from Suomi.fi PTV (open API v11 JSON)."""

from __future__ import annotations

from services.importers.cli import ImportCommand


class Command(ImportCommand):
    help = (
        "Import Suomi.fi Service Catalogue (PTV) open API v11 JSON: services, service channels "
        "and organisations, as single records, list pages (itemList) or arrays. New services "
        "become drafts; running it again changes nothing."
    )
    kind = "ptv"
    file_help = (
        "PTV JSON files (e.g. one per list page); services and channels are matched across them."
    )
    directory_patterns = ("*.json",)
