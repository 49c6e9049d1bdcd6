from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from services.search_index import rebuild_search_index


class Command(BaseCommand):
    help = (
        "Index every published service for the public search afresh. Catalogue changes made "
        "through the site and the imports keep the index up to date by themselves; run this "
        "after loading or changing services in other ways (scripts, a restored database)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = rebuild_search_index()
        self.stdout.write(
            f"Indexed {count:,} published services in {time.perf_counter() - started:.1f} s."
        )
