"""Freshness reminders: editors hear of their stale listings, once per person per round.

A published listing not confirmed for ``STALE_AFTER_DAYS`` is stale since then (never
confirmed: since it was created). The daily round (``send_stale_reminders``, on Celery beat):

1. works out what is due: a first reminder for listings that went stale and have none, a
   second one ``SECOND_REMINDER_DAYS`` after the first; then the listing is *escalated* to its
   coordinators' queue and no more reminders go out;
2. sends each editor one message in their language listing their due listings, each with a
   signed "still accurate" link and an edit link. A message is claimed (``ReminderMessage``,
   unique per person, kind and day) before it is sent and marked once sent: a second run skips
   it; a claim left by a worker that died before sending is taken over after
   ``CLAIM_TIMEOUT``. Listings deleted meanwhile and people without an e-mail address are
   skipped and logged; nothing stops the rest of the round.
3. records the reminders per listing (``StaleReminder``) together with the message that named
   them — a listing reminded today stays in today's round, so a second run sees the same
   round, and a listing whose message never went out (a worker died first) stays due, also
   for the next day's round. Listings nobody can be told of (no editor with an address) are
   recorded at the start of the round, so that they reach the coordinators on time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from services.models import ReminderMessage, StaleReminder, SupportService

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

SECOND_REMINDER_DAYS = 30
# A claim older than this whose message was never marked sent is taken over by the next run.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
# The "still accurate" link works this long.
CONFIRM_LINK_DAYS = 45
CONFIRM_SALT = "services.reminders.still-accurate"


# Signed "still accurate" links.


class LinkError(Exception):
    """A link that is tampered with, expired, or not this person's."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired" or "wrong user"


def confirm_token(*, user: User, service: SupportService | int) -> str:
    service_id = service if isinstance(service, int) else service.pk
    return signing.dumps({"u": user.pk, "s": service_id}, salt=CONFIRM_SALT)


def read_confirm_token(token: str, *, user: User) -> int:
    """The service id of a link made for ``user``; ``LinkError`` otherwise."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=dt.timedelta(days=CONFIRM_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise LinkError("invalid")
    if data.get("u") != user.pk:
        raise LinkError("wrong user")
    return data["s"]


def confirm_url(*, user: User, service_id: int) -> str:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        path = reverse(
            "services:staff_confirm_link", args=[confirm_token(user=user, service=service_id)]
        )
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def edit_url(*, user: User, service_id: int) -> str:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        path = reverse("services:staff_service_edit", args=[service_id])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


# What is due.


def stale_limit(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.STALE_AFTER_DAYS)


def stale_published(now: dt.datetime) -> Any:
    """Published listings stale at ``now``, each with ``since`` (its last confirmation, or
    its creation when never confirmed)."""
    return (
        SupportService.objects.published()
        .annotate(since=Coalesce("verified_at", "created_at"))
        .filter(since__lt=stale_limit(now))
    )


@dataclass
class Round:
    """One day's reminders: per listing, the level of its reminder (1 or 2)."""

    day: dt.date
    levels: dict[int, int] = field(default_factory=dict)
    escalated: set[int] = field(default_factory=set)


def due(now: dt.datetime) -> Round:
    """What today's round reminds of; a fixed number of queries whatever the catalogue."""
    today = timezone.localdate(now)
    result = Round(day=today)
    stale = dict(stale_published(now).values_list("pk", "since"))
    records = {
        (service_id, since): (first, second)
        for service_id, since, first, second in StaleReminder.objects.filter(
            service__in=stale_published(now).values("pk")
        ).values_list("service_id", "since", "first_sent_on", "second_sent_on")
    }
    second_after = today - dt.timedelta(days=SECOND_REMINDER_DAYS)
    for service_id, since in stale.items():
        record = records.get((service_id, since))
        if record is None or record[0] == today:
            result.levels[service_id] = 1
        elif record[1] == today or (record[1] is None and record[0] <= second_after):
            result.levels[service_id] = 2
        elif record[1] is not None:
            result.escalated.add(service_id)
    return result


def record_round(round_: Round, now: dt.datetime, service_ids: Iterable[int] | None = None) -> None:
    """Keep the round's reminders of these listings (all of the round's when None);
    idempotent: the same day again changes nothing."""
    levels = (
        round_.levels
        if service_ids is None
        else {pk: round_.levels[pk] for pk in service_ids if pk in round_.levels}
    )
    if not levels:
        return
    stale = dict(stale_published(now).filter(pk__in=list(levels)).values_list("pk", "since"))
    with transaction.atomic():
        firsts = [
            StaleReminder(service_id=pk, since=stale[pk], first_sent_on=round_.day)
            for pk, level in levels.items()
            if level == 1 and pk in stale
        ]
        StaleReminder.objects.bulk_create(firsts, batch_size=500, ignore_conflicts=True)
        seconds = [pk for pk, level in levels.items() if level == 2 and pk in stale]
        current = Coalesce(F("service__verified_at"), F("service__created_at"))
        for start in range(0, len(seconds), 500):
            StaleReminder.objects.filter(
                service_id__in=seconds[start : start + 500],
                second_sent_on__isnull=True,
                first_sent_on__lt=round_.day,
                since=current,
            ).update(second_sent_on=round_.day)


