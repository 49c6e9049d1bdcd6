"""Staff accounts: login with a password (throttled by django-axes), then a second factor for
coordinators and administrators (TOTP with django-otp, recovery codes as django-otp static
tokens); the account page; invitations of editors (``accounts.invitations``)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import invitations as invites
from accounts.decorators import redirect_next, staff_view
from accounts.forms import (
    InvitationForm,
    LoginForm,
    NewEditorForm,
    ProfileForm,
    StaffPasswordChangeForm,
    TokenForm,
)
from accounts.models import Invitation, User
from accounts.permissions import (
    is_administrator,
    is_staff_member,
    may_invite_editors,
    organisations_for,
    requires_two_factor,
    signed_in_fully,
)

RECOVERY_CODES = 10
NEW_CODES_SESSION_KEY = "new_recovery_codes"


def _home() -> str:
    return reverse("services:staff_home")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    """Password first. django-axes counts failures per user name and address: after
    ``AXES_FAILURE_LIMIT`` its middleware answers with ``locked_out``."""
    if request.user.is_authenticated and request.method == "GET":
        if requires_two_factor(request.user) and not signed_in_fully(request.user):
            return redirect(_with_next(request, "accounts:two_factor"))
        if is_staff_member(request.user):
            return redirect_next(request, _home())
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            form.add_error(None, _("The user name or the password is wrong."))
        elif not is_staff_member(user):
            form.add_error(
                None,
                _(
                    "This account has no staff role yet. Ask your coordinator to "
                    "add you to your organisation."
                ),
            )
        else:
            _log_in(request, user)
            if requires_two_factor(user):
                target = (
                    "accounts:two_factor" if user_has_device(user) else "accounts:two_factor_setup"
                )
                return redirect(_with_next(request, target))
            return redirect_next(request, _home())
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


def _log_in(request: HttpRequest, user: User, backend: str | None = None) -> None:
    """Log in for one working day from now: the session ends then even if the person keeps
    working (an expiry given as a time does not move when the session is saved again)."""
    auth_login(request, user, backend=backend)
    request.session.set_expiry(timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))


def _with_next(request: HttpRequest, name: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    url = reverse(name)
    if target:
        from django.utils.http import urlencode

        url = f"{url}?{urlencode({'next': target})}"
    return url


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer once a user name has failed too often from one address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("You have logged out."))
    return redirect_next(request, reverse("accounts:login"))


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second factor: a code from the authenticator app, or a recovery code."""
    user = request.user
    if not user_has_device(user):
        return redirect(_with_next(request, "accounts:two_factor_setup"))
    if signed_in_fully(user) and request.method == "GET":
        return redirect_next(request, _home())
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _verify(user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("The code is not right, or it has expired. Try again."))
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(left)d is left. Make new ones on the "
                        "Recovery codes page when you run low.",
                        "You used a recovery code; %(left)d are left. Make new ones on the "
                        "Recovery codes page when you run low.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect_next(request, _home())
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


def _verify(user: Any, token: str) -> Any:
    """The device that accepts ``token``: six digits for the app, else a recovery code. Each
    device is asked on its own, so that django-otp's throttling of failures applies."""
    token = token.replace(" ", "")
    if token.isdigit() and len(token) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def _qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Connect an authenticator app: scan the code (or type the key), then give one code."""
    user = request.user
    if user_has_device(user) and not signed_in_fully(user):
        # A second device is added only after logging in with the first.
        return redirect(_with_next(request, "accounts:two_factor"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # Earlier apps stop working: one app per person keeps the recovery story simple.
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = new_recovery_codes(user)
            messages.success(request, _("Two-factor login is on."))
            return redirect(_with_next(request, "accounts:recovery_codes"))
        form.add_error(
            "token", _("The code is not right. Check the time on your phone and try again.")
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr": _qr_data_uri(device.config_url), "secret": _grouped(secret)},
        status=400 if form.errors else 200,
    )


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with new ones; each works once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New codes are shown once, right after they are made."""
    user = request.user
    if not signed_in_fully(user):
        return redirect(_with_next(request, "accounts:two_factor"))
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = new_recovery_codes(user)
        return redirect(_with_next(request, "accounts:recovery_codes"))
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    left = StaticToken.objects.filter(device__user=user).count()
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "left": left, "next": request.GET.get("next", "")},
    )


