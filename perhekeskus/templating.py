"""The Jinja2 environment of Django's Jinja2 backend (``TEMPLATES``, ``templates/jinja2/``).

Jinja2 renders the site's layout (``layout.html``, every page's, the Django pages' through
``{% layout %}``), the search page, the page parents ask for most, and the fragments pages
share with it: it compiles a template to Python code, several times cheaper to render than
Django's template language. Texts are translated with Django's catalogues (``_("…")``, which
``makemessages`` finds in these templates too: plural texts are made in Python); the filters
and functions are those of the Django templates.
"""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext, trans_real
from jinja2 import Environment

from services import tiers
from services.layout import page_url, site_layout
from services.support_list import button_labels
from services.templatetags.text_language import lang_attr, with_lang


def environment(**options: Any) -> Environment:
    env = Environment(**options, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(gettext, ngettext)  # type: ignore[attr-defined]
    env.filters.update(
        {
            "capfirst": capfirst,
            "lang_attr": lang_attr,
            "with_lang": with_lang,
            "for_parents": lambda tier: tiers.for_parents(tier.code, tier.name),
        }
    )
    env.globals.update(
        {
            # A file's address stays the same while the process runs (the manifest is read
            # once): looked up once per file.
            "static": functools.cache(static),
            "url": page_url,
            "site_layout": site_layout,
            "support_list_labels": button_labels,
        }
    )
    return env


def translations(request: HttpRequest) -> dict[str, Any]:
    """A page's ``_()`` and ``ngettext()`` read the catalogue of the page's language directly
    (a context processor of the Jinja2 backend): Django's ``gettext`` looks the active
    language up again for each text, a fifth of the time of a search page's texts. The same
    catalogue, so the same translations, as long as a page does not change its language while
    it is rendered, which none does."""
    catalogue = trans_real.translation(get_language())
    return {"_": catalogue.gettext, "gettext": catalogue.gettext, "ngettext": catalogue.ngettext}
