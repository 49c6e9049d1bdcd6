"""Finnish morphology from Voikko: a word's base forms and, for a compound, its parts.

Voikko (voikko-fi) is the Finnish morphological analyser the field uses; ``pyvoikko`` ships its
transducer and reads it in pure Python (``kfst``, with the ``kfst-rs`` accelerator when
installed), so nothing is fetched at run time. Both the indexed texts and the queries are
analysed alike (``services.search_index.word_terms``):

- *isille* → *isä*; *neuvolaan* → *neuvola*; *vanhempainpuhelimeen* → *vanhempainpuhelin*;
- *parisuhdeongelmat* → parts *pari*, *suhde*, *ongelma* (each as its base form), and the
  runs of parts that form longer words (*parisuhde*) are offered to the query
  (``compound_runs``).

A word Voikko does not know (a name, a typo, a Swedish or English word) has no analysis; the
Snowball stems cover it. The transducer is read at the first analysis (about a second), not at
import.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

# Voikko's word classes for prefixes (lähi-) and the like are kept as compound parts; parts
# shorter than this are not indexed on their own (they would match too much).
MIN_PART_LENGTH = 3
MAX_WORD_LENGTH = 60  # longer "words" are not analysed (nothing Finnish is that long)

_lock = threading.Lock()


@dataclass(frozen=True)
class Analysis:
    """Base forms of one word, and of its compound parts (empty for a simple word)."""

    lemmas: tuple[str, ...] = ()
    # Every run of a compound's parts (each part, and the shorter compounds inside it:
    # *lähisuhdeväkivalta* → *lähi*, *suhde*, *väki*, *valta*, *lähisuhde*, *väkivalta* ...),
    # each ending in its last part's base form.
    parts: tuple[str, ...] = ()
    # Each analysis's parts as (surface form, base form), for rebuilding longer words.
    part_forms: tuple[tuple[tuple[str, str], ...], ...] = ()


@functools.cache
def _analyser():  # noqa: ANN202 - pyvoikko's module, imported on first use
    import pyvoikko

    return pyvoikko


@functools.lru_cache(maxsize=200_000)
def analyse(word: str) -> Analysis:
    """Base forms and compound parts of a lower-case word (tried capitalised too, for names)."""
    if not word or len(word) > MAX_WORD_LENGTH or not word.isalpha():
        return Analysis()
    voikko = _analyser()
    with _lock:  # the transducer keeps lookup state
        results = voikko.analyse(word) or voikko.analyse(word.capitalize())
    lemmas: dict[str, None] = {}
    parts: dict[str, None] = {}
    forms = []
    for result in results:
        base = result.BASEFORM.replace("-", "").casefold()
        if base.isalpha():
            lemmas[base] = None
        compound = result.COMPOUND_PARTS or []
        if len(compound) > 1:
            pairs = tuple(
                (part.FORM.replace("-", "").casefold(), part.BASEFORM.replace("-", "").casefold())
                for part in compound
            )
            forms.append(pairs)
            for start in range(len(pairs)):
                for end in range(start + 1, len(pairs) + 1):
                    if end - start == len(pairs):
                        continue  # the whole word: a lemma already
                    run = "".join(form for form, _base in pairs[start : end - 1])
                    run += pairs[end - 1][1]
                    if len(run) >= MIN_PART_LENGTH and run.isalpha():
                        parts[run] = None
    return Analysis(tuple(lemmas), tuple(p for p in parts if p not in lemmas), tuple(forms))


def compound_runs(word: str) -> list[tuple[str, ...]]:
    """Ways to read a compound as shorter words: for *parisuhdeongelmat*, (*parisuhde*,
    *ongelma*), (*pari*, *suhde*, *ongelma*) ... — every split of its parts into runs, each
    run written as the compound writes it with the last part in its base form. The caller
    keeps the runs its index knows. Longest runs first; none for a simple word."""
    result: list[tuple[str, ...]] = []
    for pairs in analyse(word).part_forms:
        n = len(pairs)
        if n > 6:
            continue
        for mask in range(2 ** (n - 1) - 1, -1, -1):
            # Bit i set: parts i and i + 1 stay together. All bits set is the whole word.
            if mask == 2 ** (n - 1) - 1:
                continue
            runs, start = [], 0
            for i in range(n):
                if i == n - 1 or not mask & (1 << i):
                    run = "".join(form for form, _base in pairs[start:i]) + pairs[i][1]
                    runs.append(run)
                    start = i + 1
            candidate = tuple(runs)
            if candidate not in result:
                result.append(candidate)
    result.sort(key=len)
    return result
