"""A query as it is searched: its words, read with morphology, the lexicon and spelling.

``plan_query`` turns the words a parent typed into ``Slot``s (``services.search_index``), one
per word (stop words and one-letter words aside):

1. the word itself: its variants and Voikko base forms;
2. the lexicon's concepts: *avioero* → separation, *isille* → fathers (phrases too: *väkivalta
   kotona*); the services classified under them match the word; a word read for a phrase
   adds a share of its own matches to the concept's weight (*emme saa lasta* is no search
   for *lapsi*, but *riita lasten asioista* still puts *eroriidat* first);
3. a compound that matches nothing as a whole is read in parts: Voikko's runs of parts
   (*parisuhdeongelmat* → *parisuhde* + *ongelma*), else two terms of the index vocabulary
   (*familjerådgivning* → *familje* + *rådgivning*);
4. a word still matching nothing is corrected to the closest word the search knows
   (``services.spelling``), and said so on the page;
5. a word matching nothing at all is left out, and said so.

``exact`` (the page's "search for the words only") skips 2 and 4.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.lexicon import lexicon
from services.morphology import analyse, compound_runs
from services.search_index import (
    SPELLER_CHANGES,
    Lookup,
    Slot,
    Snapshot,
    fold,
    query_word,
    query_words,
)
from services.spelling import Speller

# A corrected word's matches count this share of a word matched as typed.
SPELLING_QUALITY = 0.9
# A word of a lexicon phrase (*emme saa lasta* → infertility) is read for the phrase: the
# concept's weight plus this share of its own matches (*lasta* is in many names), which tells
# the services of the concept apart (``Slot.phrase``).
PHRASE_WORD_QUALITY = 0.25


@dataclass
class QueryPlan:
    slots: list[Slot] = field(default_factory=list)
    # (as typed, searched instead)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    # facet -> codes the lexicon found for the query's words, in the order found
    concepts: dict[str, list[str]] = field(default_factory=dict)
    # words that match nothing, as typed
    unmatched: list[str] = field(default_factory=list)

    @property
    def searchable(self) -> bool:
        return bool(self.slots)


def speller(snapshot: Snapshot) -> Speller:
    """The words this index knows (names, labels, the lexicon), made once per index; for an
    index patched after a change, from the corrector of the index before it and the names
    the change took out and put in (``search_index.SPELLER_CHANGES``)."""
    found = snapshot.fragments.get("speller")
    if found is None and (changes := snapshot.fragments.get(SPELLER_CHANGES)) is not None:
        made, removed, added = changes
        found = snapshot.fragments["speller"] = made.updated(removed=removed, added=added)
        snapshot.fragments.pop(SPELLER_CHANGES, None)  # the old corrector can go
    if found is None:
        texts: list[str] = []
        for keys in snapshot.name_keys.values():
            texts += keys.tolist()
        for labels in snapshot.labels.values():
            for names in labels.values():
                texts += names
        texts += [entry.words for entry in lexicon().entries]
        found = Speller(texts)
        snapshot.fragments["speller"] = found
    return found


def _concepts_of(words: list[str]) -> list[tuple[dict[str, set[str]], bool]]:
    """Per word, the concepts (facet -> codes) the lexicon lists it under, and whether a
    phrase of several words covers it."""
    result: list[tuple[dict[str, set[str]], bool]] = [({}, False) for _ in words]
    for entry, positions in lexicon().matches(words):
        for position in positions:
            concepts, in_phrase = result[position]
            concepts.setdefault(entry.kind, set()).add(entry.code)
            result[position] = (concepts, in_phrase or len(positions) > 1)
    return result


def _parts(snapshot: Snapshot, word: str) -> tuple[Lookup, ...]:
    """A compound that matches nothing as a whole, read in parts the index all knows (the
    fewest); none when some part is unknown (*uhmaikä* is no search for *ikä*)."""
    for run in compound_runs(word):
        lookups = tuple(Lookup.of(query_word(part)) for part in run)
        if all(snapshot.finds(lookup) for lookup in lookups):
            return lookups
    if analyse(word).part_forms:
        return ()
    split = snapshot.terms.split(fold(word), snapshot.holds)
    if split:
        return tuple(Lookup.of(query_word(part)) for part in split)
    return ()


def plan_query(text: str, snapshot: Snapshot, *, exact: bool = False) -> QueryPlan:
    plan = QueryPlan()
    looked_up = query_words(text)
    typed = [word.word for word in looked_up]
    concepts = [({}, False) for _ in typed] if exact else _concepts_of(typed)
    for word, (word_concepts, in_phrase) in zip(looked_up, concepts, strict=True):
        lookup = Lookup.of(word)
        quality = PHRASE_WORD_QUALITY if in_phrase else 1.0
        parts: tuple[Lookup, ...] = ()
        if not snapshot.finds(lookup):
            parts = _parts(snapshot, word.word)
            if not parts and not word_concepts and not exact:
                corrected = speller(snapshot).correct(word.word)
                if corrected:
                    plan.corrections.append((word.word, corrected))
                    lookup = Lookup.of(query_word(corrected))
                    quality = SPELLING_QUALITY
                    word_concepts = _concepts_of([corrected])[0][0]
                    if not snapshot.finds(lookup):
                        parts = _parts(snapshot, corrected)
        frozen = {facet: frozenset(codes) for facet, codes in word_concepts.items()}
        slot = Slot(word.word, lookup, quality, frozen, parts, phrase=in_phrase)
        if not (snapshot.finds(lookup) or parts or snapshot.any_classified(frozen)):
            plan.unmatched.append(word.word)
            continue
        plan.slots.append(slot)
        for facet, codes in word_concepts.items():
            listed = plan.concepts.setdefault(facet, [])
            listed += sorted(code for code in codes if code not in listed)
    return plan
