from __future__ import annotations

from django.http import HttpRequest
from django.urls import translate_url

from services.support_list import PARAM, SupportList, parse_support_list

# Each language's name in itself, as a language switcher shows it.
LANGUAGE_SELF_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def language_links(request: HttpRequest) -> dict[str, list[dict[str, str]]]:
    """The current page in each of the site's languages."""
    path = request.get_full_path()
    return {
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)}
            for code, name in LANGUAGE_SELF_NAMES.items()
        ]
    }


def support_list(request: HttpRequest) -> dict[str, SupportList]:
    """The support list carried in the URL (no database query: ids only)."""
    if not hasattr(request, "support_list"):
        request.support_list = parse_support_list(request.GET.get(PARAM))
    return {"support_list": request.support_list}
