"""The support list a professional collects for a family, kept in the URL until it is shared.

The list travels in the query parameter ``list`` (comma-separated service ids), so browsing and
collecting set no cookie and store nothing. Only sharing stores it (``SharedList``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from services.addresses import around_id

PARAM = "list"
MAX_SERVICES = 30
MAX_NOTE_LENGTH = 1000
# Ids are database keys; anything longer than this is not one of ours.
MAX_ID_DIGITS = 12


@dataclass
class SupportList:
    ids: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, service_id: object) -> bool:
        return service_id in self.ids

    @property
    def param(self) -> str:
        return ",".join(str(i) for i in self.ids)

    @property
    def query(self) -> str:
        """``?list=1,2,3`` to append to a link, or nothing for an empty list."""
        return f"?{urlencode({PARAM: self.param}, safe=',')}" if self.ids else ""

    def toggled(self, service_id: int) -> SupportList:
        if service_id in self.ids:
            return SupportList([i for i in self.ids if i != service_id])
        return SupportList([*self.ids, service_id][:MAX_SERVICES])

    def without(self, missing: Iterable[int]) -> SupportList:
        missing = set(missing)
        return SupportList([i for i in self.ids if i not in missing], list(self.messages))


def parse_support_list(raw: str | None) -> SupportList:
    """Read the ``list`` parameter; never raises, bad parts are dropped with a message."""
    result = SupportList()
    if not raw:
        return result
    bad = False
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isascii() or not part.isdigit() or len(part) > MAX_ID_DIGITS:
            bad = True
            continue
        service_id = int(part)
        if service_id == 0:
            bad = True
        elif service_id not in result.ids:
            result.ids.append(service_id)
    if bad:
        result.messages.append(
            _("Some entries of the support list were not valid and were left out.")
        )
    if len(result.ids) > MAX_SERVICES:
        result.ids = result.ids[:MAX_SERVICES]
        result.messages.append(
            _("A support list holds at most %(count)d services; the rest were left out.")
            % {"count": MAX_SERVICES}
        )
    return result


def with_list(params: QueryDict, support_list: SupportList) -> str:
    """The query string of ``params`` with ``list`` replaced by ``support_list``."""
    params = params.copy()
    if support_list.ids:
        params[PARAM] = support_list.param
    else:
        params.pop(PARAM, None)
    encoded = params.urlencode(safe=",")
    return f"?{encoded}" if encoded else ""


def request_support_list(request: HttpRequest | None) -> SupportList:
    """The support list ``request`` carries (read from its address once; a view may have set
    it already, as understood); an empty one without a request."""
    if request is None:
        return SupportList()
    if not hasattr(request, "support_list"):
        request.support_list = parse_support_list(request.GET.get(PARAM))
    return request.support_list


def url_keeping(url: str, support_list: SupportList) -> str:
    """``url`` with ``support_list`` added, so the list is not lost on the way."""
    if not support_list.ids:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{PARAM}={support_list.param}"


class ToggleLinks:
    """The links of one page that add a service to the support list or remove it (the page
    again, with the list toggled): the rest of the query is encoded once for all the page's
    services, and the list put where ``with_list`` puts it (in its place, or last)."""

    def __init__(self, path: str, support_list: SupportList, before: str, after: str = "") -> None:
        """Links to ``path`` with the query ``before`` and ``after`` the list (encoded)."""
        self.path, self.support_list, self.before, self.after = path, support_list, before, after

    @classmethod
    def of_request(cls, request: HttpRequest, support_list: SupportList) -> ToggleLinks:
        """The links of ``request``'s page: its query, the list toggled in its place."""
        keys = list(request.GET)
        at = keys.index(PARAM) if PARAM in keys else len(keys)
        before = _encoded(request.GET, keys[:at])
        return cls(request.path, support_list, before, _encoded(request.GET, keys[at + 1 :]))

    def __call__(self, service_id: int) -> str:
        toggled = self.support_list.toggled(service_id)
        middle = f"{PARAM}={toggled.param}" if toggled.ids else ""
        query = "&".join(part for part in (self.before, middle, self.after) if part)
        return f"{self.path}{'?' if query else ''}{query}#list-{service_id}"


def service_links(support_list: SupportList) -> Callable[[int], str]:
    """A service's page, keeping ``support_list``, for the many services of one page."""
    head, tail = around_id("services:service_detail")
    return lambda pk: url_keeping(f"{head}{pk}{tail}", support_list)


def button_labels() -> dict[str, str]:
    """The texts of the button that adds a service to the list or removes it, in the page's
    language: translated once for all the buttons of a page of results."""
    return {
        "add": _("Add to support list"),
        "remove": _("Remove from support list"),
        "on_list": _("On your support list"),
    }


def _encoded(params: QueryDict, keys: Iterable[str]) -> str:
    some = QueryDict(mutable=True)
    for key in keys:
        some.setlist(key, params.getlist(key))
    return some.urlencode(safe=",")
