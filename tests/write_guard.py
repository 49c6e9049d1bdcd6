"""A guard on the database: catalogue rows are written inside a catalogue change only.

``services.catalogue`` is the one write path. This guard watches every SQL statement on the
connection and fails a test when an INSERT, UPDATE or DELETE reaches a catalogue table (a
service, location, hours, contact point, session, organisation, method, or a service's link
table) while no ``catalogue.change`` is open.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from services.catalogue.changes import CATALOGUE_MODELS, current_change
from services.models import SupportService

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def catalogue_tables() -> frozenset[str]:
    tables = {model._meta.db_table for model in CATALOGUE_MODELS}
    for field in SupportService._meta.many_to_many:
        tables.add(field.remote_field.through._meta.db_table)
    return frozenset(tables)


class UnguardedWriteError(AssertionError):
    pass


@contextmanager
def catalogue_writes_guarded() -> Iterator[list[str]]:
    """Inside it, a catalogue write outside a change raises; yields the statements written."""
    tables = catalogue_tables()
    written: list[str] = []

    def guard(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        match = _WRITE.match(sql)
        if match and match.group(1) in tables:
            if current_change() is None:
                raise UnguardedWriteError(f"catalogue written outside a change: {sql[:160]}")
            written.append(match.group(1))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(guard):
        yield written
