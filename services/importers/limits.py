"""How much one import may read: records per file, unpacked size of zip files, time.

The limits are settings (``IMPORT_MAX_RECORDS``, ``IMPORT_MAX_UNPACKED_BYTES``,
``IMPORT_TIME_LIMIT_SECONDS``; the upload size is checked by the import page). A file that
breaks one is refused with a message naming the limit and what to do; nothing is imported.
Sizes of zip members are read from the archive's directory before anything is unpacked
(Python's zipfile never unpacks more than a member's declared size).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from services.importers.base import ImportFileError, Where

T = TypeVar("T")


def check_unpacked_size(archive: zipfile.ZipFile, where: Where) -> None:
    """Refuse a zip file (an XLSX workbook, a data package) that would unpack to too much."""
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    size = sum(info.file_size for info in archive.infolist())
    if size > limit:
        raise ImportFileError(
            _(
                "%(file)s would unpack to %(size)s, more than the %(limit)s an import may "
                "unpack (the limit on unpacked size). Split it into smaller files, or remove "
                "what the import does not need (other sheets, images), and import again."
            )
            % {
                "file": where.file(),
                "size": filesizeformat(size),
                "limit": filesizeformat(limit),
            }
        )


def too_many_records(where: Where, part: str = "") -> ImportFileError:
    limit = settings.IMPORT_MAX_RECORDS
    name = f"{where.file()} ({part})" if part else where.file()
    return ImportFileError(
        _(
            "%(file)s holds more than %(limit)s records, the most one file may hold (the limit "
            "on records). Split it into files of at most %(limit)s records and import them one "
            "after another."
        )
        % {"file": name, "limit": f"{limit:,}".replace(",", "\u00a0")}
    )


def at_most_records(rows: Iterable[T], where: Where, part: str = "") -> Iterator[T]:
    """``rows`` as they are read, refusing the file at the first record past the limit (so a
    file of a million rows costs no more memory than one at the limit)."""
    limit = settings.IMPORT_MAX_RECORDS
    for number, row in enumerate(rows, start=1):
        if number > limit:
            raise too_many_records(where, part)
        yield row


def check_records(count: int, where: Where, part: str = "") -> None:
    if count > settings.IMPORT_MAX_RECORDS:
        raise too_many_records(where, part)


def time_limit_message() -> str:
    minutes = max(1, round(settings.IMPORT_TIME_LIMIT_SECONDS / 60))
    return _(
        "The import ran longer than %(minutes)d minutes, the longest an import may run (the "
        "time limit), and was stopped; nothing was imported. Split the file into smaller ones "
        "and import them one after another."
    ) % {"minutes": minutes}
