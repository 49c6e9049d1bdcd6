"""Links that carry the support list (the ``list`` query parameter) from page to page."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from services.support_list import PARAM, SupportList, parse_support_list, with_list

register = template.Library()


def _current_list(context: template.Context) -> SupportList:
    current = context.get("support_list")
    if current is None:
        request: HttpRequest | None = context.get("request")
        current = parse_support_list(request.GET.get(PARAM) if request else None)
    return current


@register.simple_tag(takes_context=True)
def keep_list(context: template.Context, url: str) -> str:
    """``url`` with the visitor's support list added, so the list is not lost on the way."""
    current = _current_list(context)
    if not current.ids:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{PARAM}={current.param}"


@register.simple_tag(takes_context=True)
def toggle_list_url(context: template.Context, service: Any) -> str:
    """This page again, with ``service`` added to or removed from the support list."""
    request: HttpRequest = context["request"]
    toggled = _current_list(context).toggled(service.pk)
    return f"{request.path}{with_list(request.GET, toggled)}#list-{service.pk}"


@register.filter
def in_list(service: Any, current: SupportList | None) -> bool:
    return bool(current) and service.pk in current.ids
