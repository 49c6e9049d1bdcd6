"""Staff views: who gets in, asked in one place (``accounts.permissions``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.permissions import is_staff_member, requires_two_factor, signed_in_fully

View = Callable[..., HttpResponse]


def staff_view(allowed: Callable[[Any], bool] = is_staff_member) -> Callable[[View], View]:
    """Anonymous visitors log in first; a coordinator or administrator who has not given the
    second factor gives it first; a signed-in user ``allowed`` refuses gets 403.

    Staff pages are never cached (they show drafts and personal data).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        @never_cache
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
            if requires_two_factor(user) and not signed_in_fully(user):
                return redirect_to_login(request.get_full_path(), reverse("accounts:two_factor"))
            if not allowed(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def redirect_next(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to a safe ``next`` of this site, else to ``default``."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return redirect(target)
