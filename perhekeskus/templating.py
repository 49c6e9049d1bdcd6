"""The Jinja2 environment of Django's Jinja2 backend (``TEMPLATES``, ``templates/jinja2/``).

Jinja2 renders the fragments a page repeats many times, the search result cards first: it
compiles a template to Python code, about ten times cheaper to render than Django's template
language. Texts are translated with Django's catalogues (``_("…")``, which ``makemessages``
finds in these templates too); the filters and functions are those of the Django templates.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from services import tiers
from services.support_list import button_labels
from services.templatetags.cards import one_decimal
from services.templatetags.text_language import lang_attr, with_lang


def environment(**options: Any) -> Environment:
    env = Environment(**options, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(gettext, ngettext)  # type: ignore[attr-defined]
    env.filters.update(
        {
            "capfirst": capfirst,
            "one_decimal": one_decimal,
            "lang_attr": lang_attr,
            "with_lang": with_lang,
            "for_parents": lambda tier: tiers.for_parents(tier.code, tier.name),
        }
    )
    env.globals["support_list_labels"] = button_labels
    return env
