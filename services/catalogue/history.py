"""Every change of the catalogue, kept with django-reversion.

Why django-reversion: it groups the rows of one change into one revision with its author,
time and comment (a service, its locations and hours saved together are one entry), it runs
on SQLite and PostgreSQL alike (django-pghistory needs PostgreSQL triggers), and it keeps one
table for all models instead of a shadow table per model (django-simple-history), which a
service with five kinds of related rows would need.

A service's version holds the whole service document (``documents``) in the ``catalogue``
serialization format (``serializer``); organisations and methods are kept in reversion's
plain JSON. A restore is not reversion's ``revert()``: the old document goes back through the
editor's path as a change of its own, reviewed like any other (``services.catalogue``).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import reversion
from django.utils.translation import gettext as _
from reversion.models import Version

from services.catalogue.documents import documents_for
from services.catalogue.serializer import payload
from services.models import Method, Organisation, SupportService

if TYPE_CHECKING:
    from accounts.models import User

# What a revision's comment says, as a code shown in the reader's language (``describe``);
# a detail may follow a colon ("imported:42": import run 42).
EDITED = "edited"
PUBLISHED = "published"
ARCHIVED = "archived"
RETURNED_TO_DRAFT = "drafted"
CONFIRMED = "confirmed"
APPROVED = "approved"
RESTORED = "restored"
IMPORTED = "imported"
ADMIN = "admin"
EXAMPLE = "example"
GENERATED = "generated"
DELETED = "deleted"

# Services per reversion revision when one change touches very many (an import).
REVISION_BATCH = 2000

reversion.register(SupportService, format="catalogue")
reversion.register(Organisation)
reversion.register(Method)

_prepared: contextvars.ContextVar[dict[int, dict[str, Any]] | None] = contextvars.ContextVar(
    "prepared_documents", default=None
)


def prepared_documents() -> dict[int, dict[str, Any]] | None:
    return _prepared.get()


@contextmanager
def _preparing(documents: dict[int, dict[str, Any]]) -> Iterator[None]:
    token = _prepared.set(documents)
    try:
        yield
    finally:
        _prepared.reset(token)


def record(
    *,
    user: User | None,
    comment: str,
    service_ids: Sequence[int],
    organisation_ids: Sequence[int] = (),
    method_ids: Sequence[int] = (),
) -> None:
    """Keep the current state of these rows as one revision (a few for very many services)."""
    others: list[Any] = [
        *Organisation.objects.filter(pk__in=organisation_ids),
        *Method.objects.filter(pk__in=method_ids),
    ]
    batches = [
        service_ids[start : start + REVISION_BATCH]
        for start in range(0, len(service_ids), REVISION_BATCH)
    ] or [[]]
    for number, batch in enumerate(batches):
        services = list(
            SupportService.objects.filter(pk__in=batch).only(
                "pk", "name", "name_fi", "name_sv", "name_en", "status", "verified_at"
            )
        )
        rows = [*services, *(others if number == 0 else [])]
        if not rows:
            continue
        with _preparing(documents_for(batch)):
            with reversion.create_revision(manage_manually=True, atomic=False):
                if user is not None:
                    reversion.set_user(user)
                reversion.set_comment(comment)
                for row in rows:
                    reversion.add_to_revision(row)


@dataclass
class Entry:
    """One kept version of a service."""

    version_id: int
    when: dt.datetime
    user: User | None
    comment: str
    document: dict[str, Any]
    state: dict[str, Any]


def entries(service: SupportService | int) -> list[Entry]:
    """The kept versions of a service, newest first."""
    service_id = service if isinstance(service, int) else service.pk
    versions = (
        Version.objects.get_for_object_reference(SupportService, service_id)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )
    found = []
    for version in versions:
        data = payload(version.serialized_data)
        found.append(
            Entry(
                version_id=version.pk,
                when=version.revision.date_created,
                user=version.revision.user,
                comment=version.revision.get_comment(),
                document=data["document"],
                state=data["state"],
            )
        )
    return found


def describe(comment: str) -> str:
    """A revision's comment in words."""
    code, _sep, detail = comment.partition(":")
    words = {
        EDITED: _("edited"),
        PUBLISHED: _("published"),
        ARCHIVED: _("archived"),
        RETURNED_TO_DRAFT: _("moved back to draft"),
        CONFIRMED: _("confirmed as still accurate"),
        APPROVED: _("change approved in review"),
        RESTORED: _("an earlier version restored"),
        IMPORTED: _("imported"),
        ADMIN: _("edited in the admin"),
        EXAMPLE: _("example catalogue loaded"),
        GENERATED: _("generated test data"),
        DELETED: _("deleted"),
    }
    text = words.get(code)
    if text is None:
        return comment
    return f"{text} ({detail})" if detail else str(text)


def entry(service: SupportService, version_id: int) -> Entry | None:
    for found in entries(service):
        if found.version_id == version_id:
            return found
    return None