# The account page.


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@staff_view()
def profile(request: HttpRequest) -> HttpResponse:
    """Name, e-mail address and language of e-mails; a new password; the second factor.

    A new password ends the person's other sessions (Django checks each session against the
    password) and keeps this one (``update_session_auth_hash``).
    """
    user = request.user
    sent = request.POST.get("form") if request.method == "POST" else None
    details = ProfileForm(request.POST if sent == "details" else None, instance=user)
    password = StaffPasswordChangeForm(user, request.POST if sent == "password" else None)
    if sent == "details" and details.is_valid():
        details.save()
        messages.success(request, _("Your details have been saved."))
        return redirect("accounts:profile")
    if sent == "password" and password.is_valid():
        password.save()
        update_session_auth_hash(request, password.user)
        messages.success(
            request, _("Your password has been changed. Other sessions have been logged out.")
        )
        return redirect("accounts:profile")
    two_factor_needed = requires_two_factor(user)
    return render(
        request,
        "accounts/profile.html",
        {
            "details": details,
            "password": password,
            "organisations": user.organisations.order_by("name"),
            "counties": user.counties.order_by("name"),
            "is_administrator": is_administrator(user),
            "two_factor_needed": two_factor_needed,
            "recovery_codes_left": (
                StaticToken.objects.filter(device__user=user).count() if two_factor_needed else 0
            ),
        },
        status=400 if details.errors or password.errors else 200,
    )


# Inviting editors (accounts.invitations).

NOT_SENT = gettext_lazy(
    "The invitation is saved, but the e-mail could not be sent. Try sending it again from the "
    "list below in a while."
)


@staff_view(may_invite_editors)
def invitations(request: HttpRequest) -> HttpResponse:
    """Invite an editor to an organisation the coordinator manages; the organisations' editors
    and the invitations not yet accepted, to resend, cancel or remove."""
    organisations = organisations_for(request.user)
    form = InvitationForm(request.POST or None, organisations=organisations)
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                invites.invite_editor(
                    invited_by=request.user,
                    email=email,
                    organisation=form.cleaned_data["organisation"],
                    language=form.cleaned_data["language"],
                )
            except OSError:
                messages.error(request, NOT_SENT)
            else:
                messages.success(
                    request, _("An invitation has been sent to %(email)s.") % {"email": email}
                )
            return redirect("accounts:invitations")
        if form.has_forged_organisation():
            raise PermissionDenied
    editors = (
        User.organisations.through.objects.filter(organisation__in=organisations)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__username")
    )
    pending = (
        Invitation.objects.filter(organisation__in=organisations, accepted_at__isnull=True)
        .select_related("organisation", "invited_by")
        .order_by("organisation__name", "email")
    )
    return render(
        request,
        "accounts/invitations.html",
        {
            "form": form,
            "editors": [(row.organisation, row.user) for row in editors],
            "invitations": pending,
            "days": settings.INVITATION_DAYS,
        },
        status=400 if form.errors else 200,
    )


def _pending_invitation(request: HttpRequest, pk: int) -> Invitation:
    """An invitation not yet accepted, to an organisation the user manages; else 404."""
    return get_object_or_404(
        Invitation.objects.filter(
            organisation__in=organisations_for(request.user), accepted_at__isnull=True
        ).select_related("organisation", "invited_by"),
        pk=pk,
    )


@require_POST
@staff_view(may_invite_editors)
def resend_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _pending_invitation(request, pk)
    try:
        invites.resend_invitation(invitation=invitation)
    except OSError:
        messages.error(request, NOT_SENT)
    else:
        messages.success(
            request,
            ngettext(
                "The invitation has been sent again to %(email)s. The new link works for "
                "%(days)d day.",
                "The invitation has been sent again to %(email)s. The new link works for "
                "%(days)d days.",
                settings.INVITATION_DAYS,
            )
            % {"email": invitation.email, "days": settings.INVITATION_DAYS},
        )
    return redirect("accounts:invitations")


