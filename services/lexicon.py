"""Everyday words and phrases parents type, mapped to the taxonomy (life situations, target groups).

The data are CSV files in ``services/data/lexicon/`` (``fi.csv``, ``sv.csv``, ``en.csv``),
reviewed like code: ``words,kind,code`` per line, ``#`` comments. A query word found there
makes the search count services classified under that life situation or target group as
matching it, and rank them higher (``services.search_query``); the page says "showing support
for: …" with a way to search the words only.

Words are compared by their keys: the folded word, plus its Voikko base forms for Finnish
entries and its Snowball stem for Swedish and English ones; a query word has all of them. So
*avioero* in the file also finds *avioeroon*, and *skilsmässa* finds *skilsmässan*. A phrase
matches when each of its words (stop words aside) is among the query's words, in any order.

``load_lexicon`` refuses a malformed file with its name and line (``LexiconError``).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from services.morphology import analyse, compound_runs
from services.search_index import STOP_WORDS, fold, stem, words

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicon"
LANGUAGES = ("fi", "sv", "en")
# What a lexicon line may name: life situations and target groups (DOMAIN.md; every code is
# covered in each language, tested), and the channels and low-threshold attributes parents
# describe in words (*soittaa*, *ilmainen*).
KINDS = ("life_situation", "target_group", "channel", "attribute")
HEADER = ["words", "kind", "code"]
# A compound's head stands for the whole word only for what a family needs (*kotiväkivalta* →
# violence), not for how the support is given.
HEAD_KINDS = frozenset({"life_situation", "target_group"})
MAX_WORDS = 6


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class Entry:
    words: str  # as written in the file
    kind: str
    code: str
    keys: tuple[frozenset[str], ...]  # per word of the entry (stop words left out)
    source: str  # "fi.csv:12"


def entry_keys(word: str, language: str) -> frozenset[str]:
    """How a lexicon word of ``language`` is recognised."""
    keys = {fold(word)}
    if language == "fi":
        keys.update(fold(lemma) for lemma in analyse(word).lemmas)
    else:
        keys.add(fold(stem(word, language)))
    return frozenset(key for key in keys if len(key) >= 2)


@functools.lru_cache(maxsize=50_000)
def query_keys(word: str) -> frozenset[str]:
    """Every key a query word may be listed under, in any of the three languages."""
    keys = {fold(word), fold(stem(word, "sv")), fold(stem(word, "en"))}
    if word.endswith("n"):
        # Swedish definite forms Snowball keeps whole: *skilsmässan* → *skilsmässa*.
        keys.add(fold(stem(word[:-1], "sv")))
    keys.update(fold(lemma) for lemma in analyse(word).lemmas)
    return frozenset(key for key in keys if len(key) >= 2)


@functools.lru_cache(maxsize=50_000)
def head_keys(word: str) -> frozenset[str]:
    """Keys of a compound's heads (*kotiväkivalta* → *väkivalta*), tried when the whole word
    is not listed."""
    heads = set()
    for runs in compound_runs(word):
        if len(runs) > 1:
            heads.add(fold(runs[-1]))
    return frozenset(heads)


class Lexicon:
    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self.by_key: dict[str, list[Entry]] = {}
        for entry in self.entries:
            for key in entry.keys[0]:
                self.by_key.setdefault(key, []).append(entry)

    def codes(self, kind: str, language: str | None = None) -> set[str]:
        return {
            entry.code
            for entry in self.entries
            if entry.kind == kind
            and (language is None or entry.source.startswith(f"{language}.csv"))
        }

    def matches(self, query: Sequence[str]) -> list[tuple[Entry, tuple[int, ...]]]:
        """Entries found among the query's words, each with the positions of the words it
        covers. A word not listed whole is tried by its compound's head."""
        keys = [query_keys(word) for word in query]
        found: list[tuple[Entry, tuple[int, ...]]] = []
        seen: set[tuple[str, str, str]] = set()
        covered: set[int] = set()
        for pass_keys in (keys, [head_keys(word) for word in query]):
            for start, first in enumerate(pass_keys):
                if pass_keys is not keys and start in covered:
                    continue
                for key in first:
                    for entry in self.by_key.get(key, ()):
                        if pass_keys is not keys and entry.kind not in HEAD_KINDS:
                            continue  # *vanhempainchat* is a name, no search for any chat
                        positions = self._positions(entry, keys, start)
                        ident = (entry.words, entry.kind, entry.code)
                        if positions is not None and ident not in seen:
                            seen.add(ident)
                            found.append((entry, positions))
                            covered.update(positions)
        return found

    @staticmethod
    def _positions(entry: Entry, keys: list[frozenset[str]], start: int) -> tuple[int, ...] | None:
        positions = [start]
        for wanted in entry.keys[1:]:
            position = next(
                (i for i, have in enumerate(keys) if i not in positions and have & wanted), None
            )
            if position is None:
                return None
            positions.append(position)
        return tuple(sorted(positions))


