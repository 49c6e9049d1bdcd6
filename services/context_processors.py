from __future__ import annotations

from django.http import HttpRequest

from services.support_list import SupportList, request_support_list


def support_list(request: HttpRequest) -> dict[str, SupportList]:
    """The support list carried in the URL (no database query: ids only)."""
    return {"support_list": request_support_list(request)}
