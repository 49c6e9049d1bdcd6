from __future__ import annotations

from django.http import HttpRequest

from services.support_list import PARAM, SupportList, parse_support_list


def support_list(request: HttpRequest) -> dict[str, SupportList]:
    """The support list carried in the URL (no database query: ids only)."""
    if not hasattr(request, "support_list"):
        request.support_list = parse_support_list(request.GET.get(PARAM))
    return {"support_list": request.support_list}
