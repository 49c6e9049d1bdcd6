"""Spelling: a query word that matches nothing, close to a word the search knows, is corrected.

The words the search knows are those of the services' names (in all three languages; a Finnish
compound's parts too), of the taxonomy labels and of the lexicon (``services.lexicon``): the
words parents are looking for.
They are compared folded (case, diacritics and Finnish consonant gradation aside), so
*vakivalta* is no misspelling at all and *neuvla* is one letter from *neuvola*. Distances are
Levenshtein's (RapidFuzz); ties go to the word used in more names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from services.morphology import analyse
from services.search_index import fold, words

MIN_LENGTH = 4  # shorter words are not corrected (too many neighbours)
LONG_WORD = 10  # from this length two edits are allowed, below one


def compound_parts(word: str) -> list[str]:
    """The parts of a Finnish compound, each in its base form, long enough to correct to."""
    return [
        base
        for pairs in analyse(word).part_forms
        for _form, base in pairs
        if len(base) >= MIN_LENGTH and base.isalpha()
    ]


def _known_words(texts: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(folded, as written) for each word of the texts worth correcting to."""
    for text in texts:
        for word in words(text):
            if len(word) >= MIN_LENGTH and word.isalpha():
                # A compound's parts are words too: *neuvla* → *neuvola*, from the names'
                # *äitiysneuvola* and *lastenneuvola*.
                for known in (word, *compound_parts(word)):
                    yield fold(known), known


class Speller:
    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        shown: dict[str, str] = {}
        for key, known in _known_words(texts):
            counts[key] += 1
            shown.setdefault(key, known)
        self.counts = counts
        self.shown = shown
        self.keys = list(shown)

    def updated(self, *, removed: Iterable[str], added: Iterable[str]) -> Speller:
        """This speller with the words of the texts ``removed`` taken out and those of
        ``added`` put in: what ``Speller`` of the texts as they are now would know, without
        reading all of them again (a change to a few names, on an index of thousands)."""
        new = Speller(())
        counts = new.counts = self.counts.copy()
        shown = new.shown = dict(self.shown)
        # Put in first: a text put in by one change may be taken out by the next.
        for key, known in _known_words(added):
            counts[key] += 1
            shown.setdefault(key, known)
        for key, _known in _known_words(removed):
            counts[key] -= 1
            if counts[key] <= 0:
                del counts[key]
                shown.pop(key, None)
        new.keys = list(shown)
        return new

    def correct(self, word: str) -> str | None:
        """The known word closest to ``word`` (as it is written in the names), or None."""
        key = fold(word)
        if len(key) < MIN_LENGTH or not key.isalpha() or key in self.shown:
            return None
        limit = 2 if len(key) >= LONG_WORD else 1
        found = process.extract(
            key, self.keys, scorer=Levenshtein.distance, score_cutoff=limit, limit=20
        )
        if not found:
            return None
        best = min(found, key=lambda item: (item[1], -self.counts[item[0]], item[0]))
        return self.shown[best[0]]
