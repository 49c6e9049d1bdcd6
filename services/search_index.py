"""The search index: Finnish-, Swedish- and English-aware terms, kept in step with the catalogue.

How words match (the same on SQLite, PostgreSQL and in memory):

- A text is split into words; each word is indexed as itself, its Finnish, Swedish and English
  Snowball stems and its Voikko base forms and compound parts (``services.morphology``:
  *isille* → *isä*; *parisuhdeongelmat* → *pari*, *suhde*, *ongelma*, *parisuhde*), all
  *folded*: lower case, without diacritics (ä → a), with Finnish consonant gradation evened out
  (d → t after a vowel or h, nt → nn, lt → ll, rt → rr, mp → mm, ng → nk, kk → k, pp → p,
  tt → t). Taxonomy labels (channels, target groups, life situations, ...) are matched once
  each and find the services classified under them.
- A query word gives the same variants (the word and its three stems, folded) and its base
  forms (whole terms only). A word Voikko knows (Finnish) matches whole terms and term ends
  (compound heads: *neuvola* in *äitiysneuvola*), a three-letter one whole terms only (*isä*,
  a part of *isäryhmä*, but not the end of *eloisa*). Another word's variant of four or more
  letters matches inside any indexed term (*familjerådgivning*); one of three letters a whole
  term or the start of one at least three letters longer; shorter ones only a whole term. A
  query word that matches nothing at all is tried again with up to three letters cut off its
  variants' ends, the stem changes the stemmer does not know.
- ``services.search_query`` plans a query: per word, its own reading, the lexicon's concepts,
  a compound read in parts, a spelling correction. ``Snapshot.text_match`` scores it BM25-like:
  per word, idf × the weight of the best field it matched in — name 10, summary 4, keywords
  (provider, places, classifications) 2, description 1; a classification the lexicon found for
  the word up to 3 — in full for a whole term or a term's end, times 0.6 for another part; the
  words add up. The coverage (the
  share of the query's words a service matches, a word about a life situation or target group
  counting twice) ranks first, and services covering under half of what the best covers are
  left out: a word that matches nothing, or a stop word, never empties the result.

``SearchIndexEntry`` rows hold the terms per field; ``reindex_services`` writes them and bumps
``SearchIndexVersion``. Each process holds one ``Snapshot`` — the index and the facts the
filters need, of all published services, in numpy arrays — and reloads it when the version in
the database differs from its own (``current_snapshot``, one primary-key read).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import logging
import math
import re
import threading
import unicodedata
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import snowballstemmer
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from services import availability
from services.models import (
    Attribute,
    Channel,
    Language,
    LifeSituation,
    Location,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    PostalArea,
    SearchIndexChange,
    SearchIndexEntry,
    SearchIndexVersion,
    SupportService,
    TargetGroup,
    Tier,
)
from services.morphology import analyse

logger = logging.getLogger(__name__)

LANGUAGES = ("fi", "sv", "en")
VERSION_KEY = "catalogue"
VERSION_CACHE_KEY = "search-index-version"
VERSION_CACHE_SECONDS = 60
# Field weights; a match on a part of a term (a compound word's part) counts this share.
FIELDS = ("name", "summary", "keyword", "description")
WEIGHTS = {"name": 10.0, "summary": 4.0, "keyword": 2.0, "description": 1.0}
PARTIAL = 0.6
# Variants this long match anywhere inside a term; three letters match a term's start or end.
INFIX_MIN = 4
AFFIX_MIN = 3
# A three-letter variant matching a term's start leaves at least this much of it: the rest of a
# compound word, not an inflection.
COMPOUND_REST_MIN = 3
# A query word matching nothing is retried with this many letters cut off, down to this length.
TRUNCATE_MAX = 3
TRUNCATE_MIN_LENGTH = 5
MAX_QUERY_WORDS = 12
# Parts of a compound split against the index vocabulary have at least this many letters.
SPLIT_MIN = 4
# A process whose index is behind by changes to at most this many services updates it for
# them (``patch_snapshot``); beyond, or after a rebuild, it reads the whole index again.
PATCH_MAX_SERVICES = 2000
# Ranking (``Snapshot.text_match``): a service classified under a concept the query names
# weighs like a keyword match; a compound matched by its parts counts this share.
CONCEPT_WEIGHT = 3.0
# A word the lexicon knows is about what the parent needs; it weighs this much more than an
# equally rare word it does not know (*paljon*, a place's street name).
CONCEPT_EMPHASIS = 2.0
PARTS_QUALITY = 0.8
# The facets that say what a family needs (a channel or "free" says how): only their words are
# emphasised (*chat väkivalta*: a violence service before any chat).
NEED_FACETS = frozenset({"life_situation", "target_group"})
# Services matching less than this share of what the best match covers are left out: when
# some service matches every word, one matching a third of the query is noise; one matching
# one of two words still helps (*väsynyt äiti*: support for exhaustion, if not for mothers).
KEEP_SHARE = 0.5
COVERAGE_EPSILON = 1e-9
# Changes are kept this long for processes to catch up with; an older index is read afresh.
CHANGES_KEPT_SECONDS = 24 * 60 * 60
# Dead terms (of texts changed since) make an updated index larger: read afresh after this
# many updates.
PATCHES_BEFORE_RELOAD = 500
EARTH_RADIUS_KM = 6371.0088

# Words too common to search by (they would match nearly everything, or nothing as a term).
STOP_WORDS = frozenset(
    """
    ja tai sekä on ei se ne ovat oli olla että kun jos kuin myös vain mutta niin nyt tämä
    joka jotka mikä mitä miten missä mä minä sinä hän me te he minun sinun
    olen olet olemme olette olin olisi ole oltu emme en et eivät meillä minulla meidän
    meille minulle mulla mulle mun mut sitä siitä tästä tätä jo vielä aivan todella tosi
    hyvin paljon liian kovin niin vähän enää jotain jotakin joku kaikki mitään mikään
    voi voisi pitää pitäisi kanssa ilman koska vaikka sitten kuten kun jälkeen ennen aikana
    takia vuoksi kautta luona
    och eller att det den som är en ett i på av för med till om från har inte jag du vi ni de
    man kan så men min mitt mina vår vårt våra mycket väldigt har hade blir vill
    the a an and or of to in on at for with by from is are be it its as this that my your our
    you we they i me can how what where who am was were have has had do does very really
    so too much many some any want need get getting got after before
    """.split()
)

_STEMMERS = {
    language: snowballstemmer.stemmer(name)
    for language, name in (("fi", "finnish"), ("sv", "swedish"), ("en", "english"))
}
_STEMMER_LOCK = threading.Lock()
_WORD_RE = re.compile(r"[^\W_]+")
# d is the weak grade of t after a vowel or h (pöydän, suhde); elsewhere (Swedish våld) it stays.
_WEAK_D_RE = re.compile(r"(?<=[aeiouyh])d")
_GRADATION = (
    ("nt", "nn"),
    ("lt", "ll"),
    ("rt", "rr"),
    ("mp", "mm"),
    ("ng", "nk"),
    ("kk", "k"),
    ("pp", "p"),
    ("tt", "t"),
)


def _without_marks(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


# Latin letters with diacritics (U+00C0–U+024F) to their base letters, for str.translate.
_DIACRITICS = {
    code: _without_marks(chr(code))
    for code in range(0xC0, 0x250)
    if _without_marks(chr(code)) != chr(code)
}


def strip_diacritics(text: str) -> str:
    """ä → a, Å → A, é → e; other letters (and scripts) unchanged."""
    return text.translate(_DIACRITICS)


@functools.lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case, no diacritics, Finnish consonant gradation evened out."""
    folded = _WEAK_D_RE.sub("t", strip_diacritics(word.casefold()))
    for strong, weak in _GRADATION:
        folded = folded.replace(strong, weak)
    return folded


def stem(word: str, language: str) -> str:
    """The Snowball stem of a lower-case word in ``language`` (fi, sv or en)."""
    with _STEMMER_LOCK:  # Snowball stemmers keep state between calls
        return _STEMMERS[language].stemWord(word)


