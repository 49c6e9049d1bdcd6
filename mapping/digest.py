"""The coordinators' weekly digest: what happened in their counties this week.

New error reports, reviews waiting, listings that went stale, and the coverage gaps that opened
or closed since the coordinator's previous digest (its gaps are kept with it). One message per
coordinator per week (``ReminderMessage``, kind DIGEST, the week's Monday), in their language;
coordinators who opted out in their profile, or have no e-mail address, get none.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.permissions import services_in_counties
from mapping import coverage
from services.models import ErrorReport, ReminderMessage, ServiceRevision, SupportService
from services.reminders import Outcome, claim, stale_limit

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
WEEK = dt.timedelta(days=7)
# Gaps named in the message; the rest are counted.
GAPS_LISTED = 10


def week_of(now: dt.datetime) -> dt.date:
    """The Monday of ``now``'s week (Helsinki time)."""
    today = timezone.localdate(now)
    return today - dt.timedelta(days=today.weekday())


def gap_keys(counties: Iterable[str]) -> list[list[str]]:
    """The county's gaps as [municipality, tier, target group], sorted."""
    keys = set()
    for county in counties:
        try:
            found = coverage.gaps(county=county)
        except ValueError:  # no coverage computed yet, or an unknown county
            continue
        keys |= {(gap.municipality, gap.tier, gap.target_group) for gap in found}
    return [list(key) for key in sorted(keys)]


def figures(user: User, counties: frozenset[str], now: dt.datetime) -> dict[str, Any]:
    services: QuerySet = services_in_counties(SupportService.objects.all(), counties)
    in_scope = services.values("pk")
    limit = stale_limit(now)
    went_stale = (
        services.filter(status=SupportService.Status.PUBLISHED)
        .annotate(since=Coalesce("verified_at", "created_at"))
        .filter(since__lt=limit, since__gte=limit - WEEK)
    )
    return {
        "new_reports": ErrorReport.objects.filter(
            service__in=in_scope, created_at__gte=now - WEEK
        ).count(),
        "open_reports": ErrorReport.objects.open().filter(service__in=in_scope).count(),
        "reviews_waiting": ServiceRevision.objects.pending().filter(service__in=in_scope).count(),
        "went_stale": went_stale.count(),
        "gaps": gap_keys(sorted(counties)),
    }


def send_weekly_digest(*, now: dt.datetime | None = None) -> Outcome:
    from accounts.models import User

    now = now or timezone.now()
    week = week_of(now)
    outcome = Outcome()
    coordinators = (
        User.objects.filter(is_active=True, weekly_digest=True, counties__isnull=False)
        .distinct()
        .order_by("pk")
    )
    connection = get_connection()
    for user in coordinators:
        if not user.email:
            logger.warning("No weekly digest for %s: no e-mail address", user)
            outcome.without_address += 1
            continue
        message = claim(user_id=user.pk, kind=ReminderMessage.Kind.DIGEST, day=week, now=now)
        if message is None:
            outcome.skipped += 1
            continue
        counties = frozenset(user.counties.values_list("code", flat=True))
        content = figures(user, counties, now)
        previous = (
            ReminderMessage.objects.filter(
                user=user, kind=ReminderMessage.Kind.DIGEST, sent_at__isnull=False, day__lt=week
            )
            .order_by("-day")
            .values_list("content", flat=True)
            .first()
        )
        try:
            email = digest_email(user=user, content=content, previous=previous)
            email.connection = connection
            email.send()
        except OSError:
            logger.exception("Could not send the weekly digest to %s", user.email)
            message.delete()
            outcome.failed += 1
            continue
        message.content = content
        message.sent_at = timezone.now()
        message.save(update_fields=["content", "sent_at"])
        outcome.sent += 1
    return outcome


def digest_email(
    *, user: User, content: dict[str, Any], previous: dict[str, Any] | None
) -> EmailMessage:
    current = {tuple(key) for key in content["gaps"]}
    before = {tuple(key) for key in previous["gaps"]} if previous and "gaps" in previous else None
    opened = sorted(current - before) if before is not None else []
    closed = sorted(before - current) if before is not None else []
    with translation.override(user.language or settings.LANGUAGE_CODE):
        site = settings.SITE_URL.rstrip("/")
        names = _labels({key for pair in (opened, closed) for key in pair})
        context = {
            "user": user,
            "content": content,
            "first": before is None,
            "gaps_now": len(current),
            "opened": [names[key] for key in opened[:GAPS_LISTED]],
            "opened_count": len(opened),
            "closed": [names[key] for key in closed[:GAPS_LISTED]],
            "closed_count": len(closed),
            "queue_url": site + reverse("services:queue"),
            "gaps_url": site + reverse("mapping:gaps"),
            "profile_url": site + reverse("accounts:profile"),
        }
        subject = render_to_string("emails/weekly_digest_subject.txt", context).strip()
        body = render_to_string("emails/weekly_digest.txt", context)
    return EmailMessage(subject, body, to=[user.email])


def _labels(keys: set[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """ "Mikkeli: specialist services, fathers" for (municipality, tier, group)."""
    from services.models import Municipality, TargetGroup, Tier

    municipalities = {
        m.code: str(m) for m in Municipality.objects.filter(code__in={k[0] for k in keys})
    }
    tiers = {t.code: str(t) for t in Tier.objects.filter(code__in={k[1] for k in keys})}
    groups = {g.code: str(g) for g in TargetGroup.objects.filter(code__in={k[2] for k in keys})}
    return {
        key: f"{municipalities.get(key[0], key[0])}: {tiers.get(key[1], key[1])}, "
        f"{groups.get(key[2], key[2])}"
        for key in keys
    }
