"""Headers every response gets, set in one place (wired in ``settings.MIDDLEWARE``).

- ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``) on every response.
- ``Cache-Control: private, no-store`` (Django's ``never_cache`` headers) on what is for staff
  only: every response under ``settings.STAFF_PATH_PREFIXES`` (the admin, the staff side, the
  mapping), and every response to a signed-in user, the API's included, since a staff member's
  API answers may hold unpublished services. Only staff have sessions, so a request without a
  session cookie is never asked who it is (and public pages keep their own caching).
  Static files keep theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


@cache
def permissions_policy() -> str:
    return ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())


@cache
def staff_prefixes() -> tuple[str, ...]:
    """The staff paths with and without each language prefix (/staff/, /fi/staff/ ...)."""
    prefixes = list(settings.STAFF_PATH_PREFIXES)
    for code, _name in settings.LANGUAGES:
        prefixes += [f"/{code}{prefix}" for prefix in settings.STAFF_PATH_PREFIXES]
    return tuple(prefixes)


def for_staff_only(request: HttpRequest) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return False
    if request.path.startswith(staff_prefixes()):
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class ResponseHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", permissions_policy())
        if for_staff_only(request):
            add_never_cache_headers(response)
        return response