@functools.lru_cache(maxsize=200_000)
def _snowball_terms(lowered: str) -> tuple[str, ...]:
    """The folded word and its folded Finnish, Swedish and English stems, distinct."""
    with _STEMMER_LOCK:
        stems = [stemmer.stemWord(lowered) for stemmer in _STEMMERS.values()]
    terms = dict.fromkeys(fold(term) for term in (lowered, *stems))
    return tuple(term for term in terms if len(term) >= 2)


@functools.lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """What a word of a text is indexed as: itself and its Snowball stems, its Voikko base
    forms and, for a Finnish compound, its parts' base forms — all folded, distinct."""
    lowered = word.casefold()
    analysis = analyse(lowered)
    terms = dict.fromkeys(_snowball_terms(lowered))
    terms.update(dict.fromkeys(fold(term) for term in (*analysis.lemmas, *analysis.parts)))
    return tuple(term for term in terms if len(term) >= 2)


@dataclass(frozen=True)
class QueryWord:
    """One word of a query as it is looked up: ``variants`` (the word and its stems) by the
    length rules above; ``lemmas`` (Voikko base forms that are no variant) as whole terms only,
    since every indexed word carries its base forms (so *kotona* → *koto* finds *koto*, not
    *kotoutuvat*)."""

    word: str
    variants: tuple[str, ...]
    lemmas: tuple[str, ...] = ()
    known: bool = False  # Voikko analysed it: a Finnish word

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.variants, *self.lemmas)


@functools.lru_cache(maxsize=50_000)
def query_word(word: str) -> QueryWord:
    lowered = word.casefold()
    variants = _snowball_terms(lowered)
    lemmas = [fold(lemma) for lemma in analyse(lowered).lemmas]
    exact = tuple(lemma for lemma in dict.fromkeys(lemmas) if lemma not in variants)
    return QueryWord(
        lowered, variants, tuple(lemma for lemma in exact if len(lemma) >= 2), bool(lemmas)
    )


def words(text: str) -> list[str]:
    """The words of a text, without the stop words and one-letter words."""
    return [
        word
        for word in _WORD_RE.findall(unicodedata.normalize("NFC", text.casefold()))
        if len(word) > 1 and word not in STOP_WORDS
    ]


# "Äitiys- ja lastenneuvola": the first word borrows the second's head (äitiysneuvola).
_SHARED_HEAD_RE = re.compile(r"([^\W\d_]+)-\s+(?:ja|tai|sekä|och|eller|and|or)\s+([^\W\d_]+)")


def shared_heads(text: str) -> list[str]:
    """Compounds a text writes with a hyphen for a shared head. Finnish, by the second word's
    parts: *äitiys- ja lastenneuvola* → *äitiysneuvola*. A second word the analyser does not
    know (Swedish, English) gives the first word with each of its possible heads:
    *mödra- och barnrådgivningen* → *mödrarådgivningen* among *mödranrådgivningen*,
    *mödraådgivningen* …, which no one searches for (and which hold no letters the two words
    do not)."""
    found = []
    for first, second in _SHARED_HEAD_RE.findall(text):
        pieces = analyse(second.casefold()).part_forms
        if pieces:
            found.append(first + pieces[0][-1][0])
        else:
            found += [first + second[cut:] for cut in range(3, len(second) - SPLIT_MIN + 1)]
    return found


def text_terms(texts: Iterable[str | None]) -> set[str]:
    terms: set[str] = set()
    for text in texts:
        if text:
            for word in [*words(text), *shared_heads(text)]:
                terms.update(word_terms(word))
    return terms


def joined(terms: Iterable[str]) -> str:
    """Terms as a column holds them: sorted, space-separated, a space at both ends."""
    ordered = sorted(set(terms))
    return f" {' '.join(ordered)} " if ordered else ""


def query_words(text: str) -> list[QueryWord]:
    """Each distinct word of a query as it is looked up (see the module docstring)."""
    result: list[QueryWord] = []
    for word in dict.fromkeys(words(text)):
        looked_up = query_word(word)
        if looked_up.variants or looked_up.lemmas:
            result.append(looked_up)
        if len(result) == MAX_QUERY_WORDS:
            break
    return result


def match_rule(variant: str, *, ends: bool = False) -> str:
    """``infix``, ``prefix`` (the start of a longer term) or ``exact``, by the variant's length;
    ``end`` (the whole term or its end) for a Finnish word's variants (``ends``)."""
    if ends:
        # A Finnish word's three-letter variant is a whole term only: indexed compounds carry
        # their parts (*isä* in *isäryhmä*), and *isä* at the end of *eloisa* is no match.
        return "end" if len(variant) >= INFIX_MIN else "exact"
    if len(variant) >= INFIX_MIN:
        return "infix"
    if len(variant) >= AFFIX_MIN:
        return "prefix"
    return "exact"


# Writing the index.


def _all_languages(obj: object, name: str) -> list[str | None]:
    return [getattr(obj, f"{name}_{language}", None) for language in LANGUAGES]


def _translated(name: str) -> list[str]:
    return [f"{name}_{language}" for language in LANGUAGES]


def _entries(ids: Sequence[int]) -> list[SearchIndexEntry]:
    """Index entries of these published services, from plain values (no model instances).

    Taxonomy labels (tier, channels, target groups, ...) are not copied into every entry: the
    in-memory index matches them once per label and finds the services through the filters.
    """
    keywords: dict[int, list[str | None]] = defaultdict(list)
    municipality_names = {
        code: names
        for code, *names in Municipality.objects.values_list("code", *_translated("name"))
    }
    for service_id, municipality, *names in Location.objects.filter(service_id__in=ids).values_list(
        "service_id", "municipality_id", *_translated("name")
    ):
        keywords[service_id] += [*names, *municipality_names.get(municipality, [])]
    methods = SupportService.methods.through.objects.filter(supportservice_id__in=ids)
    for service_id, *names in methods.values_list(
        "supportservice_id", *(f"method__{name}" for name in _translated("name"))
    ):
        keywords[service_id] += names
    text_fields = ("summary", "description", "how_to_get", "eligibility")
    columns = [
        *_translated("name"),
        *(column for name in text_fields for column in _translated(name)),
        *(f"organisation__{column}" for column in _translated("name")),
    ]
    entries = []
    for service_id, *values in (
        SupportService.objects.published().filter(pk__in=ids).values_list("pk", *columns)
    ):
        name, summary, rest = values[:3], values[3:6], values[6:15]
        organisation = values[15:18]
        entries.append(
            SearchIndexEntry(
                service_id=service_id,
                name_terms=joined(text_terms(name)),
                summary_terms=joined(text_terms(summary)),
                keyword_terms=joined(text_terms([*organisation, *keywords[service_id]])),
                description_terms=joined(text_terms(rest)),
            )
        )
    return entries


def shared_cache() -> bool:
    """Is the default cache shared by all web processes (Redis)?"""
    return "django_redis" in settings.CACHES["default"]["BACKEND"]


def bump_version(service_ids: Iterable[int] | None = None) -> str:
    """A new index version: every process updates its index (for ``service_ids`` only, when
    given), every cached result page is outdated."""
    value = uuid.uuid4().hex
    with transaction.atomic():
        rows = SearchIndexVersion.objects.filter(key=VERSION_KEY)
        if not rows.update(value=value, sequence=F("sequence") + 1):
            SearchIndexVersion.objects.update_or_create(
                key=VERSION_KEY, defaults={"value": value, "sequence": 1}
            )
        sequence = rows.values_list("sequence", flat=True).get()
        ids = None if service_ids is None else sorted(set(service_ids))
        SearchIndexChange.objects.create(sequence=sequence, service_ids=ids)
        SearchIndexChange.objects.filter(
            created_at__lt=timezone.now() - dt.timedelta(seconds=CHANGES_KEPT_SECONDS)
        ).delete()
    if shared_cache():
        transaction.on_commit(
            lambda: cache.set(VERSION_CACHE_KEY, value, VERSION_CACHE_SECONDS), robust=True
        )
    return value