def read_file(path: Path, language: str, known: dict[str, set[str]] | None) -> list[Entry]:
    """The entries of one file; ``known``: the codes each kind may use (None: not checked)."""
    entries: list[Entry] = []
    seen: set[tuple[str, str, str]] = set()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise LexiconError(f"{path.name}: not UTF-8 text ({error.reason})") from error
    header_seen = False
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        where = f"{path.name}:{number}"
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if not header_seen:
            if cells != HEADER:
                raise LexiconError(f"{where}: the first line must be {','.join(HEADER)}")
            header_seen = True
            continue
        if len(cells) != 3:
            raise LexiconError(f"{where}: expected 3 fields (words,kind,code), found {len(cells)}")
        phrase, kind, code = cells
        if kind not in KINDS:
            raise LexiconError(f"{where}: unknown kind {kind!r} (use {' or '.join(KINDS)})")
        if known is not None and code not in known[kind]:
            raise LexiconError(f"{where}: unknown {kind} code {code!r}")
        phrase_words = [word for word in words(phrase) if word not in STOP_WORDS]
        if not phrase_words:
            raise LexiconError(f"{where}: no searchable word in {phrase!r}")
        if len(phrase_words) > MAX_WORDS:
            raise LexiconError(f"{where}: more than {MAX_WORDS} words in {phrase!r}")
        ident = (" ".join(phrase_words), kind, code)
        if ident in seen:
            raise LexiconError(f"{where}: {phrase!r} → {code} is listed twice")
        seen.add(ident)
        keys = tuple(entry_keys(word, language) for word in phrase_words)
        entries.append(Entry(phrase, kind, code, keys, where))
    if not header_seen:
        raise LexiconError(f"{path.name}: empty (the first line must be {','.join(HEADER)})")
    return entries


def taxonomy_codes() -> dict[str, set[str]]:
    """The codes of each kind, from the reference data file."""
    path = Path(__file__).resolve().parent / "data" / "reference" / "taxonomies.csv"
    codes: dict[str, set[str]] = {kind: set() for kind in KINDS}
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if row["taxonomy"] in codes:
                codes[row["taxonomy"]].add(row["code"])
    return codes


def load_lexicon(directory: Path = LEXICON_DIR, languages: Iterable[str] = LANGUAGES) -> Lexicon:
    """Read and check ``{fi,sv,en}.csv`` (a missing file is an error)."""
    known = taxonomy_codes()
    entries: list[Entry] = []
    for language in languages:
        path = directory / f"{language}.csv"
        if not path.exists():
            raise LexiconError(f"{path.name}: missing")
        entries += read_file(path, language, known)
    return Lexicon(entries)


@functools.cache
def lexicon() -> Lexicon:
    """The shipped lexicon, read once per process."""
    return load_lexicon()
