"""Worker processes of the HSDS export (``services.hsds.export``).

They are spawned, each a fresh interpreter: forking a process that runs threads (a web server,
a test runner) can copy a lock some thread holds and hang. This module imports nothing of
Django at import time, so a new process can load it before Django is set up.
"""

from __future__ import annotations

from collections import Counter
from typing import Any


def start(database: dict[str, Any]) -> None:
    """Set up Django and read the database the exporting process reads (``database`` is its
    connection's settings, which a test run or a command line may have changed)."""
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict.update(database)


def write_part(*args: Any) -> tuple[Counter[str], int]:
    from services.hsds.export import write_part

    return write_part(*args)
