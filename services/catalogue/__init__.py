"""The catalogue's one write path.

Everything that creates, changes, publishes, archives or deletes services, locations, opening
hours, contact points, group sessions, organisations or methods goes through this package: the
staff editor and review, the Django admin (``services.admin.CatalogueAdminMixin``), the
importers' writer, the example catalogue loader and the generator. Each function takes the
acting user (None for loaders and scripts) and runs as one ``change`` (``changes``): it knows
which services the write touches, keeps their history and, after the commit, tells the search
index and the coverage mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from services.catalogue.changes import Change, catalogue_changed, change, current_change
from services.catalogue.documents import apply_document
from services.catalogue.history import ARCHIVED, CONFIRMED, DELETED, EDITED, PUBLISHED
from services.models import SupportService

if TYPE_CHECKING:
    import datetime as dt

    from accounts.models import User

__all__ = [
    "Change",
    "archive",
    "catalogue_changed",
    "change",
    "confirm_accurate",
    "current_change",
    "delete",
    "delete_services",
    "publish",
    "save",
    "save_document",
    "set_status",
]


def _ids(services: Iterable[SupportService | int] | QuerySet) -> list[int]:
    """Ids now, before any update: a filtered queryset may match nothing afterwards."""
    if isinstance(services, QuerySet):
        return list(services.values_list("pk", flat=True))
    return [service if isinstance(service, int) else service.pk for service in services]


def save(*, user: User | None, obj: models.Model, comment: str = EDITED) -> models.Model:
    """Create or change one row of the catalogue (a provider, a method, a location ...)."""
    with change(user=user, comment=comment) as work:
        work.save(obj)
    return obj


def delete(*, user: User | None, obj: models.Model, comment: str = DELETED) -> None:
    with change(user=user, comment=comment) as work:
        work.delete(obj)


def save_document(
    *,
    user: User | None,
    document: dict[str, Any],
    service: SupportService | None = None,
    comment: str = EDITED,
) -> SupportService:
    """Make a service (a new one when ``service`` is None) match a service document."""
    with change(user=user, comment=comment) as work:
        return apply_document(work, document=document, service=service)


def set_status(
    *,
    user: User | None,
    services: Iterable[SupportService | int] | QuerySet,
    status: str,
    comment: str = "",
) -> int:
    """Move services to ``status``; returns how many changed."""
    ids = _ids(services)
    with change(user=user, comment=comment) as work:
        rows = SupportService.objects.filter(pk__in=ids).exclude(status=status)
        return work.update_rows(rows, content=False, status=status)


def publish(
    *, user: User | None, services: Iterable[SupportService | int] | QuerySet, comment: str = ""
) -> int:
    return set_status(
        user=user,
        services=services,
        status=SupportService.Status.PUBLISHED,
        comment=comment or PUBLISHED,
    )


def archive(
    *, user: User | None, services: Iterable[SupportService | int] | QuerySet, comment: str = ""
) -> int:
    return set_status(
        user=user,
        services=services,
        status=SupportService.Status.ARCHIVED,
        comment=comment or ARCHIVED,
    )


def delete_services(
    *, user: User | None, services: Iterable[SupportService | int] | QuerySet, comment: str = ""
) -> int:
    ids = _ids(services)
    with change(user=user, comment=comment or DELETED) as work:
        for service in SupportService.objects.filter(pk__in=ids):
            work.delete(service)
    return len(ids)


def confirm_accurate(
    *,
    user: User,
    services: Iterable[SupportService | int] | QuerySet,
    when: dt.datetime | None = None,
    comment: str = "",
) -> int:
    """A person confirms the listings are still accurate: the only way ``verified_at`` is set."""
    ids = _ids(services)
    with change(user=user, comment=comment or CONFIRMED) as work:
        rows = SupportService.objects.filter(pk__in=ids)
        return work.update_rows(
            rows, content=False, verified_at=when or timezone.now(), verified_by=user
        )
