"""Links that carry the support list (the ``list`` query parameter) from page to page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from services.support_list import (
    SupportList,
    ToggleLinks,
    request_support_list,
    url_keeping,
)

register = template.Library()


def current_list(context: template.Context) -> SupportList:
    current = context.get("support_list")
    return request_support_list(context.get("request")) if current is None else current


@register.simple_tag(takes_context=True)
def keep_list(context: template.Context, url: str) -> str:
    """``url`` with the visitor's support list added, so the list is not lost on the way."""
    return url_keeping(url, current_list(context))


@register.simple_tag(takes_context=True)
def support_list_button(context: template.Context, service: Any) -> SafeString:
    """The button that adds ``service`` to the support list or removes it (one template,
    ``jinja2/includes/support_list_button.html``, for these pages and the result cards)."""
    return mark_safe(
        engines["jinja2"]
        .get_template("includes/support_list_button.html")
        .render(
            {
                "service": service,
                "support_list": (support_list := current_list(context)),
                "toggle": ToggleLinks.of_request(context["request"], support_list),
            },
            request=context["request"],
        )
    )
