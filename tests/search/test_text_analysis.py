"""How words are folded and stemmed, so that Finnish inflection and gradation match."""

from __future__ import annotations

import pytest

from services.search_index import fold, joined, query_words, text_terms, word_terms


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


def test_a_word_is_indexed_as_itself_and_as_its_stems() -> None:
    assert word_terms("neuvolassa") == ("neuvolassa", "neuvol", "neuvolass")


def test_stop_words_and_single_letters_are_not_searched_by() -> None:
    assert query_words("apua ja tukea eroon") == [
        word_terms("apua"),
        word_terms("tukea"),
        word_terms("eroon"),
    ]
    assert query_words("och i the a") == []


def test_index_columns_hold_sorted_terms_between_spaces() -> None:
    column = joined(text_terms(["Eropalvelut", None, "Ero"]))
    assert column.startswith(" ") and column.endswith(" ")
    assert " ero " in column and " eropalvelut " in column
