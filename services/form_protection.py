"""Protection for the forms anonymous visitors send, without a browsing cookie.

The public site sets no cookies, so Django's CSRF cookie cannot protect the error report and
the shared support list. Instead every such POST must pass:

1. an **origin check**: the browser's ``Origin`` header (or, without one, ``Referer``) must be
   this site; a page on another site cannot make a visitor's browser send our forms;
2. a **honeypot**: a field people never see (hidden by the stylesheet) that robots fill in;
3. a **timing check**: a signed time stamp rendered into the form; a form sent within
   ``FORM_MIN_SECONDS`` of loading, or more than a day later, is not accepted as is;
4. a **rate limit** kept in the cache only: a counter per form and per hashed (IP address, day)
   -- the address itself is never stored and the counter expires within a day -- plus a global
   daily counter per form (per listing for error reports) that holds even if addresses rotate.
"""

from __future__ import annotations

import enum
import hashlib
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

HONEYPOT_FIELD = "website"
STARTED_FIELD = "started"
_SALT = "services.form_protection.started"
MAX_FORM_AGE_SECONDS = 24 * 60 * 60
DAY_SECONDS = 24 * 60 * 60


class Verdict(enum.Enum):
    OK = "ok"
    FOREIGN_ORIGIN = "foreign_origin"
    RATE_LIMITED = "rate_limited"
    ROBOT = "robot"  # the honeypot was filled in
    TOO_FAST = "too_fast"  # or too old: the time stamp is missing, forged or out of range


def started_token(at: float | None = None) -> str:
    """The signed time stamp to render into a form as it is shown."""
    return signing.dumps(int(at if at is not None else time.time()), salt=_SALT)


def _seconds_since_started(token: str) -> float | None:
    try:
        started = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(started, int):
        return None
    return time.time() - started


def origin_verified(request: HttpRequest) -> bool:
    """The POST comes from a page of this site (``Origin``, else ``Referer``)."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        referer = request.META.get("HTTP_REFERER")
        if not referer:
            return False
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin == "null":
        return False
    try:
        good = f"{request.scheme}://{request.get_host()}"
    except Exception:  # DisallowedHost: not our host at all
        return False
    return origin == good or origin in settings.CSRF_TRUSTED_ORIGINS


def client_address(request: HttpRequest) -> str:
    """The visitor's address, read as the API's throttles read it (DRF's ``get_ident``:
    ``REMOTE_ADDR``, or behind ``NUM_PROXIES`` proxies the ``X-Forwarded-For`` entry the
    outermost one added), so that visitors behind a load balancer do not share one limit."""
    return BaseThrottle().get_ident(request)


def _client_key(request: HttpRequest) -> str:
    day = timezone.localdate().isoformat()
    address = client_address(request)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{address}|{day}".encode()).hexdigest()
    return digest[:32]


def _count(key: str, timeout: int) -> int | None:
    """Increment a cache counter; ``None`` when the cache is unavailable."""
    try:
        cache.add(key, 0, timeout=timeout)
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=timeout)
        return 1


def within_rate_limit(request: HttpRequest, *, scope: str, per_client: int, overall: int) -> bool:
    """Count this POST; False once this client or everybody together is over the day's limit.

    ``scope`` names the form (and, for error reports, the listing) the overall limit applies to.
    Without a working cache the limit is not enforced: the forms keep working.
    """
    day = timezone.localdate().isoformat()
    mine = _count(f"anon-post:{scope.split(':')[0]}:{_client_key(request)}", DAY_SECONDS)
    everybody = _count(f"anon-post-all:{scope}:{day}", DAY_SECONDS)
    return (mine is None or mine <= per_client) and (everybody is None or everybody <= overall)


def check_anonymous_post(
    request: HttpRequest, *, scope: str, per_client: int, overall: int
) -> Verdict:
    """Everything but the form's own validation, cheapest check first."""
    if not origin_verified(request):
        return Verdict.FOREIGN_ORIGIN
    if request.POST.get(HONEYPOT_FIELD):
        return Verdict.ROBOT
    elapsed = _seconds_since_started(request.POST.get(STARTED_FIELD, ""))
    if elapsed is None or not settings.FORM_MIN_SECONDS <= elapsed <= MAX_FORM_AGE_SECONDS:
        return Verdict.TOO_FAST
    if not within_rate_limit(request, scope=scope, per_client=per_client, overall=overall):
        return Verdict.RATE_LIMITED
    return Verdict.OK
