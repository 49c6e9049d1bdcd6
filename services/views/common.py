"""Small pieces the public views share."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from services.form_protection import Verdict


def example_content(items: Iterable[object]) -> str | bool:
    """``"some"`` when any of the listed records is example content (the base layout says so)."""
    return "some" if any(getattr(item, "is_example", False) for item in items) else False


def refused(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    """The page for a POST the form protection refused (other than a too-fast one)."""
    if verdict is Verdict.RATE_LIMITED:
        status, heading, text = (
            429,
            _("Too many messages"),
            _(
                "Many messages have been sent from here today. Please try again tomorrow, "
                "or contact the service directly."
            ),
        )
    else:
        status, heading, text = (
            403,
            _("The form could not be accepted"),
            _(
                "The form must be sent from a page of this site. Open the page again and send "
                "the form from there."
            ),
        )
    return render(
        request, "services/refused.html", {"heading": heading, "text": text}, status=status
    )


def query_without(params: QueryDict, *names: str) -> str:
    """``params`` as a query string without ``names`` ("page" if none is given), for links
    that set them again (the pages of a list: ``includes/pagination.html``)."""
    rest = params.copy()
    for name in names or ("page",):
        rest.pop(name, None)
    return rest.urlencode()
