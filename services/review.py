"""Editing and review: draft → pending review → published, and changes to published services.

- An editor edits a draft (or a returned one) in place: drafts are not public. Sending it for
  review makes it *pending review*; a coordinator publishes it or returns it with a reason.
- An editor's change to a **published** service is a pending revision (``ServiceRevision``
  with the proposed document): the public keeps seeing the published version until a
  coordinator approves the change.
- Coordinators (and administrators) may publish directly.
- Every save names the state it started from (``token``): someone else's save in between is a
  ``EditConflictError``, never a silent overwrite.
- Restoring an earlier version puts that version into the editor as a change of its own.

All writes of catalogue rows go through ``services.catalogue``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.permissions import (
    may_add_service_for,
    may_edit_service,
    may_review_service,
    service_counties,
    services_reviewable_by,
)
from services import catalogue
from services.catalogue import history
from services.catalogue.documents import service_document
from services.models import Organisation, ServiceRevision, SupportService

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

Status = SupportService.Status
RevisionStatus = ServiceRevision.Status


class EditConflictError(Exception):
    """Someone saved the service (or its pending change) after this edit began."""

    def __init__(self, *, document: dict[str, Any], token: str) -> None:
        super().__init__("The service was changed meanwhile.")
        self.document = document
        self.token = token


@dataclass
class WorkingState:
    """What the editor shows: the open change's document, else the service as stored."""

    document: dict[str, Any]
    token: str
    revision: ServiceRevision | None


def open_revision(service: SupportService) -> ServiceRevision | None:
    return service.revisions.open().first() if service.pk else None


def _token(service: SupportService, revision: ServiceRevision | None) -> str:
    if revision is None:
        return f"{service.version}.0.0"
    return f"{service.version}.{revision.pk}.{revision.edits}"


def working_state(service: SupportService) -> WorkingState:
    # The stored version, not the object's: a change raises it only when it finishes.
    service.version = (
        SupportService.objects.filter(pk=service.pk).values_list("version", flat=True).get()
    )
    revision = open_revision(service)
    if revision is not None and revision.kind == ServiceRevision.Kind.CHANGE:
        document = revision.document
    else:
        document = service_document(service)
    return WorkingState(document=document, token=_token(service, revision), revision=revision)


def _locked(service: SupportService) -> tuple[SupportService, ServiceRevision | None]:
    service = SupportService.objects.select_for_update().get(pk=service.pk)
    return service, open_revision(service)


# Saving.


def create_service(
    *, user: User, organisation: Organisation, document: dict[str, Any]
) -> SupportService:
    """A new service, as a draft of ``organisation``."""
    if not may_add_service_for(user, organisation):
        raise PermissionDenied
    document = {**document, "fields": {**document["fields"], "organisation": organisation.pk}}
    return catalogue.save_document(user=user, document=document)


def save_service(
    *,
    user: User,
    service: SupportService,
    document: dict[str, Any],
    token: str,
    submit: bool = False,
    publish: bool = False,
    note: str = "",
) -> SupportService:
    """Save an edit that started from ``token``.

    ``submit``: send it for review. ``publish``: publish now (coordinators only).
    Raises ``EditConflictError`` when someone saved in between, ``PermissionDenied`` when the
    user may not do this, ``catalogue.documents.DocumentError`` when the document breaks a rule.
    """
    if not may_edit_service(user, service):
        raise PermissionDenied
    if publish and not may_review_service(user, service):
        raise PermissionDenied
    # The organisation stays the service's own: moving a service to another provider is
    # a matter for administrators.
    if document["fields"].get("organisation") != service.organisation_id:
        document = {
            **document,
            "fields": {**document["fields"], "organisation": service.organisation_id},
        }
    with catalogue.change(user=user, comment=history.EDITED):
        service, revision = _locked(service)
        if token != _token(service, revision):
            current = working_state(service)
            raise EditConflictError(document=current.document, token=current.token)
        if publish:
            _apply_and_publish(user=user, service=service, document=document, revision=revision)
        elif service.status == Status.PUBLISHED:
            _propose_change(
                user=user,
                service=service,
                document=document,
                revision=revision,
                submit=submit,
                note=note,
            )
        else:
            catalogue.save_document(user=user, document=document, service=service)
            if submit:
                _submit_draft(user=user, service=service, revision=revision, note=note)
    return service


