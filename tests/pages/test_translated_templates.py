"""Jinja2 templates are compiled once per language with their ``_("…")`` texts translated
(``perhekeskus.templating``): each language's page shows that language's texts, as the
catalogue gives them when the page is rendered."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

SOURCE = (
    '{{ _("Search for services") }}|{{ _("Results")|upper }}|{{ _(word) }}|'
    '{{ _("place: %(place)s")|format(place="<b>") }}|{{ _("") }}'
)


def at_render(text: str) -> str:
    """``_`` as the page is rendered: marks what was not translated when compiled."""
    return f"[{text}]"


def rendered(language: str | None) -> str:
    environment = engines["jinja2"].env
    if language is None:
        with translation.override(None):
            return environment.from_string(SOURCE).render(_=at_render, word="Results")
    compiled = environment.by_language[language]
    with translation.override(language):
        return compiled.from_string(SOURCE).render(_=at_render, word="Results")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_texts_are_translated_when_the_template_is_compiled(language: str) -> None:
    with translation.override(language):
        expected = [
            gettext("Search for services"),
            gettext("Results").upper(),
            "[Results]",  # not a literal: translated as the page is rendered
            gettext("place: %(place)s") % {"place": "&lt;b&gt;"},
            "[]",  # the empty text is not looked up (it names the catalogue's header)
        ]
    assert rendered(language).split("|") == expected
    assert expected[0] != "Search for services" or language == "en"


def test_without_a_language_the_texts_are_translated_as_the_page_is_rendered() -> None:
    assert rendered(None).split("|")[:3] == ["[Search for services]", "[RESULTS]", "[Results]"]


def test_each_language_gets_its_own_compiled_template() -> None:
    environment = engines["jinja2"].env
    with translation.override("sv"):
        swedish = environment.get_template("services/search.html")
    with translation.override("fi"):
        finnish = environment.get_template("services/search.html")
    assert swedish is not finnish
    assert (swedish.environment.language, finnish.environment.language) == ("sv", "fi")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, heading",
    [("fi", "Hae palveluja"), ("sv", "Sök tjänster"), ("en", "Search for services")],
)
def test_the_search_page_is_in_the_language_of_its_address(language: str, heading: str) -> None:
    html = Client().get(f"/{language}/search/?q=neuvola").content.decode()
    assert f"<h1>{heading}</h1>" in html
