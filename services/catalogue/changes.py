"""A change to the catalogue: the one place catalogue rows are written.

Every write of a service, location, opening hours, contact point, group session, organisation
or evidence-based method happens inside ``change(user=...)`` and through the methods of the
``Change`` it yields. The change works out which services each write affects — the service
itself; both services when a location moves; a provider's or a method's services when their
names change — and, when the outermost change finishes:

1. raises ``SupportService.version`` of every service whose own rows changed (the editor's
   check against lost updates) and records their history (``services.catalogue.history``:
   who, when, what, with the related rows);
2. once the transaction commits, tells the search index and the coverage mapping
   (``settings.CATALOGUE_CHANGE_HANDLERS``; a rolled-back change tells nobody, and a failing
   handler is logged and never undoes the change).

Changes nest: a ``change()`` inside another joins it, so one admin save of a service with its
inlines is one change, one history entry and one notification.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    Method,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    SupportService,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# The models whose rows only a Change writes.
CATALOGUE_MODELS: tuple[type[models.Model], ...] = (
    SupportService,
    Location,
    OpeningHours,
    OpeningHoursException,
    ContactPoint,
    GroupSession,
    Organisation,
    Method,
)
# Rows that belong to one service (their service's version and history change with them).
SERVICE_ROWS = (Location, ContactPoint, GroupSession)
OWNED_BY_LOCATION_OR_CONTACT = (OpeningHours, OpeningHoursException)

_current: contextvars.ContextVar[Change | None] = contextvars.ContextVar(
    "catalogue_change", default=None
)


def current_change() -> Change | None:
    """The change being made in this context, if any (the tests' write guard asks)."""
    return _current.get()


@dataclass
class Change:
    """One unit of catalogue work by one person (``user``; None for loaders and scripts)."""

    user: User | None
    comment: str = ""
    history: bool = True
    # Services whose own rows changed: new version, history entry.
    edited: set[int] = field(default_factory=set)
    # Services whose state changed but not their content (status, confirmation): history only.
    noted: set[int] = field(default_factory=set)
    # Services whose search entries or coverage may differ (edited ones included).
    affected: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)
    methods: set[int] = field(default_factory=set)

    # Marking what a write touches.

    def edit(self, service_ids: Iterable[int | None]) -> None:
        ids = {pk for pk in service_ids if pk is not None}
        self.edited |= ids
        self.affected |= ids

    def affect(self, service_ids: Iterable[int | None]) -> None:
        self.affected |= {pk for pk in service_ids if pk is not None}

    def _touch(self, obj: models.Model) -> None:
        """Mark the services ``obj``'s row belongs to, or shows in (a provider's, a method's)."""
        if isinstance(obj, SupportService):
            self.edit([obj.pk])
        elif isinstance(obj, SERVICE_ROWS):
            self.edit([obj.service_id])
        elif isinstance(obj, OWNED_BY_LOCATION_OR_CONTACT):
            self.edit(
                _owner_services(location_ids=[obj.location_id], contact_ids=[obj.contact_point_id])
            )
        elif isinstance(obj, Organisation) and obj.pk:
            self.organisations.add(obj.pk)
            self.affect(
                SupportService.objects.filter(organisation=obj.pk).values_list("pk", flat=True)
            )
        elif isinstance(obj, Method) and obj.pk:
            self.methods.add(obj.pk)
            self.affect(
                Method.services.through.objects.filter(method=obj.pk).values_list(
                    "supportservice_id", flat=True
                )
            )

    # Writing rows.

    def save(self, obj: models.Model, *, update_fields: Sequence[str] | None = None) -> None:
        """Save one row (create or update)."""
        _check_model(type(obj))
        if isinstance(obj, SERVICE_ROWS) and obj.pk:  # the service it may be moving away from
            self.edit(type(obj).objects.filter(pk=obj.pk).values_list("service_id", flat=True))
        obj.save(update_fields=update_fields)
        self._touch(obj)

    def save_m2m(self, form: Any) -> None:
        """Save a model form's many-to-many fields (its object is saved already)."""
        _check_model(type(form.instance))
        form.save_m2m()
        self._touch(form.instance)

    def save_formset(self, formset: Any) -> None:
        """Save an inline formset: new and changed rows, and the rows marked for deletion."""
        for obj in formset.save(commit=False):
            self.save(obj)
        for obj in formset.deleted_objects:
            self.delete(obj)
        formset.save_m2m()

    def delete(self, obj: models.Model) -> None:
        _check_model(type(obj))
        self._touch(obj)
        obj.delete()

    def delete_rows(
        self, queryset: QuerySet, *, services: Iterable[int | None] | None = None
    ) -> int:
        """Delete the rows of ``queryset`` (one statement per table where Django can).

        ``services``: the services the rows belong to, when the caller knows them (no look-up).
        """
        model = queryset.model
        _check_model(model)
        if services is None:
            self._touch_rows(model, queryset)
        else:
            self.edit(services)
        deleted, _by_model = queryset.delete()
        return deleted

    def update_rows(self, queryset: QuerySet, *, content: bool = True, **values: Any) -> int:
        """``queryset.update(**values)``, with ``updated_at`` set where the model has it.

        ``content=False``: the values are not part of what an editor edits (a service's status,
        its confirmation), so an editor's open form stays valid: history, no new version.
        """
        model = queryset.model
        _check_model(model)
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            values.setdefault("updated_at", timezone.now())
        if content or model is not SupportService:
            self._touch_rows(model, queryset)
        else:
            ids = set(queryset.values_list("pk", flat=True))
            self.noted |= ids
            self.affect(ids)
        return queryset.update(**values)

    def set_links(self, obj: models.Model, name: str, values: Iterable[Any]) -> None:
        """Set a many-to-many field (``service.channels`` ...)."""
        _check_model(type(obj))
        getattr(obj, name).set(list(values))
        self._touch(obj)

    def bulk_create(
        self,
        model: type[models.Model],
        objs: list[models.Model],
        *,
        services: Iterable[int | None] = (),
        batch_size: int | None = 500,
    ) -> list[models.Model]:
        """Insert many rows; ``services`` are the services they belong to (the caller knows them
        without another query)."""
        _check_model(model)
        created = model._default_manager.bulk_create(objs, batch_size=batch_size)
        if model is SupportService:
            self.edit(obj.pk for obj in created)
        self.edit(services)
        return created

    def bulk_update(
        self,
        model: type[models.Model],
        objs: Sequence[models.Model],
        fields: Sequence[str],
        *,
        services: Iterable[int | None] = (),
        batch_size: int | None = 500,
    ) -> int:
        _check_model(model)
        if model is SupportService:
            self.edit(obj.pk for obj in objs)
        elif model is Organisation:
            for obj in objs:
                self._touch(obj)
        self.edit(services)
        return model._default_manager.bulk_update(objs, fields, batch_size=batch_size)

    def insert_links(self, name: str, rows: Sequence[tuple[int, Any]]) -> None:
        """Link services to terms: (service id, key) rows of the many-to-many field ``name``.

        A plain INSERT: link rows have no fields, signals or validation of their own, and a
        model instance for each of the hundreds of thousands a national import makes would
        cost more than the rest of writing them.
        """
        through, own, other = link_table(name)
        quote = connection.ops.quote_name
        columns = [quote(through._meta.get_field(field).column) for field in (own, other)]
        sql = (
            f"INSERT INTO {quote(through._meta.db_table)} ({columns[0]}, {columns[1]}) "
            "VALUES (%s, %s)"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[start : start + 5000])
        self.edit(service_id for service_id, _key in rows)

    def delete_links(self, name: str, rows: QuerySet) -> None:
        """Remove rows of the many-to-many field ``name`` (a queryset of its through model)."""
        through, own, _other = link_table(name)
        if rows.model is not through:
            raise TypeError(f"{rows.model.__name__} is not the link table of {name}")
        self.edit(rows.values_list(own, flat=True))
        rows.delete()

    def raw_delete(self, model: type[models.Model], sql: str, params: Sequence[Any]) -> None:
        """One raw DELETE on a catalogue table, for bulk removals Django's collector would load
        into memory first. The caller has marked the affected services."""
        _check_model(model)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _touch_rows(self, model: type[models.Model], queryset: QuerySet) -> None:
        if model is SupportService:
            self.edit(queryset.values_list("pk", flat=True))
        elif model in SERVICE_ROWS:
            self.edit(queryset.values_list("service_id", flat=True))
        elif model in OWNED_BY_LOCATION_OR_CONTACT:
            rows = list(queryset.values_list("location_id", "contact_point_id"))
            self.edit(
                _owner_services(
                    location_ids=[row[0] for row in rows], contact_ids=[row[1] for row in rows]
                )
            )
        elif model is Organisation:
            for pk in queryset.values_list("pk", flat=True):
                self.organisations.add(pk)
            self.affect(
                SupportService.objects.filter(organisation__in=queryset.values("pk")).values_list(
                    "pk", flat=True
                )
            )
        elif model is Method:
            self.methods |= set(queryset.values_list("pk", flat=True))
            self.affect(
                Method.services.through.objects.filter(
                    method__in=queryset.values("pk")
                ).values_list("supportservice_id", flat=True)
            )

    # Finishing.

    def finish(self) -> None:
        """Versions and history now; the search index and coverage after the commit."""
        edited = sorted(self.edited)
        for start in range(0, len(edited), 900):
            SupportService.objects.filter(pk__in=edited[start : start + 900]).update(
                version=F("version") + 1
            )
        if self.history and (self.edited or self.noted or self.organisations or self.methods):
            from services.catalogue import history

            history.record(
                user=self.user,
                comment=self.comment,
                service_ids=sorted(self.edited | self.noted),
                organisation_ids=sorted(self.organisations),
                method_ids=sorted(self.methods),
            )
        catalogue_changed(service_ids=self.affected)