def reindex_services(
    *, service_ids: Iterable[int], batch_size: int = 1000, partial: bool = True
) -> int:
    """Rewrite the index entries of these services (drop those no longer published).

    Returns the number of entries written; bumps the index version in any case (``partial``:
    naming the services, so that processes update only them).
    """
    ids = sorted(set(service_ids))
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            SearchIndexEntry.objects.filter(service_id__in=batch).delete()
            entries = _entries(batch)
            SearchIndexEntry.objects.bulk_create(entries, batch_size=500)
            written += len(entries)
        bump_version(ids if partial else None)
    return written


def rebuild_search_index() -> int:
    """Index every published service afresh; entries of other services are removed."""
    with transaction.atomic():
        SearchIndexEntry.objects.exclude(service__status=SupportService.Status.PUBLISHED).delete()
        ids = list(SupportService.objects.published().values_list("pk", flat=True))
        return reindex_services(service_ids=ids, partial=False)


def catalogue_changed(*, service_ids: list[int]) -> None:
    """Handler for ``settings.CATALOGUE_CHANGE_HANDLERS``: keep the index in step at once.

    It runs in the process that made the change, right after the commit, so that the next
    search anywhere sees the change (a queued task would leave a window of stale results).
    """
    reindex_services(service_ids=service_ids)


# Reading the index into memory.


@dataclass
class Gazetteer:
    """Municipalities and postal areas, for resolving places and locations without a point."""

    municipalities: dict[str, Municipality]
    # code -> (name fi, sv, en, municipality code, latitude, longitude)
    postal_rows: dict[str, tuple[str, str, str, str, float, float]]
    by_name: dict[str, Municipality]
    # Postal areas made from their rows, each once (read only, shared by the requests).
    areas: dict[str, PostalArea] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls) -> Gazetteer:
        municipalities = {m.code: m for m in Municipality.objects.all()}
        postal_rows = {
            code: rest
            for code, *rest in PostalArea.objects.values_list(
                "code", "name_fi", "name_sv", "name_en", "municipality_id", "latitude", "longitude"
            )
        }
        by_name: dict[str, Municipality] = {}
        for municipality in municipalities.values():
            for name in _all_languages(municipality, "name"):
                if name:
                    by_name.setdefault(place_key(name), municipality)
        return cls(municipalities, postal_rows, by_name)  # type: ignore[arg-type]

    def point(self, postal_code: str) -> tuple[float, float] | None:
        row = self.postal_rows.get(postal_code)
        return (row[4], row[5]) if row else None

    def postal_area(self, code: str) -> PostalArea | None:
        """The postal area ``code`` (with its municipality), or None. Not to be changed: the
        same instance is given to every request."""
        if (area := self.areas.get(code)) is not None:
            return area
        row = self.postal_rows.get(code)
        if row is None:
            return None
        name_fi, name_sv, name_en, municipality_code, latitude, longitude = row
        area = PostalArea(
            code=code,
            name_fi=name_fi,
            name_sv=name_sv,
            name_en=name_en,
            municipality=self.municipalities[municipality_code],
            latitude=latitude,
            longitude=longitude,
        )
        return self.areas.setdefault(code, area)


def place_key(text: str) -> str:
    """A place name for lookup: case, diacritics, hyphens and spacing do not matter."""
    plain = re.sub(r"[:'’]", "", strip_diacritics(text.casefold()))  # S:t Michel, St Michel
    return " ".join(re.sub(r"[\s\-–.,]+", " ", plain).split())


def idf(matched: int, total: int) -> float:
    """BM25's inverse document frequency: rarer words weigh more; never negative."""
    return math.log(1 + (total - matched + 0.5) / (matched + 0.5))


@dataclass(frozen=True)
class Lookup:
    """One way of reading a query word: ``variants`` by the length rules, ``whole`` (base
    forms) as whole terms only."""

    variants: tuple[str, ...]
    whole: tuple[str, ...] = ()
    # A Finnish word: its variants match whole terms and compound heads (term ends) only;
    # indexed compounds carry their parts, so no other part of a term needs matching.
    ends: bool = False

    @classmethod
    def of(cls, word: QueryWord) -> Lookup:
        return cls(word.variants, word.lemmas, word.known)


@dataclass(frozen=True)
class Slot:
    """One word of a query as it is searched (``services.search_query`` plans them)."""

    word: str
    lookup: Lookup | None = None  # the word itself, or its spelling correction
    quality: float = 1.0  # less than 1 for a corrected word
    concepts: dict[str, frozenset[str]] = field(default_factory=dict)  # facet -> codes
    parts: tuple[Lookup, ...] = ()  # a compound read in parts
    # A word read for a lexicon phrase: its concepts' weight, plus its own matches (at its
    # ``quality``) to tell the services of the concept apart.
    phrase: bool = False


@dataclass
class TextMatch:
    """Per row: ``coverage`` (the share of the query's words it matches, a word the lexicon
    knows counting twice), ``score`` (Σ idf × field weight); ``keep``: the rows shown (see
    ``KEEP_SHARE``). ``weights``: each word's weight in the coverage (0: it matches nothing)."""

    coverage: np.ndarray
    score: np.ndarray
    weights: list[float]
    idf: list[float]
    part_idf: list[list[float]]
    threshold: float
    keep: np.ndarray


