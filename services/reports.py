"""Error reports from visitors: received, taken, noted, closed, and the people told.

new → in progress → resolved or rejected. The listing's editors hear of a new report (its
coordinators when the organisation has no editor); a reporter who left an e-mail address hears
the outcome in the language they wrote in, and the address is erased when the report closes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.permissions import may_edit_service, service_counties
from services.models import ErrorReport, ErrorReportNote, SupportService

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
Status = ErrorReport.Status


class ReportClosedError(Exception):
    """The report was closed already (by someone else, or in another tab)."""


def may_handle(user: User, report: ErrorReport) -> bool:
    """Whoever may edit the listing may handle reports about it."""
    return may_edit_service(user, report.service)


def handlers_of(service: SupportService) -> QuerySet:
    """Who can take a report about ``service``: its organisation's editors and its
    coordinators (the administrators for a nationwide one)."""
    from django.db.models import Q

    from accounts.models import User

    counties = service_counties(service)
    people = Q(organisations=service.organisation_id)
    people |= Q(counties__in=sorted(counties)) if counties else Q(is_superuser=True)
    return User.objects.filter(people, is_active=True).distinct().order_by("username")


def receive(*, service: SupportService, text: str, reply_to: str, language: str) -> ErrorReport:
    """A visitor's report; the listing's editors are told once it is stored."""
    report = ErrorReport.objects.create(
        service=service, text=text, reply_to=reply_to.strip(), language=language
    )
    transaction.on_commit(lambda: notify_handlers(report.pk))
    return report


def take(*, user: User, report: ErrorReport) -> None:
    """The user starts working on the report (and is its assignee, unless someone is)."""
    _check(user, report)
    report.status = Status.IN_PROGRESS
    report.assignee = report.assignee or user
    report.save(update_fields=["status", "assignee"])


def assign(*, user: User, report: ErrorReport, assignee: User | None) -> None:
    _check(user, report)
    if assignee is not None and not handlers_of(report.service).filter(pk=assignee.pk).exists():
        raise PermissionDenied
    report.assignee = assignee
    if assignee is not None and report.status == Status.NEW:
        report.status = Status.IN_PROGRESS
    report.save(update_fields=["assignee", "status"])


def add_note(*, user: User, report: ErrorReport, text: str) -> ErrorReportNote:
    if not may_handle(user, report):
        raise PermissionDenied
    return ErrorReportNote.objects.create(report=report, author=user, text=text.strip())


def close(*, user: User, report: ErrorReport, status: str, outcome: str = "") -> bool:
    """Resolve or reject. The reporter, if they left an address, hears the outcome; the
    address is erased in any case. Returns whether a message was sent."""
    if status not in ErrorReport.CLOSED:
        raise ValueError(status)
    _check(user, report)
    with transaction.atomic():
        report = ErrorReport.objects.select_for_update().get(pk=report.pk)
        if not report.is_open:
            raise ReportClosedError
        address = report.reply_to
        report.status = status
        report.outcome = outcome.strip()
        report.closed_by = user
        report.closed_at = timezone.now()
        report.reply_to = ""
        report.save()
    if not address:
        return False
    return _tell_reporter(report, address)


def _check(user: User, report: ErrorReport) -> None:
    if not may_handle(user, report):
        raise PermissionDenied
    if not report.is_open:
        raise ReportClosedError


def _tell_reporter(report: ErrorReport, address: str) -> bool:
    """The outcome, in the reporter's language. The address is gone from the database by
    now; a failure to send is logged (it cannot be retried: nothing keeps the address)."""
    with translation.override(report.language):
        context = {"report": report, "service": report.service}
        subject = render_to_string("emails/report_outcome_subject.txt", context).strip()
        body = render_to_string("emails/report_outcome.txt", context)
    try:
        send_mail(subject, body, None, [address])
    except OSError:
        logger.exception("Could not send the outcome of error report %s", report.pk)
        return False
    return True


def notify_handlers(report_id: int) -> int:
    """Tell the listing's editors (else its coordinators) of a new report; returns how many
    were told. People without an e-mail address are skipped."""
    report = ErrorReport.objects.select_related("service").filter(pk=report_id).first()
    if report is None:
        return 0
    service = report.service
    people = list(handlers_of(service).filter(organisations=service.organisation_id))
    if not people:
        people = list(handlers_of(service))
    told = 0
    for person in people:
        if not person.email:
            logger.info("No e-mail address for %s: not told of report %s", person, report.pk)
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            path = reverse("services:report_detail", args=[report.pk])
            context = {
                "report": report,
                "service": service,
                "user": person,
                "link": f"{settings.SITE_URL.rstrip('/')}{path}",
            }
            subject = render_to_string("emails/report_new_subject.txt", context).strip()
            body = render_to_string("emails/report_new.txt", context)
        try:
            send_mail(subject, body, None, [person.email])
            told += 1
        except OSError:
            logger.exception("Could not tell %s of report %s", person.email, report.pk)
    return told
