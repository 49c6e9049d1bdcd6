"""``{% service_cards hits %}``: the result cards of a search page, rendered by Jinja2
(``jinja2/includes/service_cards.html``; ``perhekeskus/templating.py`` says why)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template import engines
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe

from services.search import Hit
from services.support_list import SupportList, ToggleLinks, url_keeping
from services.templatetags.support_list import current_list

register = template.Library()


@register.simple_tag(takes_context=True)
def service_cards(context: template.Context, hits: Sequence[Hit]) -> SafeString:
    support_list = current_list(context)
    request = context["request"]
    return mark_safe(
        engines["jinja2"]
        .get_template("includes/service_cards.html")
        .render(
            {
                "hits": hits,
                "support_list": support_list,
                "toggle": ToggleLinks(request, support_list),
                "service_url": service_links(support_list),
            },
            request=request,
        )
    )


def service_links(support_list: SupportList) -> Callable[[int], str]:
    """A service's page, keeping ``support_list``, for the many services of one page: the
    address is reversed once."""
    sentinel = 987654321
    head, tail = reverse("services:service_detail", args=[sentinel]).split(str(sentinel))
    return lambda pk: url_keeping(f"{head}{pk}{tail}", support_list)


TENTH = Decimal("0.1")


@register.filter
def one_decimal(value: float) -> str:
    """``value`` rounded half up to one decimal, with the decimal separator of the page's
    language: what ``floatformat:1`` writes (without grouping, as the site's settings have
    it), at a fraction of its cost; every card with a distance shows one."""
    rounded = Decimal(repr(float(value))).quantize(TENTH, rounding=ROUND_HALF_UP)
    return str(rounded).replace(".", get_format("DECIMAL_SEPARATOR"))