def _apply_and_publish(
    *,
    user: User,
    service: SupportService,
    document: dict[str, Any],
    revision: ServiceRevision | None,
) -> None:
    with catalogue.change(user=user, comment=history.PUBLISHED):
        catalogue.save_document(user=user, document=document, service=service)
        catalogue.publish(user=user, services=[service])
    if revision is not None:
        _close(revision, user=user, status=RevisionStatus.APPROVED)


def _propose_change(
    *,
    user: User,
    service: SupportService,
    document: dict[str, Any],
    revision: ServiceRevision | None,
    submit: bool,
    note: str,
) -> ServiceRevision:
    now = timezone.now()
    if revision is None:
        revision = ServiceRevision(
            service=service,
            kind=ServiceRevision.Kind.CHANGE,
            base_version=service.version,
            author=user,
            edits=0,
        )
    revision.document = document
    revision.edits += 1
    revision.author = user
    if note:
        revision.note = note
    if submit:
        revision.status = RevisionStatus.PENDING
        revision.submitted_at = now
        revision.reason = ""
    elif revision.status != RevisionStatus.PENDING:
        revision.status = RevisionStatus.DRAFT
    revision.save()
    if submit:
        transaction.on_commit(lambda: notify_reviewers(revision.pk))
    return revision


def _submit_draft(
    *, user: User, service: SupportService, revision: ServiceRevision | None, note: str
) -> None:
    catalogue.set_status(
        user=user, services=[service], status=Status.PENDING_REVIEW, comment=history.EDITED
    )
    if revision is not None and revision.kind == ServiceRevision.Kind.PUBLICATION:
        revision.status = RevisionStatus.PENDING
        revision.submitted_at = timezone.now()
        revision.reason = ""
        revision.author = user
        revision.edits += 1
        if note:
            revision.note = note
        revision.save()
    else:
        revision = ServiceRevision.objects.create(
            service=service,
            kind=ServiceRevision.Kind.PUBLICATION,
            status=RevisionStatus.PENDING,
            base_version=service.version,
            author=user,
            note=note,
            submitted_at=timezone.now(),
        )
    transaction.on_commit(lambda: notify_reviewers(revision.pk))


def submit(*, user: User, service: SupportService, note: str = "") -> None:
    """Send the service (a draft) or its open change for review, as it is."""
    state = working_state(service)
    save_service(
        user=user,
        service=service,
        document=state.document,
        token=state.token,
        submit=True,
        note=note,
    )


def withdraw(*, user: User, revision: ServiceRevision) -> None:
    """The editor takes back an open change (a published service stays as it is)."""
    if not may_edit_service(user, revision.service):
        raise PermissionDenied
    with catalogue.change(user=user, comment=history.RETURNED_TO_DRAFT):
        if revision.kind == ServiceRevision.Kind.PUBLICATION:
            catalogue.set_status(user=user, services=[revision.service], status=Status.DRAFT)
        _close(revision, user=None, status=RevisionStatus.WITHDRAWN)


# Reviewing.


def approve(*, user: User, revision: ServiceRevision, over_newer: bool = False) -> None:
    """Publish a draft, or apply a change to a published service.

    A change that started from an older version than the one published now would undo the
    changes made since: it is a ``EditConflictError`` unless the reviewer confirms (``over_newer``).
    """
    service = revision.service
    if not may_review_service(user, service):
        raise PermissionDenied
    with catalogue.change(user=user, comment=history.APPROVED):
        service, current = _locked(service)
        if current is None or current.pk != revision.pk or current.status != RevisionStatus.PENDING:
            raise EditConflictError(
                document=working_state(service).document, token=_token(service, current)
            )
        if revision.kind == ServiceRevision.Kind.CHANGE:
            if service.version != revision.base_version and not over_newer:
                raise EditConflictError(
                    document=service_document(service), token=_token(service, current)
                )
            catalogue.save_document(
                user=user, document=revision.document, service=service, comment=history.APPROVED
            )
        else:
            catalogue.publish(user=user, services=[service], comment=history.APPROVED)
        _close(revision, user=user, status=RevisionStatus.APPROVED)
    transaction.on_commit(lambda: notify_author(revision.pk))


