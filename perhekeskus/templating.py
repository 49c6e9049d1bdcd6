"""The Jinja2 environment of Django's Jinja2 backend (``TEMPLATES``, ``templates/jinja2/``).

Jinja2 renders the site's layout (``layout.html``, every page's, the Django pages' through
``{% layout %}``), the search page, the page parents ask for most, and the fragments pages
share with it: it compiles a template to Python code, several times cheaper to render than
Django's template language. Texts are translated with Django's catalogues (``_("…")``, which
``makemessages`` finds in these templates too: plural texts are made in Python), when a
template is compiled, once for each language (``LanguageEnvironment``); the filters and
functions are those of the Django templates.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext, trans_real
from jinja2 import Environment
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from services import tiers
from services.addresses import page_url
from services.layout import site_layout
from services.support_list import button_labels
from services.templatetags.text_language import lang_attr, with_lang


class LanguageEnvironment(Environment):
    """An environment that compiles each template once for each of the site's languages,
    each text in ``_("…")`` translated as it is compiled (``TranslatedTexts``): a page's
    forty-odd texts cost nothing when it is rendered, where each was a call, a look-up and an
    escape (a fifth of the search page's template). ``get_template`` gives the template of
    the active language; outside the site's languages (translation deactivated), the texts
    are translated as the page is rendered (the ``translations`` context processor)."""

    language: str | None = None
    by_language: dict[str, LanguageEnvironment]

    def get_template(self, name: Any, parent: Any = None, globals: Any = None) -> Any:  # noqa: A002
        if self.language is None:
            compiled = self.by_language.get(get_language())
            if compiled is not None:
                return compiled.get_template(name, parent, globals)
        return super().get_template(name, parent, globals)


class TranslatedTexts(Extension):
    """``_("literal")`` replaced by the literal's translation into the environment's language
    when a template is compiled (the same catalogue the page would read, so the same text;
    ``makemessages`` still finds the literal in the template). Any other use of ``_`` is left
    to be called as the page is rendered."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        language = getattr(self.environment, "language", None)
        if language is None:
            yield from stream
            return
        catalogue = trans_real.translation(language)
        tokens = list(stream)
        at = 0
        while at < len(tokens):
            name, opening, text, closing = (tokens[at : at + 4] + [None] * 4)[:4]
            if (
                name.type == "name"
                and name.value in ("_", "gettext")
                and (at == 0 or tokens[at - 1].type != "dot")
                and opening is not None
                and opening.type == "lparen"
                and text.type == "string"
                and text.value
                and closing.type == "rparen"
            ):
                yield Token(name.lineno, "string", catalogue.gettext(text.value))
                at += 4
                continue
            yield name
            at += 1


def environment(**options: Any) -> Environment:
    env = LanguageEnvironment(**options, extensions=["jinja2.ext.i18n", TranslatedTexts])
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
    env.by_language = {}
    for code, _name in settings.LANGUAGES:
        # An overlay shares the environment's settings, filters and globals, with a template
        # cache of its own.
        compiled = env.overlay(cache_size=options.get("cache_size", 400))
        compiled.language = code
        env.by_language[code] = compiled
    return env


def translations(request: HttpRequest) -> dict[str, Any]:
    """The ``_()`` and ``ngettext()`` a page calls as it is rendered (texts that are not
    literals, and every text outside the site's languages) read the catalogue of the page's
    language directly (a context processor of the Jinja2 backend): Django's ``gettext`` looks
    the active language up again for each text. The same catalogue, so the same translations,
    as long as a page does not change its language while it is rendered, which none does."""
    catalogue = trans_real.translation(get_language())
    return {"_": catalogue.gettext, "gettext": catalogue.gettext, "ngettext": catalogue.ngettext}
