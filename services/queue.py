"""The work queue: everything about the listings of a person's counties or organisations that
waits for someone, oldest first.

Kinds of item:

- ``review``: a draft or a change waiting for review (for reviewers: to review; for editors:
  their own, waiting);
- ``report``: an error report that is new or in progress;
- ``stale``: a published listing not confirmed for ``STALE_AFTER_DAYS``; *escalated* once its
  editors were reminded twice (``services.reminders``), *unreminded* when nobody edits it;
- ``imported``: an imported draft that nobody has sent for review yet;
- ``missing``: a published listing without a way to contact it, without a location or a
  remote channel, without opening hours, or without its Swedish name although it is offered
  in a bilingual municipality.

A fixed number of queries whatever the catalogue holds (one per kind, plus the filters').
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import services_editable_by, services_reviewable_by
from services import availability
from services.models import (
    ContactPoint,
    ErrorReport,
    Location,
    Municipality,
    OpeningHours,
    ServiceRevision,
    Source,
    StaleReminder,
    SupportService,
)
from services.reminders import stale_limit

if TYPE_CHECKING:
    from accounts.models import User

KINDS = ("review", "report", "stale", "imported", "missing")
IMPORTED_SOURCES = (Source.PTV, Source.HSDS, Source.SPREADSHEET)
LANGUAGES = ("fi", "sv", "en")


def kind_labels() -> dict[str, str]:
    return {
        "review": _("Waiting for review"),
        "report": _("Error reports"),
        "stale": _("Not confirmed for a long time"),
        "imported": _("Imported drafts"),
        "missing": _("Essentials missing"),
    }


@dataclass
class Item:
    kind: str
    since: dt.datetime
    service_id: int
    service: str
    organisation: str
    url: str
    notes: list[str] = field(default_factory=list)
    escalated: bool = False


@dataclass
class Queue:
    items: list[Item]
    counts: dict[str, int]
    escalated: int


def _name(row: dict[str, Any], prefix: str = "") -> str:
    language = translation.get_language() or "fi"
    order = [language, *(code for code in LANGUAGES if code != language)]
    return next((row[f"{prefix}name_{code}"] for code in order if row[f"{prefix}name_{code}"]), "")


def in_municipality(services: QuerySet, code: str) -> QuerySet:
    """Listings offered in a municipality: located there, or serving it or its county by name
    (nationwide ones are everywhere and would drown the rest)."""
    county = Municipality.objects.filter(code=code).values("county_id")
    # Exists, not joins: no duplicate rows to remove with DISTINCT over every column read.
    return services.filter(
        Exists(Location.objects.filter(service=OuterRef("pk"), municipality=code))
        | Exists(
            SupportService.area_municipalities.through.objects.filter(
                supportservice=OuterRef("pk"), municipality=code
            )
        )
        | Exists(
            SupportService.area_counties.through.objects.filter(
                supportservice=OuterRef("pk"), wellbeingservicescounty__in=county
            )
        )
    )


def scope(user: User, *, municipality: str = "", organisation: int | None = None) -> QuerySet:
    services = services_editable_by(user)
    if municipality:
        services = in_municipality(services, municipality)
    if organisation:
        services = services.filter(organisation=organisation)
    return services


def _service_columns(prefix: str = "") -> list[str]:
    return [
        f"{prefix}pk" if not prefix else f"{prefix}id",
        *(f"{prefix}name_{code}" for code in LANGUAGES),
        *(f"{prefix}organisation__name_{code}" for code in LANGUAGES),
    ]


def queue_for(
    user: User,
    *,
    kinds: tuple[str, ...] = KINDS,
    municipality: str = "",
    organisation: int | None = None,
    now: dt.datetime | None = None,
) -> Queue:
    now = now or timezone.now()
    services = scope(user, municipality=municipality, organisation=organisation)
    in_scope = services.values("pk")
    found: list[Item] = []

    def item(kind: str, since: dt.datetime, row: dict, url: str, prefix: str = "") -> Item:
        service_id = row[f"{prefix}id"] if prefix else row["pk"]
        return Item(
            kind=kind,
            since=since,
            service_id=service_id,
            service=_name(row, prefix),
            organisation=_name(row, f"{prefix}organisation__"),
            url=url,
        )

    if "review" in kinds:
        reviewer_scope = services_reviewable_by(user).values("pk")
        requests = ServiceRevision.objects.pending().filter(service__in=in_scope)
        for row in requests.annotate(
            may_review=Exists(reviewer_scope.filter(pk=OuterRef("service_id")))
        ).values("pk", "kind", "submitted_at", "may_review", *_service_columns("service__")):
            target = (
                reverse("services:review_detail", args=[row["pk"]])
                if row["may_review"]
                else reverse("services:staff_service_edit", args=[row["service__id"]])
            )
            entry = item("review", row["submitted_at"], row, target, "service__")
            entry.notes.append(
                _("new service") if row["kind"] == ServiceRevision.Kind.PUBLICATION else _("change")
            )
            found.append(entry)

    if "report" in kinds:
        reports = ErrorReport.objects.open().filter(service__in=in_scope)
        for row in reports.values(
            "pk", "created_at", "status", "assignee__username", *_service_columns("service__")
        ):
            entry = item(
                "report",
                row["created_at"],
                row,
                reverse("services:report_detail", args=[row["pk"]]),
                "service__",
            )
            entry.notes.append(str(ErrorReport.Status(row["status"]).label))
            if row["assignee__username"]:
                entry.notes.append(_("assigned to %(name)s") % {"name": row["assignee__username"]})
            found.append(entry)

    escalated = 0
    if "stale" in kinds:
        from accounts.models import User as UserModel

        reminders = StaleReminder.objects.filter(service=OuterRef("pk"), since=OuterRef("since"))
        stale = (
            services.filter(status=SupportService.Status.PUBLISHED)
            .annotate(since=Coalesce("verified_at", "created_at"))
            .filter(since__lt=stale_limit(now))
            .annotate(
                reminded=Exists(reminders.filter(second_sent_on__isnull=True)),
                escalated=Exists(reminders.filter(second_sent_on__isnull=False)),
                # As the reminders see it: an editor who left (inactive) reminds nobody.
                has_editor=Exists(
                    UserModel.organisations.through.objects.filter(
                        organisation=OuterRef("organisation"), user__is_active=True
                    )
                ),
            )
        )
        for row in stale.values(
            "since", "verified_at", "reminded", "escalated", "has_editor", *_service_columns()
        ):
            entry = item(
                "stale",
                row["since"],
                row,
                reverse("services:staff_service_edit", args=[row["pk"]]),
            )
            if row["escalated"]:
                entry.escalated = True
                escalated += 1
                entry.notes.append(_("escalated: reminded twice, still not confirmed"))
            elif row["reminded"]:
                entry.notes.append(_("its editors were reminded"))
            if not row["has_editor"]:
                entry.notes.append(_("the organisation has no editor to remind"))
            if row["verified_at"] is None:
                entry.notes.append(_("never confirmed"))
            found.append(entry)

    if "imported" in kinds:
        drafts = services.filter(status=SupportService.Status.DRAFT, source__in=IMPORTED_SOURCES)
        for row in drafts.values("created_at", "source", *_service_columns()):
            entry = item(
                "imported",
                row["created_at"],
                row,
                reverse("services:staff_service_edit", args=[row["pk"]]),
            )
            entry.notes.append(str(Source(row["source"]).label))
            found.append(entry)

    if "missing" in kinds:
        for row in _missing(services).values(
            "updated_at",
            "no_contact",
            "no_place",
            "no_hours",
            "no_swedish",
            *_service_columns(),
        ):
            entry = item(
                "missing",
                row["updated_at"],
                row,
                reverse("services:staff_service_edit", args=[row["pk"]]),
            )
            for key, text in (
                ("no_contact", _("no way to contact")),
                ("no_place", _("no location and no remote channel")),
                ("no_hours", _("no opening hours")),
                ("no_swedish", _("no Swedish name, although offered in a bilingual municipality")),
            ):
                if row[key]:
                    entry.notes.append(text)
            found.append(entry)

    found.sort(key=lambda entry: (entry.since, entry.kind, entry.service_id))
    counts = Counter(entry.kind for entry in found)
    return Queue(
        items=found, counts={kind: counts.get(kind, 0) for kind in KINDS}, escalated=escalated
    )


def _missing(services: QuerySet) -> QuerySet:
    """Published listings lacking an essential, each flag annotated."""
    contacts = ContactPoint.objects.filter(service=OuterRef("pk"))
    locations = Location.objects.filter(service=OuterRef("pk"))
    remote = SupportService.channels.through.objects.filter(
        Q(supportservice=OuterRef("pk")) & availability.reaches_everywhere_q()
    )
    hours = OpeningHours.objects.filter(
        Q(location__service=OuterRef("pk")) | Q(contact_point__service=OuterRef("pk"))
    )
    bilingual = Municipality.objects.filter(is_bilingual=True)
    offered_bilingually = (
        Q(is_nationwide=True)
        | Exists(
            SupportService.area_municipalities.through.objects.filter(
                supportservice=OuterRef("pk"), municipality__in=bilingual
            )
        )
        | Exists(
            SupportService.area_counties.through.objects.filter(
                supportservice=OuterRef("pk"),
                wellbeingservicescounty__in=bilingual.values("county_id"),
            )
        )
        | Exists(locations.filter(municipality__in=bilingual))
    )
    no_swedish = Q(name_sv__isnull=True) | Q(name_sv="")
    annotated = services.filter(status=SupportService.Status.PUBLISHED).annotate(
        no_contact=~Exists(contacts),
        no_place=~Exists(locations) & ~Exists(remote),
        no_hours=~Exists(hours),
        no_swedish=offered_bilingually & no_swedish,
    )
    return annotated.filter(
        Q(no_contact=True) | Q(no_place=True) | Q(no_hours=True) | Q(no_swedish=True)
    )
