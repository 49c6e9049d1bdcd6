"""The lexicon: everyday words to the taxonomy, data files checked like code (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.lexicon import (
    LANGUAGES,
    LEXICON_DIR,
    LexiconError,
    lexicon,
    load_lexicon,
    taxonomy_codes,
)

HEADER = "words,kind,code\n"


def write(directory: Path, **files: str) -> Path:
    for language in LANGUAGES:
        text = files.get(language, HEADER + "apu,life_situation,SEPARATION\n")
        (directory / f"{language}.csv").write_text(text, encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + "avioero,life_situation,SEPARATION\nero,life_situation\n",
            "fi.csv:3: expected 3",
        ),
        (HEADER + "ero,feeling,SEPARATION\n", "fi.csv:2: unknown kind 'feeling'"),
        (HEADER + "# a comment\nero,life_situation,DIVORCE\n", "fi.csv:3: unknown life_situation"),
        (HEADER + "ero,target_group,SEPARATION\n", "fi.csv:2: unknown target_group"),
        (HEADER + "ja,life_situation,SEPARATION\n", "fi.csv:2: no searchable word"),
        (HEADER + "ero,life_situation,SEPARATION\nero,life_situation,SEPARATION\n", "fi.csv:3:"),
        ("word,kind,code\nero,life_situation,SEPARATION\n", "fi.csv:1: the first line must be"),
        ("", "fi.csv: empty"),
        (HEADER + '"ero,life_situation,SEPARATION\n', "fi.csv"),
        (
            HEADER + "aa bb cc dd ee ff gg,life_situation,SEPARATION\n",
            "fi.csv:2: more than 6 words",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_its_name_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(LexiconError) as raised:
        load_lexicon(write(tmp_path, fi=text))
    assert message in str(raised.value)


def test_a_file_that_is_not_utf8_or_missing_is_refused(tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / "sv.csv").write_bytes(b"words,kind,code\nskilsm\xe4ssa,life_situation,SEPARATION\n")
    with pytest.raises(LexiconError, match=r"sv\.csv: not UTF-8"):
        load_lexicon(tmp_path)
    (tmp_path / "sv.csv").unlink()
    with pytest.raises(LexiconError, match=r"sv\.csv: missing"):
        load_lexicon(tmp_path)


def test_the_shipped_files_load() -> None:
    assert len(load_lexicon(LEXICON_DIR).entries) > 400


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["life_situation", "target_group"])
def test_every_life_situation_and_target_group_has_words_in_each_language(
    language: str, kind: str
) -> None:
    assert lexicon().codes(kind, language) == taxonomy_codes()[kind]


def test_words_are_found_in_their_inflected_forms_and_phrases_in_any_order() -> None:
    def found(*words: str) -> set[str]:
        return {entry.code for entry, _positions in lexicon().matches(list(words))}

    assert "SEPARATION" in found("avioeroon")
    assert "SEPARATION" in found("skilsmässan")
    assert "SEPARATION" in found("divorced")
    assert "FATHERS" in found("isille")
    assert "VIOLENCE" in found("kotona", "väkivaltaa")
    assert "VIOLENCE" in found("kotiväkivalta")  # a compound's head
    assert found("kahvi") == set()
