"""How words are folded and stemmed, so that Finnish inflection and gradation match."""

from __future__ import annotations

import pytest

from services.search_index import (
    fold,
    joined,
    query_word,
    query_words,
    text_terms,
    word_terms,
)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("suhde", "suhte"),  # parisuhde / parisuhteen: d is the weak grade of t
        ("neuvonta", "neuvonna"),  # neuvonta / neuvonnan
        ("väkivalta", "vakivalla"),  # väkivalta / väkivallan
        ("kauppa", "kaupa"),  # kauppa / kaupan
        ("Äiti", "aiti"),
    ],
)
def test_gradation_and_diacritics_fold_alike(one: str, other: str) -> None:
    assert fold(one) == fold(other)


def test_a_swedish_d_after_a_consonant_is_kept() -> None:
    assert fold("våld") == "vald"


def test_a_word_is_indexed_as_itself_its_stems_and_its_base_form() -> None:
    # The Snowball stems, then Voikko's base form (issue 11: Finnish morphology).
    assert word_terms("neuvolassa") == ("neuvolassa", "neuvol", "neuvolass", "neuvola")


def test_a_finnish_compound_is_indexed_with_its_parts() -> None:
    terms = word_terms("parisuhdeongelmat")
    assert {"parisuhteonkelma", "pari", "suhte", "onkelma", "parisuhte"} <= set(terms)
    assert {"isa", "ryhma"} <= set(word_terms("isäryhmälle"))


def test_stop_words_and_single_letters_are_not_searched_by() -> None:
    assert [word.word for word in query_words("apua ja tukea eroon")] == [
        "apua",
        "tukea",
        "eroon",
    ]
    assert query_words("och i the a") == []
    assert query_words("minä en jaksa") == [query_word("jaksa")]


def test_a_query_word_is_looked_up_by_its_stems_and_its_base_forms() -> None:
    word = query_word("isille")
    assert word.known  # a Finnish word: its variants match whole terms and compound heads
    assert "isa" in word.all
    assert query_word("familjerådgivning").known is False


def test_index_columns_hold_sorted_terms_between_spaces() -> None:
    column = joined(text_terms(["Eropalvelut", None, "Ero"]))
    assert column.startswith(" ") and column.endswith(" ")
    assert " ero " in column and " eropalvelut " in column


@pytest.mark.parametrize(
    ("text", "compound", "not_indexed"),
    [
        # Finnish: the second word's head, by Voikko's parts.
        ("Äitiys- ja lastenneuvola", "äitiysneuvola", "äitiyslastenneuvola"),
        # Swedish, which Voikko does not know: each possible head of the second word.
        ("Mödra- och barnrådgivningen", "mödrarådgivning", "mödrabarnrådgivning"),
        ("Social- och hälsostationen", "socialstation", "socialhälsostation"),
    ],
)
def test_a_hyphen_for_a_shared_head_indexes_the_first_compound_whole(
    text: str, compound: str, not_indexed: str
) -> None:
    terms = text_terms([text])
    assert fold(compound) in terms
    assert fold(not_indexed) not in terms