def recipients(service_ids: Iterable[int]) -> dict[int, list[int]]:
    """Editor id → the listings (of these) of their organisations."""
    from accounts.models import User

    ids = list(service_ids)
    by_organisation: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(ids), 5000):
        for pk, organisation in SupportService.objects.filter(
            pk__in=ids[start : start + 5000]
        ).values_list("pk", "organisation_id"):
            by_organisation[organisation].append(pk)
    result: dict[int, list[int]] = defaultdict(list)
    links = User.organisations.through.objects.filter(
        organisation_id__in=list(by_organisation), user__is_active=True
    ).values_list("user_id", "organisation_id")
    for user_id, organisation in links:
        result[user_id].extend(by_organisation[organisation])
    return {user_id: sorted(set(found)) for user_id, found in result.items()}


# Sending.


@dataclass
class Outcome:
    sent: int = 0
    skipped: int = 0  # already sent in this round, or claimed by a running worker
    without_address: int = 0
    failed: int = 0


def claim(*, user_id: int, kind: str, day: dt.date, now: dt.datetime) -> ReminderMessage | None:
    """This round's message to the user, claimed for sending; None when it was sent, or is
    being sent by another worker."""
    try:
        with transaction.atomic():
            return ReminderMessage.objects.create(
                user_id=user_id, kind=kind, day=day, claimed_at=now
            )
    except IntegrityError:
        pass
    taken = ReminderMessage.objects.filter(
        user_id=user_id,
        kind=kind,
        day=day,
        sent_at__isnull=True,
        claimed_at__lt=now - CLAIM_TIMEOUT,
    ).update(claimed_at=now)
    if not taken:
        return None
    return ReminderMessage.objects.get(user_id=user_id, kind=kind, day=day)


def send_stale_reminders(
    *, now: dt.datetime | None = None, progress: Callable[[str], None] | None = None
) -> Outcome:
    """The daily round (see the module docstring)."""
    from accounts.models import User

    now = now or timezone.now()
    round_ = due(now)
    outcome = Outcome()
    by_user = recipients(round_.levels)
    users = {user.pk: user for user in User.objects.filter(pk__in=list(by_user))}
    reachable = {pk for user_id, ids in by_user.items() if users[user_id].email for pk in ids}
    record_round(round_, now, service_ids=set(round_.levels) - reachable)
    connection = get_connection()
    for user_id, service_ids in sorted(by_user.items()):
        user = users[user_id]
        if not user.email:
            logger.warning("Stale listings of %s not reminded: no e-mail address", user)
            outcome.without_address += 1
            continue
        message = claim(user_id=user_id, kind=ReminderMessage.Kind.STALE, day=round_.day, now=now)
        if message is None:
            outcome.skipped += 1
            continue
        # Read now, not at the start of the round: a listing may have been deleted meanwhile.
        listings = list(
            SupportService.objects.filter(pk__in=service_ids).only(
                "pk", "name", "name_fi", "name_sv", "name_en"
            )
        )
        listed = sorted(service.pk for service in listings)
        for gone in sorted(set(service_ids) - set(listed)):
            logger.warning("Listing %s was deleted before its reminder to %s", gone, user)
        if not listed:
            message.delete()
            continue
        try:
            email = reminder_email(user=user, services=listings, levels=round_.levels)
            email.connection = connection
            email.send()
        except OSError:
            logger.exception("Could not send the stale listings reminder to %s", user.email)
            message.delete()  # the next run tries again
            outcome.failed += 1
            continue
        with transaction.atomic():
            message.sent_at = timezone.now()
            message.content = {
                "services": listed,
                "levels": {pk: round_.levels[pk] for pk in listed},
            }
            message.save(update_fields=["sent_at", "content"])
            record_round(round_, now, service_ids=listed)
        outcome.sent += 1
        if progress:
            progress(f"sent to {user.email}")
    return outcome


def reminder_email(
    *, user: User, services: list[SupportService], levels: dict[int, int]
) -> EmailMessage:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        rows = sorted(services, key=lambda service: str(service.name).casefold())
        items = [
            {
                "service": service,
                "second": levels.get(service.pk) == 2,
                "confirm_url": confirm_url(user=user, service_id=service.pk),
                "edit_url": edit_url(user=user, service_id=service.pk),
            }
            for service in rows
        ]
        context = {
            "user": user,
            "items": items,
            "stale_days": settings.STALE_AFTER_DAYS,
            "link_days": CONFIRM_LINK_DAYS,
            "second": any(item["second"] for item in items),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        subject = render_to_string("emails/stale_reminder_subject.txt", context).strip()
        body = render_to_string("emails/stale_reminder.txt", context)
    return EmailMessage(subject, body, to=[user.email])
