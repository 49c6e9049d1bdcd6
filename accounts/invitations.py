"""Inviting editors: a coordinator asks someone, by e-mail, to keep an organisation's services.

The e-mail holds a link with a signed token naming the invitation. The token is signed with the
time the invitation was sent (``Invitation.created_at``), so a link stops working after
``INVITATION_DAYS`` twice over: by its signature (``max_age``) and by the invitation's own expiry.
Resending sends a new link and starts the time again; a link from an e-mail older than
``INVITATION_DAYS`` stays dead even then. Cancelling deletes the invitation, so its links name
nothing. Accepting is allowed once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Invitation, User
from services.models import Organisation

_SALT = "accounts.invitation"
# Not in the token's base64 alphabet, and safe in a URL path (the token is a path segment).
_SEPARATOR = "."


class InvitationError(Exception):
    """A link that cannot be used; ``problem`` names why, for the page that says so."""

    problem = "invalid"
    status = 400


class InvalidInvitationError(InvitationError):
    """Not a link we signed: mistyped, cut short or tampered with."""


class ExpiredInvitationError(InvitationError):
    problem = "expired"
    status = 410


class UsedInvitationError(InvitationError):
    problem = "used"
    status = 410


class CancelledInvitationError(InvitationError):
    problem = "cancelled"
    status = 410


class _SentAtSigner(signing.TimestampSigner):
    """Signs with the time the invitation was sent rather than the time of signing."""

    def __init__(self, *, sent_at: dt.datetime | None = None) -> None:
        super().__init__(salt=_SALT, sep=_SEPARATOR)
        self.sent_at = sent_at

    def timestamp(self) -> str:
        return signing.b62_encode(int(self.sent_at.timestamp()))


def invitation_token(*, invitation: Invitation) -> str:
    return _SentAtSigner(sent_at=invitation.created_at).sign_object({"invitation": invitation.pk})


def invitation_url(*, invitation: Invitation) -> str:
    """The absolute link of the e-mail, to the page in the invitee's language."""
    with translation.override(invitation.language):
        path = reverse(
            "accounts:accept_invitation", kwargs={"token": invitation_token(invitation=invitation)}
        )
    return settings.SITE_URL.rstrip("/") + path


def invitation_for_token(*, token: str) -> Invitation:
    """The open invitation a link names, or ``InvitationError`` saying why not."""
    try:
        data = _SentAtSigner().unsign_object(
            token, max_age=dt.timedelta(days=settings.INVITATION_DAYS)
        )
    except signing.SignatureExpired as error:
        raise ExpiredInvitationError from error
    except signing.BadSignature as error:
        raise InvalidInvitationError from error
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=data.get("invitation") if isinstance(data, dict) else None)
        .first()
    )
    if invitation is None:
        raise CancelledInvitationError
    _check_usable(invitation)
    return invitation


def _check_usable(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise UsedInvitationError
    if invitation.is_expired:
        raise ExpiredInvitationError


def invite_editor(
    *, invited_by: User, email: str, organisation: Organisation, language: str
) -> Invitation:
    """Record the invitation and e-mail its link. A failure to send (``OSError``) leaves the
    invitation in place, to be resent."""
    invitation = Invitation.objects.create(
        email=email, organisation=organisation, invited_by=invited_by, language=language
    )
    send_invitation_email(invitation=invitation)
    return invitation


def resend_invitation(*, invitation: Invitation) -> None:
    """A new link, valid for ``INVITATION_DAYS`` from now."""
    invitation.created_at = timezone.now()
    invitation.save(update_fields=["created_at"])
    send_invitation_email(invitation=invitation)


def cancel_invitation(*, invitation: Invitation) -> None:
    invitation.delete()


def send_invitation_email(*, invitation: Invitation) -> None:
    """The e-mail in the language the coordinator chose for the invitee."""
    with translation.override(invitation.language):
        context = {
            "organisation": invitation.organisation.name,
            "inviter": invitation.invited_by or "",
            "url": invitation_url(invitation=invitation),
            "expires_at": invitation.expires_at,
            "days": settings.INVITATION_DAYS,
        }
        subject = render_to_string("emails/invitation_subject.txt", context).strip()
        body = render_to_string("emails/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def account_exists(*, invitation: Invitation) -> bool:
    """Someone with the invitation's e-mail address has an account: they log in to accept."""
    return User.objects.filter(email__iexact=invitation.email, is_active=True).exists()


def may_accept(*, invitation: Invitation, user: User) -> bool:
    """The link went to one address: only an account with that address takes it up."""
    return bool(user.email) and user.email.casefold() == invitation.email.casefold()


def accept_invitation(*, invitation: Invitation, user: User) -> None:
    """Make ``user`` an editor of the invitation's organisation, once.

    Marked accepted by a conditional update, so two people sending the form at once cannot
    both use one link; call it inside ``transaction.atomic`` with the creation of ``user``.
    """
    with transaction.atomic():
        accepted = (
            Invitation.objects.open()
            .filter(pk=invitation.pk)
            .update(accepted_at=timezone.now(), user=user)
        )
        if not accepted:
            current = Invitation.objects.filter(pk=invitation.pk).first()
            if current is None:
                raise CancelledInvitationError
            _check_usable(current)
            raise ExpiredInvitationError  # expired between the check and the update
        user.organisations.add(invitation.organisation)
