"""The result cards of a search page (``jinja2/includes/service_card.html``): what depends on
the service alone is made once for each service as the index holds it; a page fills in the
visitor's links and the distances."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.template import engines
from django.utils.formats import get_format
from markupsafe import Markup, escape

from services.search import Hit
from services.support_list import SupportList, button_labels

TENTH = Decimal("0.1")


def one_decimal(value: float, separator: str | None = None) -> str:
    """``value`` rounded half up to one decimal, with the decimal separator of the page's
    language (or ``separator``, looked up once for a page): what ``floatformat:1`` writes
    (without grouping, as the site's settings have it), at a fraction of its cost; every
    card with a distance shows one."""
    rounded = Decimal(repr(float(value))).quantize(TENTH, rounding=ROUND_HALF_UP)
    return str(rounded).replace(".", separator or get_format("DECIMAL_SEPARATOR"))


# The slots of a card's markup: text from the catalogue cannot hold them unescaped.
URL_SLOT, REACH_SLOT, BUTTON_SLOT, TOGGLE_SLOT = "<url>", "<reach>", "<button>", "<toggle>"
# The distance's slot in a page's reach markup, which holds only our texts and a municipality's
# name, and goes through the translation's formatting unchanged.
KM_SLOT = "{km}"


class CardMarkup:
    """The markup of a result card that depends on the service alone, with slots for the link
    to the service's page, the distance and the support list's button, whose link carries
    the rest of the list (the button on and off the list, each with a slot for its link)."""

    def __init__(self, card: str, add: str, remove: str) -> None:
        self.card, self.add, self.remove = str(card), str(add), str(remove)


class PageCards:
    """The cards of one page of results, for a visitor with ``support_list`` who searched from
    ``municipality`` (its name, if a place was given): each card's markup with the visitor's
    links and the distance filled in."""

    def __init__(
        self,
        service_url: Callable[[int], str],
        toggle: Callable[[int], str],
        support_list: SupportList,
        municipality: str | None,
    ) -> None:
        self.service_url, self.toggle, self.on_list = service_url, toggle, set(support_list.ids)
        self.municipality = municipality
        self.reaches: dict[tuple[bool, bool], str] = {}
        self.separator = get_format("DECIMAL_SEPARATOR")

    def all(self, hits: list[Hit]) -> Markup:
        """The page's cards, one after another (one call from the template for them all)."""
        return Markup("".join(self(hit) for hit in hits))

    def __call__(self, hit: Hit) -> Markup:
        markup, pk = card_markup(hit), hit.service.pk
        button = markup.remove if pk in self.on_list else markup.add
        return Markup(
            markup.card.replace(URL_SLOT, escape(self.service_url(pk)))
            .replace(REACH_SLOT, self._reach(hit))
            .replace(BUTTON_SLOT, button.replace(TOGGLE_SLOT, escape(self.toggle(pk))))
        )

    def _reach(self, hit: Hit) -> str:
        distance, remote = kind = (hit.distance_km is not None, hit.remote_for is not None)
        if not any(kind):
            return ""
        if (reach := self.reaches.get(kind)) is None:
            reach = self.reaches[kind] = str(
                _macros().reach(
                    KM_SLOT if distance else None, self.municipality if remote else None
                )
            )
        if distance:
            return reach.replace(KM_SLOT, one_decimal(hit.distance_km, self.separator))
        return reach


def card_markup(hit: Hit) -> CardMarkup:
    """``hit``'s card markup, made once for the service as the index holds it
    (``services.search.card_services`` keeps the service with the index)."""
    service = hit.service
    if service.markup is None:
        env = engines["jinja2"].env
        button = env.get_template("includes/support_list_button.html").module.support_list_button
        labels = button_labels()

        def link(pk: int) -> Markup:
            return Markup(TOGGLE_SLOT)

        slots = (Markup(URL_SLOT), Markup(REACH_SLOT), Markup(BUTTON_SLOT))
        service.markup = CardMarkup(
            _macros().card(service, hit, *slots),
            add=button(service, SupportList(), link, labels),
            remove=button(service, SupportList(ids=[service.pk]), link, labels),
        )
    return service.markup


def _macros() -> Any:
    return engines["jinja2"].env.get_template("includes/service_card.html").module
