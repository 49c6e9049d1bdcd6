"""The tiers as parents read them: one plain, singular label per tier, shown on result cards,
service and provider pages and the search filters. Coordinators' pages keep the formal tier
names of the taxonomy."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

FOR_PARENTS: dict[str, Promise] = {
    "DIGITAL": pgettext_lazy("tier, for parents", "by phone or online"),
    "UNIVERSAL_INDIVIDUAL": pgettext_lazy("tier, for parents", "for everyone – one to one"),
    "UNIVERSAL_GROUP": pgettext_lazy("tier, for parents", "for everyone – group"),
    "SPECIALIST": pgettext_lazy("tier, for parents", "specialist support"),
}


def for_parents(code: str, formal: str) -> str:
    """The parents' label of the tier ``code``; ``formal`` (the taxonomy's name) for a tier
    without one."""
    label = FOR_PARENTS.get(code)
    return str(label) if label is not None else formal