class TermIndex:
    """Distinct terms, and which of them a query variant matches (by the rules above)."""

    def __init__(self, vocabulary: list[str]) -> None:
        self.vocabulary = vocabulary
        self.term_id = {term: i for i, term in enumerate(vocabulary)}
        # " term term … ": every term between spaces; offsets[i] is where term i starts.
        self.blob = f" {' '.join(vocabulary)} "
        self.offsets = np.cumsum([1] + [len(term) + 1 for term in vocabulary[:-1]]).tolist()
        self._matches: OrderedDict[str, tuple[tuple[int, ...], tuple[int, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def match(
        self, variant: str, *, whole: bool = False, ends: bool = False
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(full matches, part-of-term matches) of one query variant, as term ids. A full
        match is the whole term or its end (a compound word's head). ``whole``: the whole
        term only (a base form); ``ends``: the whole term or its end only."""
        if whole:
            exact_id = self.term_id.get(variant)
            return ((exact_id,) if exact_id is not None else ()), ()
        key = f"{variant}$" if ends else variant
        with self._lock:
            cached = self._matches.get(key)
            if cached is not None:
                self._matches.move_to_end(key)
                return cached
        exact_id = self.term_id.get(variant)
        found: set[int] = set()
        rule = match_rule(variant, ends=ends)
        pattern = {"infix": variant, "prefix": f" {variant}", "end": f"{variant} "}.get(rule)
        start = self.blob.find(pattern) if pattern else -1
        while start != -1:
            # start + 1 lies inside the matched term whichever the pattern.
            term = bisect.bisect_right(self.offsets, start + 1) - 1
            if rule == "infix" or len(self.vocabulary[term]) - len(variant) >= COMPOUND_REST_MIN:
                found.add(term)
            start = self.blob.find(pattern, start + 1)
        full = {term for term in found if self.vocabulary[term].endswith(variant)}
        if exact_id is not None:
            full.add(exact_id)
        result = (tuple(sorted(full)), tuple(sorted(found - full)))
        with self._lock:
            self._matches[key] = result
            if len(self._matches) > 4096:
                self._matches.popitem(last=False)
        return result

    def split(
        self, word: str, known: Callable[[str], bool] | None = None
    ) -> tuple[str, str] | None:
        """A compound the analyser does not know (Swedish *familjerådgivning*, a new Finnish
        word) as two indexed terms (``known``: which terms count; all by default), with a
        Swedish linking *s* allowed: the split with the longest first part, each part at
        least ``SPLIT_MIN`` letters."""
        known = known or self.term_id.__contains__
        for cut in range(len(word) - SPLIT_MIN, SPLIT_MIN - 1, -1):
            head, tail = word[:cut], word[cut:]
            if not known(tail):
                continue
            if known(head):
                return head, tail
            if head.endswith("s") and known(head[:-1]) and len(head) > SPLIT_MIN:
                return head[:-1], tail
        return None


@dataclass
class Postings:
    """Rows of the services holding each term, for one field (compressed sparse rows)."""

    starts: np.ndarray
    rows: np.ndarray

    def rows_of(self, term_ids: Iterable[int]) -> np.ndarray:
        parts = [self.rows[self.starts[t] : self.starts[t + 1]] for t in term_ids]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)


@dataclass
class Snapshot:
    """Everything search needs about the published services, in memory, for one version."""

    version: str
    sequence: int  # SearchIndexVersion.sequence of the version
    ids: np.ndarray  # service id of each row, ascending
    row_of: dict[int, int]
    codes: dict[str, list[str]]  # facet -> codes, in column order
    labels: dict[str, dict[str, tuple[str, str, str]]]  # facet -> code -> (fi, sv, en)
    facets: dict[str, np.ndarray]  # facet -> bool matrix (rows x codes)
    tier: np.ndarray  # index into codes["tier"]
    min_age: np.ndarray  # -1: not given
    max_age: np.ndarray
    nationwide: np.ndarray
    counties: np.ndarray  # bool matrix rows x county codes
    county_codes: list[str]
    municipality_rows: dict[str, np.ndarray]  # municipality code -> rows serving it by name
    remote: np.ndarray  # a remote channel: "available by phone / online in your area"
    everywhere: np.ndarray  # reaches families wherever they live (services.availability)
    location_rows: np.ndarray
    location_lat: np.ndarray  # radians
    location_lon: np.ndarray
    # Opening hours of the services' locations and contact points ("open now"): one entry
    # per weekly interval, and per exception, with the service's row and the owner's key.
    hours: dict[str, np.ndarray]
    exceptions: dict[str, np.ndarray]
    name_rank: dict[str, np.ndarray]  # language -> position of each row in name order
    name_keys: dict[str, np.ndarray]  # language -> each row's name as shown, case folded
    name_words: dict[str, np.ndarray]  # language -> words in each row's name as shown
    terms: TermIndex
    postings: dict[str, Postings]
    label_terms: TermIndex
    label_codes: list[list[tuple[str, int]]]  # label term id -> [(facet, column)]
    gazetteer: Gazetteer
    # Updates applied since the whole index was read (``patch_snapshot``).
    patches: int = 0
    # Pieces of pages that depend on this index only, made once (services/views/search.py).
    fragments: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def label(self, facet: str, code: str, language: str) -> str:
        """A code's label in ``language``, falling back fi -> sv -> en, else the code."""
        names = dict(zip(LANGUAGES, self.labels[facet].get(code, ("", "", "")), strict=True))
        order = [language, *(other for other in LANGUAGES if other != language)]
        return next((names[lang] for lang in order if names.get(lang)), code)

    def column(self, facet: str, code: str) -> int | None:
        try:
            return self.codes[facet].index(code)
        except ValueError:
            return None

    def once(self, key: object, make: Callable[[], Any]) -> Any:
        """What ``make`` makes, kept in ``fragments`` under ``key`` for this index: made once
        (two threads may both make it; all of them then use the one kept first)."""
        if (found := self.fragments.get(key)) is None:
            found = self.fragments.setdefault(key, make())
        return found

    def per_service(
        self,
        kind: tuple[str, ...],
        ids: Sequence[int],
        make: Callable[[list[int]], dict[int, Any]],
        *,
        limit: int,
    ) -> dict[int, Any]:
        """What ``make`` makes of each published service ``ids`` (by id; ``make`` leaves out
        those no longer published), kept under ``(KEPT, *kind)`` for this index, so that only
        services not asked for before are made. At most ``limit`` are kept; past that all are
        let go and made again as asked for. ``patch_snapshot`` carries over those of the
        services a change did not touch: what is kept must depend on the service's own rows,
        its provider's and its taxonomy codes only (``services.catalogue`` counts a change to
        any of them as a change to the service)."""
        if limit <= 0:
            return make(list(ids))
        kept: dict[int, Any] = self.once((KEPT, *kind), dict)
        found = {pk: value for pk in ids if (value := kept.get(pk)) is not None}
        if len(found) < len(ids):
            fresh = make([pk for pk in ids if pk not in found])
            if len(kept) + len(fresh) > limit:
                kept.clear()
            kept.update(fresh)
            found.update(fresh)
        return found

    def code_rows(self, facet: str, codes: Iterable[str]) -> np.ndarray:
        """The rows listing any of ``codes`` of ``facet`` (a row listing several of them comes
        once for each): each code's rows are found once per index, where reading a column of
        the facet's matrix goes across every row."""

        def rows_of(code: str) -> np.ndarray:
            column = self.column(facet, code)
            if column is None:
                return np.empty(0, dtype=np.int64)
            return np.flatnonzero(self.facets[facet][:, column])

        found = [self.once(("code rows", facet, c), functools.partial(rows_of, c)) for c in codes]
        if len(found) == 1:
            return found[0]
        return np.concatenate(found) if found else np.empty(0, dtype=np.int64)

    # Text.

    @functools.cached_property
    def live_terms(self) -> np.ndarray:
        """Per term id: does any service hold it? An updated index keeps the terms of texts
        changed since in its vocabulary (``patch_snapshot``); they must find nothing, so that
        it answers as the index read afresh does."""
        live = np.zeros(len(self.terms.vocabulary), dtype=bool)
        for postings in self.postings.values():
            live |= np.diff(postings.starts) > 0
        return live

    def holds(self, term: str) -> bool:
        """Does any service hold this term?"""
        term_id = self.terms.term_id.get(term)
        return term_id is not None and bool(self.live_terms[term_id])

    def _matches_anything(self, variant: str, ends: bool = False) -> bool:
        live = self.live_terms
        if any(live[term] for found in self.terms.match(variant, ends=ends) for term in found):
            return True
        return any(self.label_terms.match(variant, ends=ends))

    def finds(self, lookup: Lookup) -> bool:
        """Does this reading of a word match any term or label at all?"""
        if any(self.holds(base) for base in lookup.whole):
            return True
        variants = self.effective_variants(lookup.variants, lookup.ends)
        return any(self._matches_anything(variant, lookup.ends) for variant in variants)

    def any_classified(self, concepts: dict[str, frozenset[str]]) -> bool:
        """Is any service classified under one of these concepts?"""
        for facet, codes in concepts.items():
            columns = [c for c in (self.column(facet, code) for code in codes) if c is not None]
            if columns and self.facets[facet][:, columns].any():
                return True
        return False

    def effective_variants(self, variants: Sequence[str], ends: bool = False) -> tuple[str, ...]:
        """The variants a query word is searched by: its own, or, when none of them matches
        any term, the shortest cut-off ones that do (see the module docstring)."""
        if any(self._matches_anything(variant, ends) for variant in variants):
            return tuple(variants)
        for cut in range(1, TRUNCATE_MAX + 1):
            shorter = [
                variant[:-cut] for variant in variants if len(variant) - cut >= TRUNCATE_MIN_LENGTH
            ]
            found = tuple(v for v in dict.fromkeys(shorter) if self._matches_anything(v, ends))
            if found:
                return found
        return tuple(variants)

    def label_matches(
        self, variants: Sequence[str], ends: bool = False
    ) -> dict[str, tuple[set[str], set[str]]]:
        """Per facet, the codes whose label the variants match: (fully, partly)."""
        result: dict[str, tuple[set[str], set[str]]] = {}
        for variant in variants:
            for part, term_ids in enumerate(self.label_terms.match(variant, ends=ends)):
                for term in term_ids:
                    for facet, column in self.label_codes[term]:
                        pair = result.setdefault(facet, (set(), set()))
                        pair[part].add(self.codes[facet][column])
        for full, partial in result.values():
            partial -= full
        return result

    def lookup_scores(self, lookup: Lookup) -> np.ndarray:
        """Per row, the weight of the best field one way of reading a query word matched in
        (0: no match): the field's weight, times ``PARTIAL`` for a part of a term; a word
        naming a classification (*chat*, *isät*) matches the services under it."""
        variants = self.effective_variants(lookup.variants, lookup.ends)
        full: set[int] = set()
        partial: set[int] = set()
        for variant in variants:
            whole, part = self.terms.match(variant, ends=lookup.ends)
            full.update(whole)
            partial.update(part)
        for base in lookup.whole:
            full.update(self.terms.match(base, whole=True)[0])
        partial -= full
        levels: list[tuple[float, np.ndarray]] = []
        for name in FIELDS:
            if partial:
                levels.append((WEIGHTS[name] * PARTIAL, self.postings[name].rows_of(partial)))
            if full:
                levels.append((WEIGHTS[name], self.postings[name].rows_of(full)))
        for facet, (full_codes, partial_codes) in self.label_matches(variants, lookup.ends).items():
            for codes, share in ((partial_codes, PARTIAL), (full_codes, 1.0)):
                if codes:
                    levels.append((WEIGHTS["keyword"] * share, self.code_rows(facet, codes)))
        scores = np.zeros(len(self.ids), dtype=np.float64)
        # Ascending weights: a later, heavier match overwrites a lighter one.
        for weight, rows in sorted(levels, key=lambda level: level[0]):
            scores[rows] = weight
        return scores

    def concept_scores(self, concepts: dict[str, frozenset[str]]) -> np.ndarray:
        """Per row, the weight of being classified under one of the concepts a query word
        names (lexicon): ``CONCEPT_WEIGHT``, less for services listing many codes of the
        facet (a separation group before a helpline listing eight situations)."""
        scores = np.zeros(len(self.ids), dtype=np.float64)
        for facet, codes in concepts.items():
            rows = self.code_rows(facet, sorted(codes))
            scores[rows] = np.maximum(scores[rows], self.concept_weights(facet)[rows])
        return scores

    def unlisted(self, facet: str) -> np.ndarray:
        """Rows listing no code of ``facet`` (once per index)."""
        return self.once(("unlisted", facet), lambda: ~self.facets[facet].any(axis=1))

    def concept_weights(self, facet: str) -> np.ndarray:
        """Per row, ``CONCEPT_WEIGHT`` times the row's specificity in ``facet``: one over the
        square root of how many more of its codes the row lists than one (once per index)."""

        def weights() -> np.ndarray:
            specificity = 1.0 / np.sqrt(np.maximum(self.facets[facet].sum(axis=1) - 1, 1))
            return CONCEPT_WEIGHT * specificity

        return self.once(("concept weights", facet), weights)

    def slot_scores(self, slot: Slot) -> tuple[np.ndarray, np.ndarray, list[float]]:
        """(weight, share of the word matched, idf of each compound part) per row for one
        query word: the best of its own reading (times its quality), its concepts and, when
        it is read in parts, the parts (each part's share weighted by its rarity)."""
        n = len(self.ids)
        weight = np.zeros(n, dtype=np.float64)
        if slot.lookup is not None:
            weight = self.lookup_scores(slot.lookup)
            if slot.quality != 1.0:
                weight *= slot.quality
        if slot.concepts and slot.phrase:
            weight = weight + self.concept_scores(slot.concepts)
        elif slot.concepts:
            weight = np.maximum(weight, self.concept_scores(slot.concepts))
        share = (weight > 0).astype(np.float64)
        part_idf: list[float] = []
        if slot.parts:
            part_scores = [self.lookup_scores(part) for part in slot.parts]
            part_idf = [idf(int((scores > 0).sum()), n) for scores in part_scores]
            total = sum(part_idf)
            if total > 0:
                part_share = (
                    sum(w * (scores > 0) for w, scores in zip(part_idf, part_scores, strict=True))
                    / total
                )
                part_weight = (
                    sum(w * scores for w, scores in zip(part_idf, part_scores, strict=True)) / total
                )
                share = np.maximum(share, part_share)
                weight = np.maximum(weight, part_weight * PARTS_QUALITY)
        return weight, share, part_idf

    def text_match(self, slots: Sequence[Slot]) -> TextMatch:
        """How much of the query each row matches, and how well (see the module docstring)."""
        n = len(self.ids)
        coverage = np.zeros(n, dtype=np.float64)
        score = np.zeros(n, dtype=np.float64)
        idfs: list[float] = []
        part_idfs: list[list[float]] = []
        weights: list[float] = []
        for slot in slots:
            weight, share, part_idf = self.slot_scores(slot)
            matched = int(np.count_nonzero(share))
            word_idf = idf(matched, n) if matched else 0.0
            # In the coverage every word counts alike (rarity is no importance: *paljon* is
            # rare), a word the lexicon knows twice; in the score, rarer words weigh more.
            emphasis = CONCEPT_EMPHASIS if set(slot.concepts) & NEED_FACETS else 1.0
            weights.append(emphasis if matched else 0.0)
            idfs.append(word_idf * emphasis)
            part_idfs.append(part_idf)
            if matched:  # a word matching nothing adds nothing
                coverage += share if weights[-1] == 1.0 else weights[-1] * share
                score += word_idf * emphasis * weight
        total = sum(weights)
        if total > 0:
            coverage /= total
        best = float(coverage.max()) if n else 0.0
        threshold = KEEP_SHARE * best
        lowest = threshold - COVERAGE_EPSILON
        # (coverage > 0) & (coverage >= lowest), in one pass where the second implies the first
        keep = coverage >= lowest if lowest > 0 else coverage > 0
        return TextMatch(coverage, score, weights, idfs, part_idfs, threshold, keep)

    def open_rows(self, local: dt.datetime) -> np.ndarray:
        """Rows with a location or contact point open at ``local`` (Helsinki time), by the
        rules of ``services.opening_hours``: an exception covering the day replaces the
        weekly hours (closed, or its own hours); a closing time of 00:00 is midnight."""
        day, minute = local.date().toordinal(), local.hour * 60 + local.minute
        ex, hours = self.exceptions, self.hours
        today = (ex["start"] <= day) & (ex["end"] >= day)
        open_exception = today & (ex["opens"] <= minute) & (ex["closes"] > minute)
        weekly = (
            (hours["day"] == local.weekday())
            & (hours["opens"] <= minute)
            & (hours["closes"] > minute)
            & ~np.isin(hours["owner"], ex["owner"][today])
        )
        return np.unique(np.concatenate([ex["row"][open_exception], hours["row"][weekly]]))

    # Places.

    def serving(self, municipality: Municipality) -> np.ndarray:
        mask = self.nationwide.copy()
        if municipality.county_id in self.county_codes:
            mask |= self.counties[:, self.county_codes.index(municipality.county_id)]
        rows = self.municipality_rows.get(municipality.code)
        if rows is not None:
            mask[rows] = True
        return mask

    def nearest_km(self, rows: np.ndarray, latitude: float, longitude: float) -> np.ndarray:
        """Straight-line km from the point to each given row's nearest location (inf: none)."""
        result = np.full(len(self.ids), np.inf)
        if len(rows) == 0 or len(self.location_rows) == 0:
            return result[rows]
        wanted = np.zeros(len(self.ids), dtype=bool)
        wanted[rows] = True
        pick = wanted[self.location_rows]
        lat, lon = self.location_lat[pick], self.location_lon[pick]
        lat0, lon0 = math.radians(latitude), math.radians(longitude)
        a = (
            np.sin((lat - lat0) / 2) ** 2
            + math.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
        )
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        np.minimum.at(result, self.location_rows[pick], km)
        return result[rows]


FACETS = {
    "channel": (Channel, SupportService.channels.through, "channel_id"),
    "target_group": (TargetGroup, SupportService.target_groups.through, "targetgroup_id"),
    "life_situation": (LifeSituation, SupportService.life_situations.through, "lifesituation_id"),
    "language": (Language, SupportService.languages.through, "language_id"),
    "attribute": (Attribute, SupportService.attributes.through, "attribute_id"),
}


def _rows(ids: np.ndarray, service_ids: Sequence[int]) -> np.ndarray:
    """Rows of these service ids in the ascending ``ids`` (all of them are published)."""
    return np.searchsorted(ids, np.asarray(service_ids, dtype=np.int64))


def load_snapshot(
    version: str,
    sequence: int = 0,
    *,
    only: Sequence[int] | None = None,
    gazetteer: Gazetteer | None = None,
) -> Snapshot:
    """Read the published services and their index entries (a fixed number of queries);
    ``only``: of these services only (the part ``patch_snapshot`` replaces)."""
    published = SupportService.objects.published()
    if only is not None:
        published = published.filter(pk__in=list(only))
    published_ids = published.values("pk")
    rows = list(
        published.order_by("pk").values_list(
            "pk", "tier_id", "min_age", "max_age", "is_nationwide", *_translated("name")
        )
    )
    n = len(rows)
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    row_of = {service_id: row for row, service_id in enumerate(ids.tolist())}

    codes: dict[str, list[str]] = {}
    labels: dict[str, dict[str, tuple[str, str, str]]] = {}
    for facet, model in (("tier", Tier), *((f, spec[0]) for f, spec in FACETS.items())):
        terms = list(
            model.objects.order_by("order", "code").values_list("code", *_translated("name"))
        )
        codes[facet] = [code for code, *_ in terms]
        labels[facet] = {code: tuple(name or "" for name in names) for code, *names in terms}
    tier_position = {code: i for i, code in enumerate(codes["tier"])}
    tier = np.array([tier_position.get(r[1], -1) for r in rows], dtype=np.int16)
    facets: dict[str, np.ndarray] = {"tier": np.zeros((n, len(codes["tier"])), dtype=bool)}
    facets["tier"][np.arange(n), tier] = True
    for facet, (_model, through, column) in FACETS.items():
        position = {code: i for i, code in enumerate(codes[facet])}
        links = list(
            through.objects.filter(supportservice_id__in=published_ids).values_list(
                "supportservice_id", column
            )
        )
        matrix = np.zeros((n, len(codes[facet])), dtype=bool)
        if links:
            matrix[_rows(ids, [s for s, _ in links]), [position[c] for _, c in links]] = True
        facets[facet] = matrix
    min_age = np.array([-1 if r[2] is None else r[2] for r in rows], dtype=np.int16)
    max_age = np.array([-1 if r[3] is None else r[3] for r in rows], dtype=np.int16)
    nationwide = np.array([r[4] for r in rows], dtype=bool)

    county_links = list(
        SupportService.area_counties.through.objects.filter(
            supportservice_id__in=published_ids
        ).values_list("supportservice_id", "wellbeingservicescounty_id")
    )
    county_codes = sorted({code for _, code in county_links})
    counties = np.zeros((n, len(county_codes)), dtype=bool)
    if county_links:
        county_position = {code: i for i, code in enumerate(county_codes)}
        counties[
            _rows(ids, [s for s, _ in county_links]), [county_position[c] for _, c in county_links]
        ] = True
    by_municipality: dict[str, list[int]] = defaultdict(list)
    for service_id, code in SupportService.area_municipalities.through.objects.filter(
        supportservice_id__in=published_ids
    ).values_list("supportservice_id", "municipality_id"):
        by_municipality[code].append(row_of[service_id])
    municipality_rows = {
        code: np.array(sorted(set(found)), dtype=np.int32)
        for code, found in by_municipality.items()
    }

    channel_codes = codes["channel"]
    channel_rows = [
        (channel_codes.index(code), code, is_remote)
        for code, is_remote in Channel.objects.values_list("code", "is_remote")
        if code in channel_codes
    ]
    remote = facets["channel"][:, [column for column, _, is_remote in channel_rows if is_remote]]
    remote = remote.any(axis=1)
    everywhere_columns = [
        column
        for column, code, is_remote in channel_rows
        if availability.reaches_everywhere(code, is_remote)
    ]
    everywhere = facets["channel"][:, everywhere_columns].any(axis=1)

    gazetteer = gazetteer or Gazetteer.load()
    location_rows, location_lat, location_lon = [], [], []
    for service_id, latitude, longitude, postal_code in Location.objects.filter(
        service__in=published_ids
    ).values_list("service_id", "latitude", "longitude", "postal_code"):
        if latitude is None:
            point = gazetteer.point(postal_code)
            if point is None:
                continue  # no point and an unknown postal code: nowhere to measure from
            latitude, longitude = point
        location_rows.append(row_of[service_id])
        location_lat.append(latitude)
        location_lon.append(longitude)

    hours, exceptions = _opening_hours(published_ids, row_of)

    name_keys, name_words = {}, {}
    for offset, language in enumerate(LANGUAGES):
        # Names sort as the page shows them: the active language, else fi -> sv -> en.
        order = [5 + offset, *(5 + i for i in range(len(LANGUAGES)) if i != offset)]
        shown = [next((r[i] for i in order if r[i]), "") for r in rows]
        # å, ä and ö after z, as in fi and sv.
        name_keys[language] = np.array([name.casefold() for name in shown], dtype=str)
        name_words[language] = np.array([len(name.split()) for name in shown], dtype=np.int16)

    terms, postings = _text_index(row_of, only)
    label_terms, label_codes = _label_index(codes, labels)
    return Snapshot(
        version=version,
        sequence=sequence,
        ids=ids,
        row_of=row_of,
        codes=codes,
        labels=labels,
        facets=facets,
        tier=tier,
        min_age=min_age,
        max_age=max_age,
        nationwide=nationwide,
        counties=counties,
        county_codes=county_codes,
        municipality_rows=municipality_rows,
        remote=remote,
        everywhere=everywhere,
        location_rows=np.array(location_rows, dtype=np.int32),
        location_lat=np.radians(np.array(location_lat, dtype=np.float64)),
        location_lon=np.radians(np.array(location_lon, dtype=np.float64)),
        hours=hours,
        exceptions=exceptions,
        name_rank=_name_ranks(name_keys),
        name_keys=name_keys,
        name_words=name_words,
        terms=terms,
        postings=postings,
        label_terms=label_terms,
        label_codes=label_codes,
        gazetteer=gazetteer,
    )


def _minutes(moment: dt.time | None, *, closing: bool = False) -> int:
    """Minutes since midnight; a closing time of 00:00 is midnight (1440); none is -1."""
    if moment is None:
        return -1
    minutes = moment.hour * 60 + moment.minute
    return 24 * 60 if closing and minutes == 0 else minutes


def _opening_hours(
    published_ids: object, row_of: dict[int, int]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Weekly hours and exceptions of the services' locations and contact points, as arrays
    (``Snapshot.hours``, ``Snapshot.exceptions``); an owner's key is its id × 2, + 1 for a
    contact point."""

    def owned(model: type, *fields: str) -> Iterator[tuple]:
        # The locations' rows, then the contact points': two queries an index answers (one
        # with OR over both owners read the whole table, 40 ms of each update on SQLite).
        columns = ("location__service_id", "contact_point__service_id")
        columns += ("location_id", "contact_point_id")
        for owner in ("location", "contact_point"):
            rows = model.objects.filter(**{f"{owner}__service__in": published_ids})
            yield from rows.values_list(*columns, *fields)

    hours: dict[str, list] = {name: [] for name in ("row", "owner", "day", "opens", "closes")}
    for *owner, day, opens, closes in owned(OpeningHours, "weekday", "opens", "closes"):
        row, key = _owner(owner, row_of)
        if row is None:
            continue
        hours["row"].append(row)
        hours["owner"].append(key)
        hours["day"].append(day)
        hours["opens"].append(_minutes(opens))
        hours["closes"].append(_minutes(closes, closing=True))
    exceptions: dict[str, list] = {
        name: [] for name in ("row", "owner", "start", "end", "opens", "closes")
    }
    for *owner, start, end, opens, closes in owned(
        OpeningHoursException, "start_date", "end_date", "opens", "closes"
    ):
        row, key = _owner(owner, row_of)
        if row is None:
            continue
        exceptions["row"].append(row)
        exceptions["owner"].append(key)
        exceptions["start"].append(start.toordinal())
        exceptions["end"].append(end.toordinal())
        exceptions["opens"].append(_minutes(opens))
        exceptions["closes"].append(_minutes(closes, closing=True))
    return (
        {name: np.array(values, dtype=HOURS_TYPES[name]) for name, values in hours.items()},
        {name: np.array(values, dtype=HOURS_TYPES[name]) for name, values in exceptions.items()},
    )


HOURS_TYPES = {
    "row": np.int32,
    "owner": np.int64,
    "day": np.int8,
    "opens": np.int16,
    "closes": np.int16,
    "start": np.int32,
    "end": np.int32,
}


def _owner(owner: list, row_of: dict[int, int]) -> tuple[int | None, int]:
    location_service, contact_service, location, contact = owner
    if location is not None:
        return row_of.get(location_service), location * 2
    return row_of.get(contact_service), contact * 2 + 1


def _merged_rowed(
    old: dict[str, np.ndarray],
    fresh: dict[str, np.ndarray],
    keep: np.ndarray,
    old_to_new: np.ndarray,
    fresh_to_new: np.ndarray,
) -> dict[str, np.ndarray]:
    """Arrays with a ``row`` each: the kept rows of ``old`` and all of ``fresh``, renumbered."""
    held = keep[old["row"]]
    merged = {
        name: np.concatenate([old[name][held], fresh[name]]).astype(old[name].dtype) for name in old
    }
    merged["row"] = np.concatenate(
        [old_to_new[old["row"][held]], fresh_to_new[fresh["row"]]]
    ).astype(np.int32)
    return merged


def _name_ranks(name_keys: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per language, the position of each row when sorted by name (equal names by row)."""
    ranks = {}
    for language, keys in name_keys.items():
        rank = np.empty(len(keys), dtype=np.int32)
        rank[np.argsort(keys, kind="stable")] = np.arange(len(keys), dtype=np.int32)
        ranks[language] = rank
    return ranks


def _text_index(
    row_of: dict[int, int], only: Sequence[int] | None = None
) -> tuple[TermIndex, dict[str, Postings]]:
    """The terms of all entries (of ``only``, when given) and, per field, the rows holding
    each term.

    Each column is split in one go over all entries (the texts hold their terms between
    single spaces), so the cost per term stays in C.
    """
    rows: list[int] = []
    texts: dict[str, list[str]] = {name: [] for name in FIELDS}
    entries = SearchIndexEntry.objects.filter(service__status=SupportService.Status.PUBLISHED)
    if only is not None:
        entries = entries.filter(service_id__in=list(only))
    for service_id, *columns in entries.values_list(
        "service_id", "name_terms", "summary_terms", "keyword_terms", "description_terms"
    ):
        row = row_of.get(service_id)
        if row is None:  # published after the services were read
            continue
        rows.append(row)
        for name, text in zip(FIELDS, columns, strict=True):
            texts[name].append(text)
    row_array = np.array(rows, dtype=np.int32)
    term_id: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    field_terms = {}
    for name in FIELDS:
        terms = "".join(texts[name]).split()
        counts = np.fromiter(
            (max(text.count(" ") - 1, 0) for text in texts[name]),
            dtype=np.int64,
            count=len(texts[name]),
        )
        field_terms[name] = (
            np.fromiter(map(term_id.__getitem__, terms), dtype=np.int32, count=len(terms)),
            np.repeat(row_array, counts),
        )
    vocabulary = [""] * len(term_id)
    for term, i in term_id.items():
        vocabulary[i] = term
    postings = {}
    for name, (term_array, term_rows) in field_terms.items():
        order = np.argsort(term_array, kind="stable")
        starts = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        starts[1:] = np.cumsum(np.bincount(term_array, minlength=len(vocabulary)))
        postings[name] = Postings(starts=starts, rows=term_rows[order])
    return TermIndex(vocabulary), postings


def _label_index(
    codes: dict[str, list[str]], labels: dict[str, dict[str, tuple[str, str, str]]]
) -> tuple[TermIndex, list[list[tuple[str, int]]]]:
    """The terms of the taxonomy labels, each with the (facet, column) pairs it names."""
    named: defaultdict[str, set[tuple[str, int]]] = defaultdict(set)
    for facet, facet_codes in codes.items():
        for column, code in enumerate(facet_codes):
            for term in text_terms(labels[facet][code]):
                named[term].add((facet, column))
    vocabulary = sorted(named)
    return TermIndex(vocabulary), [sorted(named[term]) for term in vocabulary]


def patch_snapshot(
    old: Snapshot, service_ids: Iterable[int], version: str, sequence: int
) -> Snapshot:
    """``old`` with the rows of these services read again: the same index ``load_snapshot``
    would read now (tested), for a fraction of the cost when few services changed.

    The changed services' rows are dropped and their current state, if published, read and
    merged in by service id; term ids of new words are appended to the vocabulary.
    """
    changed = np.array(sorted(set(service_ids)), dtype=np.int64)
    fresh = load_snapshot(version, sequence, only=changed.tolist(), gazetteer=old.gazetteer)
    if fresh.codes != old.codes or fresh.labels != old.labels:
        raise ValueError("the taxonomies changed")  # read everything again
    keep = ~np.isin(old.ids, changed)
    kept = int(keep.sum())
    joined = np.concatenate([old.ids[keep], fresh.ids])
    order = np.argsort(joined, kind="stable")
    position = np.empty(len(joined), dtype=np.int64)
    position[order] = np.arange(len(joined))
    old_to_new = np.full(len(old.ids), -1, dtype=np.int64)
    old_to_new[keep] = position[:kept]
    fresh_to_new = position[kept:]
    ids = joined[order]

    def merged(before: np.ndarray, after: np.ndarray) -> np.ndarray:
        return np.concatenate([before[keep], after])[order]

    county_codes = sorted(set(old.county_codes) | set(fresh.county_codes))
    counties = np.zeros((len(ids), len(county_codes)), dtype=bool)
    for snapshot, mapping, rows in ((old, old_to_new, keep), (fresh, fresh_to_new, None)):
        for column, code in enumerate(snapshot.county_codes):
            held = snapshot.counties[:, column] if rows is None else snapshot.counties[rows, column]
            source = mapping if rows is None else mapping[rows]
            counties[source[held], county_codes.index(code)] = True

    municipality_rows = {}
    for code in set(old.municipality_rows) | set(fresh.municipality_rows):
        before = old_to_new[old.municipality_rows.get(code, np.empty(0, dtype=np.int32))]
        after = fresh_to_new[fresh.municipality_rows.get(code, np.empty(0, dtype=np.int32))]
        found = np.unique(np.concatenate([before[before >= 0], after])).astype(np.int32)
        if len(found):
            municipality_rows[code] = found

    located = keep[old.location_rows]
    name_keys = {
        language: merged(old.name_keys[language], fresh.name_keys[language])
        for language in LANGUAGES
    }
    terms, postings = _merged_text_index(old, fresh, keep, old_to_new, fresh_to_new)
    fragments = {}
    if (changes := _speller_changes(old, fresh, keep)) is not None:
        fragments[SPELLER_CHANGES] = changes
    fragments.update(_unchanged_kept(old, set(changed.tolist())))
    return Snapshot(
        version=version,
        sequence=sequence,
        ids=ids,
        row_of={service_id: row for row, service_id in enumerate(ids.tolist())},
        codes=old.codes,
        labels=old.labels,
        facets={facet: merged(old.facets[facet], fresh.facets[facet]) for facet in old.facets},
        tier=merged(old.tier, fresh.tier),
        min_age=merged(old.min_age, fresh.min_age),
        max_age=merged(old.max_age, fresh.max_age),
        nationwide=merged(old.nationwide, fresh.nationwide),
        counties=counties,
        county_codes=county_codes,
        municipality_rows=municipality_rows,
        remote=merged(old.remote, fresh.remote),
        everywhere=merged(old.everywhere, fresh.everywhere),
        location_rows=np.concatenate(
            [old_to_new[old.location_rows[located]], fresh_to_new[fresh.location_rows]]
        ).astype(np.int32),
        location_lat=np.concatenate([old.location_lat[located], fresh.location_lat]),
        location_lon=np.concatenate([old.location_lon[located], fresh.location_lon]),
        hours=_merged_rowed(old.hours, fresh.hours, keep, old_to_new, fresh_to_new),
        exceptions=_merged_rowed(old.exceptions, fresh.exceptions, keep, old_to_new, fresh_to_new),
        name_rank=_name_ranks(name_keys),
        name_keys=name_keys,
        name_words={
            language: merged(old.name_words[language], fresh.name_words[language])
            for language in LANGUAGES
        },
        terms=terms,
        postings=postings,
        label_terms=old.label_terms,
        label_codes=old.label_codes,
        gazetteer=old.gazetteer,
        patches=old.patches + 1,
        fragments=fragments,
    )


# ``fragments`` key: the last spelling corrector made (``services.search_query.speller``) with
# the names taken out and put in since, which bring it up to date far faster than reading
# every name again (0.4 s on 20,000 services, at the first misspelt search after a change).
SPELLER_CHANGES = "speller changes"


# ``fragments`` key of what is kept for each service (``Snapshot.per_service``): (KEPT, kind...)
# -> {service id: value}. The result cards (``services.search.card_services``), the API's
# documents (``services.api``, ``services.hsds.views``).
KEPT = "kept"


def _unchanged_kept(old: Snapshot, changed: set[int]) -> dict[tuple, dict]:
    return {
        key: {pk: value for pk, value in values.items() if pk not in changed}
        for key, values in list(old.fragments.items())
        if isinstance(key, tuple) and key[0] == KEPT
    }


def _speller_changes(
    old: Snapshot, fresh: Snapshot, keep: np.ndarray
) -> tuple[object, list[str], list[str]] | None:
    """(corrector, names removed, names added) for the snapshot patched from ``old``; None
    when ``old`` has no corrector to bring up to date (one is made when first needed)."""
    if (made := old.fragments.get("speller")) is not None:
        removed_before, added_before = [], []
    elif (pending := old.fragments.get(SPELLER_CHANGES)) is not None:
        made, removed_before, added_before = pending
    else:
        return None
    removed = [name for language in LANGUAGES for name in old.name_keys[language][~keep].tolist()]
    added = [name for language in LANGUAGES for name in fresh.name_keys[language].tolist()]
    return made, removed_before + removed, added_before + added


def _merged_text_index(
    old: Snapshot,
    fresh: Snapshot,
    keep: np.ndarray,
    old_to_new: np.ndarray,
    fresh_to_new: np.ndarray,
) -> tuple[TermIndex, dict[str, Postings]]:
    """Postings of the kept rows of ``old`` and of all rows of ``fresh``, in new rows; the
    vocabulary is the old one with the new words appended (terms of the dropped rows stay,
    matching nothing, until the whole index is read again)."""
    vocabulary = list(old.terms.vocabulary)
    term_id = dict(old.terms.term_id)
    fresh_terms = np.empty(len(fresh.terms.vocabulary), dtype=np.int32)
    for index, term in enumerate(fresh.terms.vocabulary):
        if term not in term_id:
            term_id[term] = len(vocabulary)
            vocabulary.append(term)
        fresh_terms[index] = term_id[term]
    postings = {}
    for name in FIELDS:
        before, after = old.postings[name], fresh.postings[name]
        # The kept postings are in term order already; the few fresh ones are sorted and
        # inserted after each term's kept rows (sorting all of them again took most of an
        # update: a million postings of descriptions on 20,000 services).
        dropped = np.flatnonzero(~keep[before.rows])
        dropped_terms = np.searchsorted(before.starts, dropped, side="right") - 1
        kept_counts = np.zeros(len(vocabulary), dtype=np.int64)
        kept_counts[: len(old.terms.vocabulary)] = np.diff(before.starts)
        kept_counts -= np.bincount(dropped_terms, minlength=len(vocabulary))
        kept_ends = np.cumsum(kept_counts)  # where each term's kept rows end
        new_terms = np.repeat(fresh_terms, np.diff(after.starts))
        order = np.argsort(new_terms, kind="stable")
        new_terms = new_terms[order]
        rows = np.insert(
            old_to_new[np.delete(before.rows, dropped)],
            kept_ends[new_terms],
            fresh_to_new[after.rows][order],
        )
        starts = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        starts[1:] = kept_ends + np.cumsum(np.bincount(new_terms, minlength=len(vocabulary)))
        postings[name] = Postings(starts=starts, rows=rows.astype(np.int32))
    return TermIndex(vocabulary), postings


_current: Snapshot | None = None
_load_lock = threading.Lock()


def index_version() -> str:
    """The current index version: from the database, or from Redis when it mirrors it.

    With a shared cache the version is mirrored there (set after every committed bump, added
    on a miss, expiring after a minute), so that a search answered from the page cache needs
    no database query. With the in-process cache every process asks the database, the one
    place all of them see alike; so does everyone while Redis is down.
    """
    if shared_cache() and (cached := cache.get(VERSION_CACHE_KEY)):
        return cached
    # One plain statement: the ORM would take several times longer to build it than the
    # database to answer, and without Redis every search and API page asks.
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(), [VERSION_KEY])
        row = cursor.fetchone()
    value = row[0] if row else ""
    if value and shared_cache():
        cache.add(VERSION_CACHE_KEY, value, VERSION_CACHE_SECONDS)
    return value


@functools.cache
def _version_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(SearchIndexVersion._meta.db_table)
    return f"SELECT {quote('value')} FROM {table} WHERE {quote('key')} = %s"


def current_snapshot(version: str | None = None) -> Snapshot:
    """This process's in-memory index, reloaded when the database holds a newer version.

    Give ``version`` when it was just read (``index_version()``), to spare the query. The
    version is read before the data, so a snapshot is never older than its version.
    """
    global _current
    if version is None:
        version = index_version()
    snapshot = _current
    if snapshot is not None and snapshot.version == version:
        return snapshot
    with _load_lock:
        snapshot = _current
        if snapshot is not None and snapshot.version == version:
            return snapshot
        if snapshot is not None and (patched := _caught_up(snapshot)) is not None:
            _current = patched
            return patched
        if not version:
            # Never indexed (a fresh database): index what there is, once.
            rebuild_search_index()
        else:
            _index_missing_entries()
        version, sequence = _version_row()
        snapshot = load_snapshot(version, sequence)
        _current = snapshot
        return snapshot


def warm_up() -> None:
    """Load this process's index before it answers anyone (``perhekeskus/gunicorn_config.py``):
    the first search of a new web process (after a deploy, or each time gunicorn replaces a
    worker) would wait for it, about 2 s on 20,000 services; then the lexicon and the
    spelling corrector's words (0.4 s more). A database that cannot be read yet (not running,
    not migrated) is left to the first search."""
    try:
        snapshot = current_snapshot()
    except DatabaseError:
        logger.warning("The search index was not loaded at start; the first search will load it",
                       exc_info=True)  # fmt: skip
        return
    from services.search_query import speller  # it imports this module

    speller(snapshot)  # the lexicon too
    logger.info("Search index in memory before the first request: %d services", len(snapshot.ids))


def _version_row() -> tuple[str, int]:
    row = SearchIndexVersion.objects.filter(key=VERSION_KEY).values_list("value", "sequence")
    return row.first() or ("", 0)


def _caught_up(snapshot: Snapshot) -> Snapshot | None:
    """``snapshot`` updated with the changes made since its version, when they are few and
    all known; None: read the whole index again."""
    version, sequence = _version_row()
    if version == snapshot.version:
        return snapshot
    if sequence <= snapshot.sequence or snapshot.patches >= PATCHES_BEFORE_RELOAD:
        return None
    changes = list(
        SearchIndexChange.objects.filter(
            sequence__gt=snapshot.sequence, sequence__lte=sequence
        ).values_list("service_ids", flat=True)
    )
    if len(changes) != sequence - snapshot.sequence or any(ids is None for ids in changes):
        return None  # pruned, or a rebuild
    service_ids = {service_id for ids in changes for service_id in ids}
    if len(service_ids) > PATCH_MAX_SERVICES:
        return None
    try:
        return patch_snapshot(snapshot, service_ids, version, sequence)
    except ValueError:
        return None


def _index_missing_entries() -> None:
    """Index published services that have no entry, or changed after it was written.

    Catches changes made outside ``services.changes`` (loaders run from the command line)
    once a process (re)loads its index; it does not bump the version itself unless it wrote.
    """
    missing = SupportService.objects.published().filter(search_index__isnull=True)
    outdated = SupportService.objects.published().filter(
        search_index__indexed_at__lt=F("updated_at")
    )
    ids = list(missing.values_list("pk", flat=True)) + list(outdated.values_list("pk", flat=True))
    if ids:
        logger.info("Indexing %d services changed outside the catalogue change hook", len(ids))
        reindex_services(service_ids=ids)
