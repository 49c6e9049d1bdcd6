"""Protection for the forms anonymous visitors send, without a browsing cookie.

The public site sets no cookies, so Django's CSRF cookie cannot protect the error report and
the shared support list. Instead every such POST must pass:

1. an **origin check**: the browser's ``Origin`` header (or, without one, ``Referer``) must be
   this site; a page on another site cannot make a visitor's browser send our forms;
2. a **honeypot**: a field people never see (hidden by the stylesheet) that robots fill in;
3. a **timing check**: a signed time stamp (with a random part) rendered into the form; a form
   sent within ``FORM_MIN_SECONDS`` of loading, or more than a day later, is not accepted as
   is, and neither is a time stamp sent before: each is accepted once (remembered in the cache
   until it expires);
4. a **rate limit** kept in the cache only: a counter per form and per hashed (IP address, day)
   -- the address itself is never stored and the counter expires within a day -- plus a global
   daily counter per form (per listing for error reports) that holds even if addresses rotate.

While the cache (Redis) is away, the used time stamps and the counters are kept in this
process's memory instead: each web process then limits on its own, rather than nobody.

Before any of that, ``bounded_body`` refuses a body larger than ``MAX_BODY_BYTES`` by its
``Content-Length``, unread, and one sent without a length.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"
STARTED_FIELD = "started"
_SALT = "services.form_protection.started"
MAX_FORM_AGE_SECONDS = 24 * 60 * 60
DAY_SECONDS = 24 * 60 * 60
# The largest body the public forms take: the longest report or note, URL-encoded, is a
# fraction of this.
MAX_BODY_BYTES = 64 * 1024
# Where used time stamps and counters go while the shared cache is away (Django's own
# in-memory cache: bounded, expiring, thread-safe).
process_cache = LocMemCache(
    "services.form_protection", {"TIMEOUT": DAY_SECONDS, "OPTIONS": {"MAX_ENTRIES": 20000}}
)


class Verdict(enum.Enum):
    OK = "ok"
    FOREIGN_ORIGIN = "foreign_origin"
    RATE_LIMITED = "rate_limited"
    ROBOT = "robot"  # the honeypot was filled in
    TOO_FAST = "too_fast"  # or too old: the time stamp is missing, forged or out of range


def started_token(at: float | None = None) -> str:
    """The signed time stamp to render into a form as it is shown; the random part tells apart
    two forms shown in the same second, so that each can be accepted once."""
    started = int(at if at is not None else time.time())
    return signing.dumps([started, secrets.token_urlsafe(9)], salt=_SALT)


def _seconds_since_started(token: str) -> float | None:
    try:
        started = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not (
        isinstance(started, list)
        and len(started) == 2
        and isinstance(started[0], int)
        and isinstance(started[1], str)
    ):
        return None
    return time.time() - started[0]


def _first_use(token: str, elapsed: float) -> bool:
    """Remember ``token`` as used until it would expire anyway; False if it was used before."""
    key = "form-started:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    timeout = max(1, int(MAX_FORM_AGE_SECONDS - elapsed) + 1)
    try:
        added = cache.add(key, 1, timeout=timeout)
    except Exception:  # a cache that raises instead of ignoring its outage
        logger.warning("The cache is away: form time stamps are remembered in this process.")
        added = None
    if added is None:  # django-redis answers None when Redis is away
        added = process_cache.add(key, 1, timeout=timeout)
    return bool(added)


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


def _increment(store: Any, key: str, timeout: int) -> int | None:
    """Increment a counter in ``store``; ``None`` when the store is unavailable."""
    try:
        store.add(key, 0, timeout=timeout)
        return store.incr(key)
    except ValueError:  # expired between add() and incr()
        store.set(key, 1, timeout=timeout)
        return 1


def _count(key: str, timeout: int) -> int:
    """Increment a counter in the cache, or in this process while the cache is away."""
    try:
        value = _increment(cache, key, timeout)
    except Exception:  # a cache that raises instead of ignoring its outage
        value = None
    if value is None:
        logger.warning("The cache is away: form rate limits count in this process.")
        value = _increment(process_cache, key, timeout)
    return value or 1


def within_rate_limit(request: HttpRequest, *, scope: str, per_client: int, overall: int) -> bool:
    """Count this POST; False once this client or everybody together is over the day's limit.

    ``scope`` names the form (and, for error reports, the listing) the overall limit applies to.
    Without a working cache each process counts for itself.
    """
    day = timezone.localdate().isoformat()
    mine = _count(f"anon-post:{scope.split(':')[0]}:{_client_key(request)}", DAY_SECONDS)
    everybody = _count(f"anon-post-all:{scope}:{day}", DAY_SECONDS)
    return mine <= per_client and everybody <= overall


def check_anonymous_post(
    request: HttpRequest, *, scope: str, per_client: int, overall: int
) -> Verdict:
    """Everything but the form's own validation, cheapest check first."""
    if not origin_verified(request):
        return Verdict.FOREIGN_ORIGIN
    if request.POST.get(HONEYPOT_FIELD):
        return Verdict.ROBOT
    token = request.POST.get(STARTED_FIELD, "")
    elapsed = _seconds_since_started(token)
    if elapsed is None or not settings.FORM_MIN_SECONDS <= elapsed <= MAX_FORM_AGE_SECONDS:
        return Verdict.TOO_FAST
    if not _first_use(token, elapsed):  # sent before: a replay, or the form sent twice
        return Verdict.TOO_FAST
    if not within_rate_limit(request, scope=scope, per_client=per_client, overall=overall):
        return Verdict.RATE_LIMITED
    return Verdict.OK


View = Callable[..., HttpResponse]


def bounded_body(view: View) -> View:
    """Refuse a POST whose body is over ``MAX_BODY_BYTES`` before anything reads it: by its
    ``Content-Length`` (the server hands Django no more than that many bytes), and one streamed
    without a length (411). Put it outermost, before the view touches ``request.POST``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            length = request.META.get("CONTENT_LENGTH") or ""
            streamed = "HTTP_TRANSFER_ENCODING" in request.META
            if not length.isdigit() and streamed:
                return _too_large(request, status=411)
            if length.isdigit() and int(length) > MAX_BODY_BYTES:
                return _too_large(request, status=413)
        return view(request, *args, **kwargs)

    return wrapper


def _too_large(request: HttpRequest, *, status: int) -> HttpResponse:
    return render(
        request,
        "services/refused.html",
        {
            "heading": _("The form could not be accepted"),
            "text": _(
                "The form was larger than this site accepts. Open the page again and send "
                "the form from there."
            ),
        },
        status=status,
    )
