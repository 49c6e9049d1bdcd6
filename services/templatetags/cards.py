"""Filters of the result cards (``jinja2/includes/service_cards.html``)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template import engines
from django.utils.formats import get_format
from markupsafe import Markup, escape

from services.search import Hit
from services.support_list import SupportList, button_labels

register = template.Library()

TENTH = Decimal("0.1")


@register.filter
def one_decimal(value: float) -> str:
    """``value`` rounded half up to one decimal, with the decimal separator of the page's
    language: what ``floatformat:1`` writes (without grouping, as the site's settings have
    it), at a fraction of its cost; every card with a distance shows one."""
    rounded = Decimal(repr(float(value))).quantize(TENTH, rounding=ROUND_HALF_UP)
    return str(rounded).replace(".", get_format("DECIMAL_SEPARATOR"))


# Where a card's heading puts its link: text from the catalogue cannot hold it unescaped.
URL_SLOT = "<url>"


class CardMarkup:
    """The markup of a result card that depends on the service alone, with a slot for the
    links that depend on the visitor: to the service's page, and the support list's button
    (which carries the rest of the list)."""

    def __init__(self, heading: str, details: str, add: str, remove: str) -> None:
        # Plain strings: Markup's replace() would escape the links again.
        self._heading, self.details = str(heading), Markup(details)
        self._add, self._remove = str(add), str(remove)

    def heading(self, url: str) -> Markup:
        return Markup(self._heading.replace(URL_SLOT, escape(url)))

    def button(self, on_list: bool, url: str) -> Markup:
        return Markup((self._remove if on_list else self._add).replace(URL_SLOT, escape(url)))


class PageCards:
    """The cards of one page of results, for a visitor with ``support_list``: for each hit, the
    markup before its distance and after it, with the visitor's links filled in (one call per
    card from the template)."""

    def __init__(
        self,
        service_url: Callable[[int], str],
        toggle: Callable[[int], str],
        support_list: SupportList,
    ) -> None:
        self.service_url, self.toggle, self.on_list = service_url, toggle, set(support_list.ids)

    def __call__(self, hit: Hit) -> tuple[Markup, Markup]:
        markup, pk = card_markup(hit), hit.service.pk
        after = markup.details + markup.button(pk in self.on_list, self.toggle(pk))
        return markup.heading(self.service_url(pk)), after


def card_markup(hit: Hit) -> CardMarkup:
    """``hit``'s card markup, made once for the service as the index holds it
    (``services.search.card_services`` keeps the service with the index)."""
    service = hit.service
    if service.markup is None:
        env = engines["jinja2"].env
        parts = env.get_template("includes/service_card.html").module
        button = env.get_template("includes/support_list_button.html").module.support_list_button
        slot, labels = Markup(URL_SLOT), button_labels()

        def link(pk: int) -> Markup:
            return slot

        service.markup = CardMarkup(
            parts.heading(service, slot),
            parts.details(hit),
            add=button(service, SupportList(), link, labels),
            remove=button(service, SupportList(ids=[service.pk]), link, labels),
        )
    return service.markup
