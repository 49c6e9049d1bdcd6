"""Writing imported records: an idempotent upsert by (source, external id), in bulk.

Services are written in chunks. For each chunk the stored services, their links and their
locations and contact points are read with a fixed number of queries; each record is compared
with what is stored, validated (``full_clean()`` without the database round trips: the
foreign keys and codes come from the reference look-ups, and the database constraints still
guard every write) and only what differs is written. A second run of the same import
therefore writes nothing and reports nothing created or updated.

Rules an import keeps:
- A new service is a draft; the status of a stored service is never changed.
- ``ServiceData.initial`` (tier, guesses a source cannot state) is used only when creating.
- Relations follow their mode (``SET``, ``ADD``, ``ON_CREATE``, see ``base``).
- Locations are paired by their external id among the service's locations from the same
  source (locations entered by hand are left alone); contact points by kind and value.
  Hours and exceptions of a location or contact point are replaced when they differ.
- Every write goes through the import's ``Change`` (``services.catalogue``), which keeps the
  history and tells search and coverage.
- An import for counties (``counties``) rejects services outside them: nationwide ones, and
  ones neither served nor located there (``accounts.permissions.services_in_counties``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from services.catalogue import Change
from services.catalogue.changes import link_table
from services.importers.base import (
    ADD,
    LANGUAGES,
    ON_CREATE,
    SET,
    ContactData,
    ExceptionData,
    Hours,
    LocationData,
    MethodData,
    OrganisationData,
    Progress,
    RecordError,
    Report,
    ServiceData,
    SessionData,
    format_validation_error,
)
from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    Method,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    SupportService,
)

CHUNK = 500
T = TypeVar("T")

SERVICE_FK_FIELDS = ["organisation", "tier", "verified_by"]


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def same(stored: Any, wanted: Any) -> bool:
    """Empty text and None are the same; everything else compares as is."""
    if stored in (None, "") and wanted in (None, ""):
        return True
    return stored == wanted


def with_base_fields(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """``names`` plus the untranslated column of every translated field among them, which
    modeltranslation fills from the Finnish text (with fallback) when saving."""
    result = set(names)
    concrete = {f.name for f in model._meta.concrete_fields}
    for name in names:
        base, _, language = name.rpartition("_")
        if language in LANGUAGES and base in concrete:
            result.add(base)
    return sorted(result)


@dataclass
class Owned:
    """Hours and exceptions stored for one location or contact point."""

    hours: list[Hours] = field(default_factory=list)
    exceptions: list[tuple] = field(default_factory=list)


@dataclass
class ChildPlan:
    create: list[tuple[models.Model, Any]] = field(default_factory=list)
    update: list[tuple[models.Model, set[str]]] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)
    # Owners whose hours / exceptions are replaced (existing ones: delete the old first).
    hours: list[tuple[models.Model, Any, bool]] = field(default_factory=list)
    exceptions: list[tuple[models.Model, Any, bool]] = field(default_factory=list)
    # Locations by external id (stored and new), for the sessions held at them.
    by_external_id: dict[str, models.Model] = field(default_factory=dict)


@dataclass
class SessionPlan:
    create: list[tuple[GroupSession, SessionData]] = field(default_factory=list)
    update: list[tuple[GroupSession, SessionData, set[str]]] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)


@dataclass
class ServicePlan:
    data: ServiceData
    service: SupportService
    creating: bool
    changed: set[str]
    add_links: list[tuple[str, Any]] = field(default_factory=list)
    remove_links: list[tuple[str, int]] = field(default_factory=list)
    locations: ChildPlan = field(default_factory=ChildPlan)
    contacts: ChildPlan = field(default_factory=ChildPlan)
    sessions: SessionPlan = field(default_factory=SessionPlan)

    @property
    def status(self) -> str:
        if self.creating:
            return "created"
        children = (self.locations, self.contacts)
        sessions = self.sessions
        if (
            self.changed
            or self.add_links
            or self.remove_links
            or any(c.create or c.update or c.delete or c.hours or c.exceptions for c in children)
            or sessions.create
            or sessions.update
            or sessions.delete
        ):
            return "updated"
        return "unchanged"


class Writer:
    """Writes one import's records; call inside the import's transaction, with Finnish active
    (modeltranslation fills the untranslated columns from the active language)."""

    def __init__(
        self,
        *,
        work: Change,
        report: Report,
        language: str,
        progress: Progress,
        counties: frozenset[str] | None = None,
    ) -> None:
        self.work = work
        self.counties = counties
        self._county_of: dict[str, str] | None = None
        self.report = report
        self.language = language
        self.progress = progress
        self.organisations: dict[tuple[str, str], int] = {}
        self.method_ids: dict[str, int] | None = None
        self.valid: set[tuple] = set()
        self.changed_services: set[int] = set()
        self.now = timezone.now()

    # Validation, with messages in the language of the person importing.

    def validate(self, obj: models.Model, exclude: list[str]) -> None:
        if translation.get_language() != self.language:
            with translation.override(self.language):
                self.validate(obj, exclude)
            return
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise RecordError(format_validation_error(error)) from None

    def validate_once(self, key: tuple, obj: models.Model, exclude: list[str]) -> None:
        """Validate a record unless one with the same values passed already (a channel's
        phone or hours shared by many services)."""
        if key not in self.valid:
            self.validate(obj, exclude)
            self.valid.add(key)

    def reject(self, where: str, error: RecordError) -> None:
        self.report.reject(where, str(error))

    # Methods: by slug, few per import.

    def write_methods(self, records: list[MethodData]) -> None:
        stored = {m.slug: m for m in Method.objects.filter(slug__in=[r.slug for r in records])}
        for record in records:
            method = stored.get(record.slug)
            creating = method is None
            if creating:
                method = Method(slug=record.slug, **record.fields)
                changed = set(record.fields)
            else:
                changed = {
                    name
                    for name, value in record.fields.items()
                    if not same(getattr(method, name), value)
                }
                for name in changed:
                    setattr(method, name, record.fields[name])
            if not changed and not creating:
                self.report.count("methods", "unchanged")
                continue
            try:
                self.validate(method, [])
            except RecordError as error:
                self.reject(record.where, error)
                continue
            self.work.save(method)
            self.report.count("methods", "created" if creating else "updated")

    def method_id(self, slug: str) -> int | None:
        if self.method_ids is None:
            self.method_ids = dict(Method.objects.values_list("slug", "pk"))
        return self.method_ids.get(slug)

    # Organisations: few per import, written one by one.

    def write_organisations(self, records: list[OrganisationData]) -> None:
        if not records:
            return
        stored: dict[tuple[str, str], Organisation] = {}
        by_source: dict[str, list[str]] = defaultdict(list)
        for record in records:
            by_source[record.source].append(record.external_id)
        for source, ids in by_source.items():
            for part in chunks(ids):
                for organisation in Organisation.objects.filter(
                    source=source, external_id__in=part
                ):
                    stored[(organisation.source, organisation.external_id)] = organisation
        business_ids = dict(
            Organisation.objects.exclude(business_id="").values_list("business_id", "pk")
        )
        by_business_id = {}
        wanted = {r.business_id for r in records if r.business_id and r.key not in stored}
        if wanted:
            by_business_id = {
                o.business_id: o for o in Organisation.objects.filter(business_id__in=wanted)
            }
        uuids = {r.uuid for r in records if r.uuid}
        taken_uuids = set(
            Organisation.objects.filter(uuid__in=uuids).values_list("uuid", flat=True)
        )
        parents: list[tuple[Organisation, OrganisationData]] = []
        for record in records:
            if record.key in self.organisations:
                continue
            obj = stored.get(record.key)
            if obj is None and record.business_id in by_business_id:
                # The same provider entered by hand or from another source: link to it and
                # leave it as it is.
                obj = by_business_id[record.business_id]
                self.organisations[record.key] = obj.pk
                self.report.count("organisations", "unchanged")
                continue
            creating = obj is None
            if creating:
                obj = Organisation(
                    source=record.source,
                    external_id=record.external_id,
                    **{**record.initial, **record.fields},
                )
                if record.uuid and record.uuid not in taken_uuids:
                    obj.uuid = record.uuid
                    taken_uuids.add(record.uuid)
                changed = set(record.fields)
            else:
                changed = {
                    name
                    for name, value in record.fields.items()
                    if not same(getattr(obj, name), value)
                }
                for name in changed:
                    setattr(obj, name, record.fields[name])
            if record.business_id and record.business_id != obj.business_id:
                owner = business_ids.get(record.business_id)
                if owner is None or owner == obj.pk:
                    obj.business_id = record.business_id
                    changed.add("business_id")
                else:
                    with translation.override(self.language):
                        self.report.warn(
                            record.where,
                            _("Another organisation already has the business ID %(id)s.")
                            % {"id": record.business_id},
                        )
            if creating or changed:
                try:
                    self.validate(obj, ["parent"])
                except RecordError as error:
                    self.reject(record.where, error)
                    continue
                self.work.save(obj)
                if obj.business_id:
                    business_ids[obj.business_id] = obj.pk
            self.organisations[record.key] = obj.pk
            stored[record.key] = obj
            self.report.count(
                "organisations", "created" if creating else ("updated" if changed else "unchanged")
            )
            if record.parent is not None:
                parents.append((obj, record))
        self.write_parents(parents)

    def write_parents(self, children: list[tuple[Organisation, OrganisationData]]) -> None:
        """Link organisations to their parents once all of the import's are stored."""
        keys = {record.parent for _, record in children if record.parent not in self.organisations}
        stored = {}
        by_source: dict[str, list[str]] = defaultdict(list)
        for source, external_id in keys:
            by_source[source].append(external_id)
        for source, ids in by_source.items():
            for part in chunks(ids):
                stored.update(
                    {
                        (source, external_id): pk
                        for pk, external_id in Organisation.objects.filter(
                            source=source, external_id__in=part
                        ).values_list("pk", "external_id")
                    }
                )
        for obj, record in children:
            parent = self.organisations.get(record.parent) or stored.get(record.parent)
            if parent is None:
                with translation.override(self.language):
                    self.report.warn(
                        record.where,
                        _("Its parent organisation %(id)s is not in the catalogue.")
                        % {"id": record.parent[1]},
                    )
                continue
            if parent != obj.pk and obj.parent_id != parent:
                obj.parent_id = parent
                self.work.save(obj, update_fields=["parent", "updated_at"])

    # Services.

    def resolve_organisations(self, records: list[ServiceData]) -> None:
        """Organisations the services name that are not in the import: stored ones."""
        missing: dict[str, set[str]] = defaultdict(set)
        for record in records:
            key = record.organisation
            if isinstance(key, tuple) and key not in self.organisations:
                missing[key[0]].add(key[1])
        for source, ids in missing.items():
            for part in chunks(sorted(ids)):
                for pk, external_id in Organisation.objects.filter(
                    source=source, external_id__in=part
                ).values_list("pk", "external_id"):
                    self.organisations[(source, external_id)] = pk

    def organisation_id(self, data: ServiceData) -> int:
        if isinstance(data.organisation, int):
            return data.organisation
        if data.organisation is not None and data.organisation in self.organisations:
            return self.organisations[data.organisation]
        with translation.override(self.language):
            raise RecordError(_("Its provider could not be imported (see the provider's row)."))

    def write_services(self, records: list[ServiceData]) -> None:
        self.resolve_organisations(records)
        total = len(records)
        done = 0
        self.progress("writing", 0, total)
        for part in chunks(records):
            self.write_chunk(part)
            done += len(part)
            self.progress("writing", done, total)

    def write_chunk(self, records: Sequence[ServiceData]) -> None:
        query = Q()
        by_source: dict[str, list[str]] = defaultdict(list)
        for record in records:
            by_source[record.source].append(record.external_id)
        for source, ids in by_source.items():
            query |= Q(source=source, external_id__in=ids)
        stored = {(s.source, s.external_id): s for s in SupportService.objects.filter(query)}
        stored_ids = [s.pk for s in stored.values()]
        links = self.stored_links(stored_ids, records)
        uuids = {r.uuid for r in records if r.uuid and (r.source, r.external_id) not in stored}
        taken_uuids = set(
            SupportService.objects.filter(uuid__in=uuids).values_list("uuid", flat=True)
        )
        with_children = [
            stored[(r.source, r.external_id)]
            for r in records
            if (r.source, r.external_id) in stored
            and (r.locations is not None or r.contacts is not None)
        ]
        locations, contacts, owned_by_location, owned_by_contact = self.stored_children(
            with_children
        )
        sessions = self.stored_sessions(
            [
                stored[(r.source, r.external_id)].pk
                for r in records
                if r.sessions is not None and (r.source, r.external_id) in stored
            ]
        )
        session_uuids = {s.uuid for r in records for s in (r.sessions or []) if s.uuid}
        taken_session_uuids = set(
            GroupSession.objects.filter(uuid__in=session_uuids).values_list("uuid", flat=True)
        )
        new_location_uuids = {
            location.uuid for r in records for location in (r.locations or []) if location.uuid
        }
        taken_location_uuids = set(
            Location.objects.filter(uuid__in=new_location_uuids).values_list("uuid", flat=True)
        )

        # Planning validates, and validation messages are in the language of the report.
        with translation.override(self.language):
            plans = self.plan_chunk(
                records,
                stored,
                links,
                taken_uuids,
                (locations, contacts, owned_by_location, owned_by_contact),
                (sessions, taken_session_uuids, taken_location_uuids),
            )
        self.execute(plans)

    def plan_chunk(
        self,
        records: Sequence[ServiceData],
        stored: dict[tuple[str, str], SupportService],
        links: dict[str, dict[int, dict[Any, int]]],
        taken_uuids: set[uuid.UUID],
        children: tuple[dict, dict, dict, dict],
        sessions_and_uuids: tuple[dict, set, set],
    ) -> list[ServicePlan]:
        locations, contacts, owned_by_location, owned_by_contact = children
        sessions, taken_session_uuids, taken_location_uuids = sessions_and_uuids
        plans = []
        in_scope = self.stored_in_scope([service.pk for service in stored.values()])
        for record in records:
            try:
                self.check_scope(record, stored.get((record.source, record.external_id)), in_scope)
                plan = self.plan_service(
                    record, stored.get((record.source, record.external_id)), links, taken_uuids
                )
                service_pk = plan.service.pk
                if record.locations is not None:
                    plan.locations = self.plan_locations(
                        record,
                        plan.service,
                        locations.get(service_pk, []),
                        owned_by_location,
                        taken_location_uuids,
                    )
                if record.contacts is not None:
                    plan.contacts = self.plan_contacts(
                        record, plan.service, contacts.get(service_pk, []), owned_by_contact
                    )
                if record.sessions is not None:
                    plan.sessions = self.plan_sessions(
                        record,
                        plan.service,
                        sessions.get(service_pk, []),
                        taken_session_uuids,
                        plan.locations.by_external_id,
                    )
            except RecordError as error:
                self.reject(record.where, error)
                continue
            if plan.creating and plan.service.uuid in taken_uuids:
                plan.service.uuid = uuid.uuid4()
            taken_uuids.add(plan.service.uuid)
            plans.append(plan)
        return plans

    def stored_in_scope(self, service_ids: list[int]) -> set[int]:
        """Of these stored services, those in the import's counties (all without a limit)."""
        if self.counties is None or not service_ids:
            return set(service_ids)
        from accounts.permissions import services_in_counties

        stored = SupportService.objects.filter(pk__in=service_ids)
        return set(services_in_counties(stored, self.counties).values_list("pk", flat=True))

    def check_scope(
        self, record: ServiceData, stored: SupportService | None, in_scope: set[int]
    ) -> None:
        """Reject a service outside the import's counties, as stored and as imported."""
        if self.counties is None:
            return
        if self._county_of is None:
            self._county_of = dict(Municipality.objects.values_list("code", "county_id"))
        county_of = self._county_of
        inside = stored is None or stored.pk in in_scope
        if record.fields.get("is_nationwide"):
            inside = False
        elif inside:
            counties = set(record.relations.get("area_counties", ("", set()))[1])
            counties |= {
                county_of.get(code)
                for code in record.relations.get("area_municipalities", ("", set()))[1]
            }
            counties |= {
                county_of.get(location.fields.get("municipality_id"))
                for location in record.locations or []
            }
            if stored is not None and not counties:
                return  # the import leaves its area alone; the stored one is in scope
            inside = bool(counties & self.counties)
        if not inside:
            with translation.override(self.language):
                raise RecordError(
                    _(
                        "The service is not offered in the wellbeing services counties this "
                        "import is for (%(counties)s); nationwide services and services of "
                        "other counties are imported by an administrator."
                    )
                    % {"counties": ", ".join(sorted(self.counties))}
                )

    def stored_links(
        self, service_ids: list[int], records: Sequence[ServiceData]
    ) -> dict[str, dict[int, dict[Any, int]]]:
        """For each relation the records mention: service pk → {linked key: through-row pk}."""
        names = {name for record in records for name in record.relations}
        result: dict[str, dict[int, dict[Any, int]]] = {}
        for name in sorted(names):
            through, own, other = link_table(name)
            rows: dict[int, dict[Any, int]] = defaultdict(dict)
            if service_ids:
                for pk, service_id, key in through.objects.filter(
                    **{f"{own}__in": service_ids}
                ).values_list("pk", own, other):
                    rows[service_id][key] = pk
            result[name] = rows
        return result

    def plan_service(
        self,
        record: ServiceData,
        service: SupportService | None,
        links: dict[str, dict[int, dict[Any, int]]],
        taken_uuids: set[uuid.UUID],
    ) -> ServicePlan:
        fields = dict(record.fields)
        if record.organisation is not None or service is None:
            fields["organisation_id"] = self.organisation_id(record)
        if service is None:
            service = SupportService(
                **{
                    "source": record.source,
                    "external_id": record.external_id,
                    "status": SupportService.Status.DRAFT,
                    **record.initial,
                    **fields,
                },
            )
            if record.uuid and record.uuid not in taken_uuids:
                service.uuid = record.uuid
            plan = ServicePlan(record, service, creating=True, changed=set(fields))
        else:
            changed = {
                name for name, value in fields.items() if not same(getattr(service, name), value)
            }
            for name in changed:
                setattr(service, name, fields[name])
            plan = ServicePlan(record, service, creating=False, changed=changed)
        if plan.creating or plan.changed:
            self.validate(service, SERVICE_FK_FIELDS)
        for name, (mode, keys) in record.relations.items():
            if name == "methods":
                keys = {pk for slug in keys if (pk := self.method_id(slug)) is not None}
            if plan.creating:
                plan.add_links.extend((name, key) for key in sorted(keys, key=str))
                continue
            if mode == ON_CREATE:
                continue
            stored = links[name].get(service.pk, {})
            plan.add_links.extend((name, key) for key in sorted(keys - stored.keys(), key=str))
            if mode == SET:
                plan.remove_links.extend(
                    (name, pk) for key, pk in stored.items() if key not in keys
                )
            else:
                assert mode == ADD
        return plan

    def stored_children(
        self, services: list[SupportService]
    ) -> tuple[
        dict[int, list[Location]],
        dict[int, list[ContactPoint]],
        dict[int, Owned],
        dict[int, Owned],
    ]:
        locations: dict[int, list[Location]] = defaultdict(list)
        contacts: dict[int, list[ContactPoint]] = defaultdict(list)
        if not services:
            return locations, contacts, {}, {}
        ids = [s.pk for s in services]
        source_of = {s.pk: s.source for s in services}
        for location in Location.objects.filter(service_id__in=ids).order_by("pk"):
            # Locations from another source (entered by hand, say) are not the import's.
            if location.source == source_of[location.service_id]:
                locations[location.service_id].append(location)
        for contact in ContactPoint.objects.filter(service_id__in=ids).order_by("order", "pk"):
            contacts[contact.service_id].append(contact)
        location_ids = [loc.pk for group in locations.values() for loc in group]
        contact_ids = [c.pk for group in contacts.values() for c in group]
        return (
            locations,
            contacts,
            stored_owned("location", location_ids),
            stored_owned("contact_point", contact_ids),
        )

    def plan_locations(
        self,
        record: ServiceData,
        service: SupportService,
        stored: list[Location],
        owned: dict[int, Owned],
        taken_uuids: set[uuid.UUID],
    ) -> ChildPlan:
        plan = ChildPlan()
        by_id = {location.external_id: location for location in stored}
        seen = set()
        for data in record.locations or []:
            if data.external_id in seen:
                continue
            seen.add(data.external_id)
            location = by_id.get(data.external_id)
            if location is None:
                location = Location(
                    **{
                        "service": service,
                        "source": record.source,
                        "external_id": data.external_id,
                        **data.fields,
                    },
                )
                if data.uuid and data.uuid not in taken_uuids:
                    location.uuid = data.uuid
                taken_uuids.add(location.uuid)
                self.validate(location, ["service", "municipality"])
                self.validate_owned(data)
                plan.create.append((location, data))
                plan.hours.append((location, data, False))
                plan.exceptions.append((location, data, False))
                plan.by_external_id[data.external_id] = location
                continue
            plan.by_external_id[data.external_id] = location
            changed = {
                name
                for name, value in data.fields.items()
                if not same(getattr(location, name), value)
            }
            for name in changed:
                setattr(location, name, data.fields[name])
            if changed:
                self.validate(location, ["service", "municipality"])
                plan.update.append((location, changed))
            self.plan_owned(plan, location, data, owned.get(location.pk, Owned()))
        if record.prune_locations:
            plan.delete.extend(loc.pk for loc in stored if loc.external_id not in seen)
        for location in stored:
            plan.by_external_id.setdefault(location.external_id, location)
        return plan

    def plan_contacts(
        self,
        record: ServiceData,
        service: SupportService,
        stored: list[ContactPoint],
        owned: dict[int, Owned],
    ) -> ChildPlan:
        plan = ChildPlan()
        by_key: dict[tuple[str, str], ContactPoint] = {}
        for contact in stored:
            by_key.setdefault((contact.kind, contact.value), contact)
        seen: set[tuple[str, str]] = set()
        for data in record.contacts or []:
            if data.key() in seen:
                continue
            fields = {"order": len(seen), **data.fields}
            seen.add(data.key())
            contact = by_key.get(data.key())
            if contact is None:
                contact = ContactPoint(
                    **{"service": service, "kind": data.kind, "value": data.value, **fields},
                )
                self.validate_once(contact_key(data, fields), contact, ["service"])
                self.validate_owned(data)
                plan.create.append((contact, data))
                plan.hours.append((contact, data, False))
                plan.exceptions.append((contact, data, False))
                continue
            changed = {
                name for name, value in fields.items() if not same(getattr(contact, name), value)
            }
            for name in changed:
                setattr(contact, name, fields[name])
            if changed:
                self.validate_once(contact_key(data, fields), contact, ["service"])
                plan.update.append((contact, changed))
            self.plan_owned(plan, contact, data, owned.get(contact.pk, Owned()))
        if record.prune_contacts:
            plan.delete.extend(c.pk for c in stored if (c.kind, c.value) not in seen)
        return plan

    def validate_owned(self, data: LocationData | ContactData) -> None:
        for weekday, opens, closes in data.hours:
            self.validate_once(
                ("hours", weekday, opens, closes),
                OpeningHours(weekday=weekday, opens=opens, closes=closes),
                [],
            )
        for exception in data.exceptions:
            self.validate_once(
                ("exception", *exception.key()), exception_row(None, None, exception), []
            )

    def plan_owned(
        self, plan: ChildPlan, owner: models.Model, data: LocationData | ContactData, stored: Owned
    ) -> None:
        self.validate_owned(data)
        if sorted(set(data.hours)) != sorted(set(stored.hours)):
            plan.hours.append((owner, data, True))
        if sorted({e.key() for e in data.exceptions}) != sorted(set(stored.exceptions)):
            plan.exceptions.append((owner, data, True))

    def stored_sessions(self, service_ids: list[int]) -> dict[int, list[GroupSession]]:
        sessions: dict[int, list[GroupSession]] = defaultdict(list)
        for part in chunks(service_ids):
            for session in GroupSession.objects.filter(service_id__in=part).order_by("pk"):
                sessions[session.service_id].append(session)
        return sessions

    def plan_sessions(
        self,
        record: ServiceData,
        service: SupportService,
        stored: list[GroupSession],
        taken_uuids: set[uuid.UUID],
        locations: dict[str, models.Model],
    ) -> SessionPlan:
        plan = SessionPlan()
        by_uuid = {session.uuid: session for session in stored}
        by_time = {(session.starts_at, session.ends_at): session for session in stored}
        kept = set()
        for data in record.sessions or []:
            session = (by_uuid.get(data.uuid) if data.uuid else None) or by_time.get(
                (data.fields["starts_at"], data.fields["ends_at"])
            )
            if session is None or session.pk in kept:
                session = GroupSession(**{"service": service, **data.fields})
                if data.uuid and data.uuid not in taken_uuids:
                    session.uuid = data.uuid
                taken_uuids.add(session.uuid)
                plan.create.append((session, data))
                continue
            kept.add(session.pk)
            changed = {
                name
                for name, value in data.fields.items()
                if not same(getattr(session, name), value)
            }
            location = locations.get(data.location) if data.location else None
            if (location.pk if location is not None else None) != session.location_id or (
                location is not None and location.pk is None
            ):
                changed.add("location_id")
            if changed:
                plan.update.append((session, data, changed))
        plan.delete = [session.pk for session in stored if session.pk not in kept]
        return plan

    def write_sessions(self, plans: list[ServicePlan]) -> None:
        """Sessions last: they may be held at locations created in the same chunk."""
        created, updated, deleted = [], [], []
        fields: set[str] = set()
        for plan in plans:
            sessions = plan.sessions
            deleted.extend(sessions.delete)
            locations = plan.locations.by_external_id
            for session, data, changed in [
                *((s, d, None) for s, d in sessions.create),
                *sessions.update,
            ]:
                location = locations.get(data.location) if data.location else None
                location_id = location.pk if location is not None else None
                for name in changed or ():
                    if name != "location_id":
                        setattr(session, name, data.fields[name])
                session.location_id = location_id
                try:
                    self.validate(session, ["service", "location", "language"])
                except RecordError as error:
                    with translation.override(self.language):
                        self.report.warn(
                            plan.data.where,
                            _("A group session was left out: %(error)s") % {"error": error},
                        )
                    continue
                if changed is None:
                    created.append(session)
                else:
                    fields |= changed
                    updated.append(session)
        for part in chunks(deleted):
            self.work.delete_rows(GroupSession.objects.filter(pk__in=part))
        self.work.bulk_create(
            GroupSession, created, services=[s.service_id for s in created], batch_size=CHUNK
        )
        if updated:
            for session in updated:
                session.updated_at = self.now
            self.work.bulk_update(
                GroupSession,
                updated,
                with_base_fields(GroupSession, fields | {"updated_at"}),
                services=[s.service_id for s in updated],
                batch_size=CHUNK,
            )
        self.report.count("group sessions", "created", len(created))
        self.report.count("group sessions", "updated", len(updated))
        self.report.count("group sessions", "deleted", len(deleted))

    # Writing the plans of one chunk.

    def execute(self, plans: list[ServicePlan]) -> None:
        new = [plan.service for plan in plans if plan.creating]
        self.work.bulk_create(SupportService, new, batch_size=None)
        changed = [plan for plan in plans if not plan.creating and plan.changed]
        if changed:
            names = set().union(*(plan.changed for plan in changed))
            for plan in changed:
                plan.service.updated_at = self.now
            self.work.bulk_update(
                SupportService,
                [plan.service for plan in changed],
                with_base_fields(SupportService, names | {"updated_at"}),
                batch_size=None,
            )
        self.write_links(plans)
        self.write_children(plans, "locations", Location, "location")
        self.write_children(plans, "contacts", ContactPoint, "contact_point")
        self.write_sessions(plans)
        for plan in plans:
            status = plan.status
            self.report.count("services", status)
            if status != "unchanged":
                self.changed_services.add(plan.service.pk)
                self.work.edit([plan.service.pk])
        touched = [
            plan.service
            for plan in plans
            if not plan.creating and plan.status == "updated" and not plan.changed
        ]
        if touched:
            for service in touched:
                service.updated_at = self.now
            self.work.bulk_update(SupportService, touched, ["updated_at"], batch_size=None)

    def write_links(self, plans: list[ServicePlan]) -> None:
        added: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        removed: dict[str, list[int]] = defaultdict(list)
        for plan in plans:
            for name, key in plan.add_links:
                added[name].append((plan.service.pk, key))
            for name, pk in plan.remove_links:
                removed[name].append(pk)
        for name, pks in removed.items():
            through = link_table(name)[0]
            for part in chunks(pks):
                self.work.delete_links(name, through.objects.filter(pk__in=part))
        for name, rows in added.items():
            self.work.insert_links(name, rows)

    def write_children(
        self, plans: list[ServicePlan], attribute: str, model: type[models.Model], owner: str
    ) -> None:
        children = [getattr(plan, attribute) for plan in plans]
        label = "locations" if model is Location else "contact points"
        deleted = [pk for child in children for pk in child.delete]
        for part in chunks(deleted):
            self.work.delete_rows(model.objects.filter(pk__in=part))
        self.report.count(label, "deleted", len(deleted))
        created = [obj for child in children for obj, _ in child.create]
        self.work.bulk_create(
            model, created, services=[obj.service_id for obj in created], batch_size=CHUNK
        )
        self.report.count(label, "created", len(created))
        updates = [(obj, names) for child in children for obj, names in child.update]
        if updates:
            names = set().union(*(names for _, names in updates))
            if any(f.name == "updated_at" for f in model._meta.fields):
                names.add("updated_at")
                for obj, _ in updates:
                    obj.updated_at = self.now
            self.work.bulk_update(
                model,
                [obj for obj, _ in updates],
                with_base_fields(model, names),
                services=[obj.service_id for obj, _ in updates],
                batch_size=CHUNK,
            )
        updated = {obj.pk for obj, _ in updates}
        replaced_hours = [(obj, data, old) for child in children for obj, data, old in child.hours]
        replaced_exceptions = [
            (obj, data, old) for child in children for obj, data, old in child.exceptions
        ]
        stale_hours = [obj.pk for obj, _, old in replaced_hours if old]
        stale_exceptions = [obj.pk for obj, _, old in replaced_exceptions if old]
        for part in chunks(stale_hours):
            self.work.delete_rows(
                OpeningHours.objects.filter(**{f"{owner}_id__in": part}),
                services=[obj.service_id for obj, _, old in replaced_hours if old],
            )
        for part in chunks(stale_exceptions):
            self.work.delete_rows(
                OpeningHoursException.objects.filter(**{f"{owner}_id__in": part}),
                services=[obj.service_id for obj, _, old in replaced_exceptions if old],
            )
        self.work.bulk_create(
            OpeningHours,
            [
                OpeningHours(**{owner: obj}, weekday=day, opens=opens, closes=closes)
                for obj, data, _ in replaced_hours
                for day, opens, closes in sorted(set(data.hours))
            ],
            services=[obj.service_id for obj, _, _ in replaced_hours],
            batch_size=CHUNK,
        )
        self.work.bulk_create(
            OpeningHoursException,
            [
                exception_row(owner, obj, exception)
                for obj, data, _ in replaced_exceptions
                for exception in data.exceptions
            ],
            services=[obj.service_id for obj, _, _ in replaced_exceptions],
            batch_size=CHUNK,
        )
        updated |= set(stale_hours) | set(stale_exceptions)
        self.report.count(label, "updated", len(updated))