def return_to_editor(*, user: User, revision: ServiceRevision, reason: str) -> None:
    """Send a request back with a reason; a draft becomes a draft again."""
    if not may_review_service(user, revision.service):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is needed")
    with catalogue.change(user=user, comment=history.RETURNED_TO_DRAFT):
        revision = ServiceRevision.objects.select_for_update().get(pk=revision.pk)
        if revision.status != RevisionStatus.PENDING:
            raise EditConflictError(document=working_state(revision.service).document, token="")
        if revision.kind == ServiceRevision.Kind.PUBLICATION:
            catalogue.set_status(user=user, services=[revision.service], status=Status.DRAFT)
        revision.status = RevisionStatus.RETURNED
        revision.reason = reason
        revision.reviewed_by = user
        revision.reviewed_at = timezone.now()
        revision.save()
    transaction.on_commit(lambda: notify_author(revision.pk))


def _close(revision: ServiceRevision, *, user: User | None, status: str) -> None:
    revision.status = status
    revision.reviewed_by = user
    revision.reviewed_at = timezone.now()
    revision.save(update_fields=["status", "reviewed_by", "reviewed_at"])


# Restoring.


def restore(*, user: User, service: SupportService, version_id: int) -> None:
    """Put an earlier version into the editor as a change of its own (reviewed like any other):
    a published service gets an unsent change, a draft is changed in place."""
    entry = history.entry(service, version_id)
    if entry is None:
        raise LookupError(version_id)
    state = working_state(service)
    document = {**entry.document, "fields": {**entry.document["fields"]}}
    # Rows that no longer exist come back as new rows.
    existing = service_document(service)
    ids = {
        key: {item["id"] for item in existing[key]}
        for key in ("locations", "contact_points", "sessions")
    }
    for key in ids:
        document[key] = [
            item if item.get("id") in ids[key] else {**item, "id": None} for item in document[key]
        ]
    with catalogue.change(
        user=user, comment=f"{history.RESTORED}:{timezone.localtime(entry.when):%Y-%m-%d %H:%M}"
    ):
        save_service(user=user, service=service, document=document, token=state.token)


# Queues.


def pending_for(user: User) -> QuerySet:
    """Review requests waiting for this reviewer, oldest first."""
    requests = ServiceRevision.objects.pending().select_related(
        "service", "author", "service__organisation"
    )
    return requests.filter(service__in=services_reviewable_by(user).values("pk"))


# E-mail.


def _send(user: User, subject_template: str, body_template: str, context: dict[str, Any]) -> None:
    if not user.email:
        logger.info("No e-mail address for %s; message %s not sent", user, body_template)
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {**context, "user": user, "site_url": settings.SITE_URL.rstrip("/")}
        subject = render_to_string(subject_template, context).strip()
        body = render_to_string(body_template, context)
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        logger.exception("Could not send %s to %s", body_template, user.email)


def notify_author(revision_id: int) -> None:
    """Tell the editor that their request was approved or returned (with the reason)."""
    revision = (
        ServiceRevision.objects.select_related("service", "author", "reviewed_by")
        .filter(pk=revision_id)
        .first()
    )
    if revision is None or revision.author is None:
        return
    with translation.override(revision.author.language or settings.LANGUAGE_CODE):
        edit_path = reverse("services:staff_service_edit", args=[revision.service_id])
    _send(
        revision.author,
        "emails/review_outcome_subject.txt",
        "emails/review_outcome.txt",
        {"revision": revision, "service": revision.service, "edit_path": edit_path},
    )


def notify_reviewers(revision_id: int) -> None:
    """Tell the service's coordinators (administrators for nationwide services) that a
    request waits for them."""
    from accounts.models import User

    revision = ServiceRevision.objects.select_related("service").filter(pk=revision_id).first()
    if revision is None:
        return
    service = revision.service
    reviewers = User.objects.filter(is_active=True).exclude(email="")
    counties = service_counties(service)
    if counties:
        reviewers = reviewers.filter(counties__in=counties).distinct()
    else:  # nationwide: the administrators review it
        reviewers = reviewers.filter(is_superuser=True)
    for reviewer in reviewers:
        if reviewer.pk == (revision.author_id or 0):
            continue
        with translation.override(reviewer.language or settings.LANGUAGE_CODE):
            review_path = reverse("services:review_detail", args=[revision.pk])
        _send(
            reviewer,
            "emails/review_waiting_subject.txt",
            "emails/review_waiting.txt",
            {"revision": revision, "service": service, "review_path": review_path},
        )