@require_POST
@staff_view(may_invite_editors)
def cancel_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _pending_invitation(request, pk)
    invites.cancel_invitation(invitation=invitation)
    messages.success(
        request,
        _("The invitation to %(email)s has been cancelled; its link no longer works.")
        % {"email": invitation.email},
    )
    return redirect("accounts:invitations")


@require_POST
@staff_view(may_invite_editors)
def remove_editor(request: HttpRequest, organisation: int, user: int) -> HttpResponse:
    """Take away an editor's right to an organisation the coordinator manages."""
    managed = get_object_or_404(organisations_for(request.user), pk=organisation)
    editor = get_object_or_404(User.objects.filter(organisations=managed), pk=user)
    editor.organisations.remove(managed)
    messages.success(
        request,
        _("%(editor)s no longer edits the services of %(organisation)s.")
        % {"editor": editor, "organisation": managed.name},
    )
    return redirect("accounts:invitations")


@sensitive_post_parameters("password", "password1", "password2")
@csrf_protect
@never_cache
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's link: anyone holding it may come here without an account.

    - Someone new chooses a user name and a password; the account is made and logged in.
    - Someone with an account for the invited address logs in here (throttled like the login
      page), or, already logged in, confirms; the organisation is added to their account.
    - Someone logged in with another address is told to log out first.
    """
    try:
        invitation = invites.invitation_for_token(token=token)
    except invites.InvitationError as problem:
        return _unusable(request, problem)
    user = request.user
    context: dict[str, Any] = {"invitation": invitation}
    if user.is_authenticated:
        if not invites.may_accept(invitation=invitation, user=user):
            context["step"] = "other_account"
            return render(request, "accounts/invitation_accept.html", context, status=403)
        if requires_two_factor(user) and not signed_in_fully(user):
            return redirect_to_login(request.get_full_path(), reverse("accounts:two_factor"))
        if request.method == "POST":
            return _accepted(request, invitation, user)
        context["step"] = "confirm"
        return render(request, "accounts/invitation_accept.html", context)
    if invites.account_exists(invitation=invitation):
        form = LoginForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            account = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if account is None:
                form.add_error(None, _("The user name or the password is wrong."))
            elif not invites.may_accept(invitation=invitation, user=account):
                form.add_error(
                    None,
                    _("This invitation is for another e-mail address than this account's."),
                )
            else:
                return _accepted(request, invitation, account, log_in=True)
        context.update(step="log_in", form=form)
    else:
        form = NewEditorForm(
            request.POST or None,
            initial={"username": invitation.email},
            instance=User(email=invitation.email, language=invitation.language),
        )
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    account = form.save()
                    invites.accept_invitation(invitation=invitation, user=account)
            except invites.InvitationError as problem:
                return _unusable(request, problem)
            _log_in(request, account, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! You now edit the services of %(organisation)s.")
                % {"organisation": invitation.organisation.name},
            )
            return redirect("services:staff_home")
        context.update(step="new_account", form=form)
    return render(
        request, "accounts/invitation_accept.html", context, status=400 if form.errors else 200
    )


def _accepted(
    request: HttpRequest, invitation: Invitation, user: User, *, log_in: bool = False
) -> HttpResponse:
    """Add the organisation to an existing account (logging it in, when ``log_in``)."""
    try:
        invites.accept_invitation(invitation=invitation, user=user)
    except invites.InvitationError as problem:
        return _unusable(request, problem)
    if log_in:
        _log_in(request, user)
    messages.success(
        request,
        _("You now edit the services of %(organisation)s too.")
        % {"organisation": invitation.organisation.name},
    )
    if requires_two_factor(user) and not signed_in_fully(user):
        return redirect(_with_next(request, "accounts:two_factor"))
    return redirect("services:staff_home")


def _unusable(request: HttpRequest, problem: invites.InvitationError) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_unusable.html",
        {"problem": problem.problem},
        status=problem.status,
    )