def contact_key(data: ContactData, fields: dict[str, Any]) -> tuple:
    return ("contact", data.kind, data.value, *sorted(fields.items()))


def stored_owned(owner: str, ids: list[int]) -> dict[int, Owned]:
    owned: dict[int, Owned] = defaultdict(Owned)
    for part in chunks(ids):
        for owner_id, weekday, opens, closes in OpeningHours.objects.filter(
            **{f"{owner}_id__in": part}
        ).values_list(f"{owner}_id", "weekday", "opens", "closes"):
            owned[owner_id].hours.append((weekday, opens, closes))
        notes = [f"note_{language}" for language in LANGUAGES]
        for owner_id, *values in OpeningHoursException.objects.filter(
            **{f"{owner}_id__in": part}
        ).values_list(f"{owner}_id", "start_date", "end_date", "opens", "closes", *notes):
            owned[owner_id].exceptions.append((*values[:4], *(value or "" for value in values[4:])))
    return owned


def exception_row(
    owner: str | None, obj: models.Model | None, exception: ExceptionData
) -> OpeningHoursException:
    values: dict[str, Any] = {
        "start_date": exception.start_date,
        "end_date": exception.end_date,
        "opens": exception.opens,
        "closes": exception.closes,
        **{
            f"note_{language}": exception.note.get(f"note_{language}")
            or ("" if language == "fi" else None)
            for language in LANGUAGES
        },
    }
    if owner:
        values[owner] = obj
    return OpeningHoursException(**values)