def _owner_services(
    *, location_ids: Iterable[int | None], contact_ids: Iterable[int | None]
) -> list[int]:
    locations = {pk for pk in location_ids if pk is not None}
    contacts = {pk for pk in contact_ids if pk is not None}
    ids: list[int] = []
    if locations:
        ids += Location.objects.filter(pk__in=locations).values_list("service_id", flat=True)
    if contacts:
        ids += ContactPoint.objects.filter(pk__in=contacts).values_list("service_id", flat=True)
    return ids


def link_table(name: str) -> tuple[type[models.Model], str, str]:
    """The through model of a many-to-many field of SupportService and its two id columns."""
    relation = SupportService._meta.get_field(name)
    return relation.remote_field.through, relation.m2m_column_name(), relation.m2m_reverse_name()


def _check_model(model: type[models.Model]) -> None:
    if not issubclass(model, CATALOGUE_MODELS):
        raise TypeError(f"{model.__name__} is not a catalogue model")


@contextmanager
def change(*, user: User | None, comment: str = "", history: bool = True) -> Iterator[Change]:
    """A unit of catalogue work, in one transaction; nested calls join the outermost one."""
    outer = _current.get()
    if outer is not None:
        with transaction.atomic():
            yield outer
        return
    work = Change(
        user=user if user and user.is_authenticated else None, comment=comment, history=history
    )
    token = _current.set(work)
    try:
        with transaction.atomic():
            yield work
            if not transaction.get_rollback():  # a dry run rolls back: nothing to record
                work.finish()
    finally:
        _current.reset(token)


# Telling the rest of the product.


def catalogue_changed(*, service_ids: Iterable[int]) -> None:
    """Queue the change handlers for these services once the current transaction commits.

    ``settings.CATALOGUE_CHANGE_HANDLERS`` lists dotted paths of functions
    ``handler(*, service_ids: list[int]) -> None``: ``services.search_index.catalogue_changed``
    (reindexes at once) and ``mapping.tasks.catalogue_changed`` (queues a recomputation).
    The catalogue does not import them: nothing in ``services`` depends on ``mapping``.
    """
    ids = sorted(set(service_ids))
    if not ids:
        return
    for path in settings.CATALOGUE_CHANGE_HANDLERS:
        transaction.on_commit(lambda path=path: _run_handler(path, ids), robust=True)


def _run_handler(path: str, service_ids: list[int]) -> None:
    try:
        import_string(path)(service_ids=service_ids)
    except Exception:
        logger.exception("Catalogue change handler %s failed for services %s", path, service_ids)
