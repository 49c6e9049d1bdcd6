"""The search index: Finnish-, Swedish- and English-aware terms, kept in step with the catalogue.

How words match (the same on SQLite, PostgreSQL and in memory):

- A text is split into words; each word is indexed as itself and as its Finnish, Swedish and
  English Snowball stems, all *folded*: lower case, without diacritics (ä → a), with Finnish
  consonant gradation evened out (d → t after a vowel or h, nt → nn, lt → ll, rt → rr,
  mp → mm, ng → nk, kk → k, pp → p, tt → t). So *parisuhde* and *parisuhteen* fold to the
  same stem, and *neuvonta* and *neuvonnan* too. Taxonomy labels (channels, target groups, life
  situations, ...) are matched once each and find the services classified under them.
- A query word gives the same variants (the word and its three stems, folded). A variant of four
  or more letters matches inside any indexed term — so *neuvolat* (stem *neuvol*) finds
  *Äitiysneuvola*, a compound word; one of three letters matches a whole term or the start of
  a term at least three letters longer, a compound word's first part (*eroon* → *ero* →
  *eropalvelut*; but *isä* does not match the inflected *kriiseissä*); shorter ones only a
  whole term. A query word that matches nothing at all is tried again with up to three letters
  cut off its variants' ends (*vanhempainpuhelimeen* → *…puheli*: *Vanhempainpuhelin*), the
  Finnish stem changes the stemmer does not know.
- A service matches a query when every query word matches one of its terms. It scores, per
  word, the weight of the best field the word matched in — name 10, summary 4, keywords
  (provider, places, classifications) 2, description 1 — in full when the word matched a whole
  term or the end of one (the head of a Finnish compound: *neuvola* in *äitiysneuvola*), times
  0.6 when it matched another part; the scores of the words add up. Equal scores rank the
  shorter name first.

``SearchIndexEntry`` rows hold the terms per field; ``reindex_services`` writes them and bumps
``SearchIndexVersion``. Each process holds one ``Snapshot`` — the index and the facts the
filters need, of all published services, in numpy arrays — and reloads it when the version in
the database differs from its own (``current_snapshot``, one primary-key read).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import math
import re
import threading
import unicodedata
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import snowballstemmer
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from services.models import (
    Attribute,
    Channel,
    Language,
    LifeSituation,
    Location,
    Municipality,
    PostalArea,
    SearchIndexEntry,
    SearchIndexVersion,
    SupportService,
    TargetGroup,
    Tier,
)

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
EARTH_RADIUS_KM = 6371.0088

# Words too common to search by (they would match nearly everything, or nothing as a term).
STOP_WORDS = frozenset(
    """
    ja tai sekä on ei se ne ovat oli olla että kun jos kuin myös vain mutta niin nyt tämä
    joka jotka mikä mitä miten missä mä minä sinä hän me te he minun sinun
    och eller att det den som är en ett i på av för med till om från har inte jag du vi ni de
    man kan så men
    the a an and or of to in on at for with by from is are be it its as this that my your our
    you we they i me can how what where who
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


@functools.lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The folded word and its folded Finnish, Swedish and English stems, distinct."""
    lowered = word.casefold()
    with _STEMMER_LOCK:  # Snowball stemmers keep state between calls
        stems = [stemmer.stemWord(lowered) for stemmer in _STEMMERS.values()]
    terms = dict.fromkeys(fold(term) for term in (lowered, *stems))
    return tuple(term for term in terms if len(term) >= 2)


def words(text: str) -> list[str]:
    """The words of a text, without the stop words and one-letter words."""
    return [
        word
        for word in _WORD_RE.findall(unicodedata.normalize("NFC", text.casefold()))
        if len(word) > 1 and word not in STOP_WORDS
    ]


def text_terms(texts: Iterable[str | None]) -> set[str]:
    terms: set[str] = set()
    for text in texts:
        if text:
            for word in words(text):
                terms.update(word_terms(word))
    return terms


def joined(terms: Iterable[str]) -> str:
    """Terms as a column holds them: sorted, space-separated, a space at both ends."""
    ordered = sorted(set(terms))
    return f" {' '.join(ordered)} " if ordered else ""


def query_words(text: str) -> list[tuple[str, ...]]:
    """Each distinct word of a query as its variants (see the module docstring)."""
    result: list[tuple[str, ...]] = []
    for word in dict.fromkeys(words(text)):
        variants = word_terms(word)
        if variants:
            result.append(variants)
        if len(result) == MAX_QUERY_WORDS:
            break
    return result


def match_rule(variant: str) -> str:
    """``infix``, ``prefix`` (the start of a longer term) or ``exact``, by the variant's length."""
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


def bump_version() -> str:
    """A new index version: every process reloads, every cached result page is outdated."""
    value = uuid.uuid4().hex
    updated = SearchIndexVersion.objects.filter(key=VERSION_KEY).update(value=value)
    if not updated:
        SearchIndexVersion.objects.update_or_create(key=VERSION_KEY, defaults={"value": value})
    if shared_cache():
        transaction.on_commit(
            lambda: cache.set(VERSION_CACHE_KEY, value, VERSION_CACHE_SECONDS), robust=True
        )
    return value


def reindex_services(*, service_ids: Iterable[int], batch_size: int = 1000) -> int:
    """Rewrite the index entries of these services (drop those no longer published).

    Returns the number of entries written; bumps the index version in any case.
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
        bump_version()
    return written


def rebuild_search_index() -> int:
    """Index every published service afresh; entries of other services are removed."""
    with transaction.atomic():
        SearchIndexEntry.objects.exclude(service__status=SupportService.Status.PUBLISHED).delete()
        ids = list(SupportService.objects.published().values_list("pk", flat=True))
        return reindex_services(service_ids=ids)


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
        row = self.postal_rows.get(code)
        if row is None:
            return None
        name_fi, name_sv, name_en, municipality_code, latitude, longitude = row
        return PostalArea(
            code=code,
            name_fi=name_fi,
            name_sv=name_sv,
            name_en=name_en,
            municipality=self.municipalities[municipality_code],
            latitude=latitude,
            longitude=longitude,
        )


def place_key(text: str) -> str:
    """A place name for lookup: case, diacritics, hyphens and spacing do not matter."""
    plain = re.sub(r"[:'’]", "", strip_diacritics(text.casefold()))  # S:t Michel, St Michel
    return " ".join(re.sub(r"[\s\-–.,]+", " ", plain).split())


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

    def match(self, variant: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(full matches, part-of-term matches) of one query variant, as term ids. A full
        match is the whole term or its end (a compound word's head)."""
        with self._lock:
            cached = self._matches.get(variant)
            if cached is not None:
                self._matches.move_to_end(variant)
                return cached
        exact_id = self.term_id.get(variant)
        found: set[int] = set()
        rule = match_rule(variant)
        pattern = {"infix": variant, "prefix": f" {variant}"}.get(rule)
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
            self._matches[variant] = result
            if len(self._matches) > 4096:
                self._matches.popitem(last=False)
        return result


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
    remote: np.ndarray
    home_visit: np.ndarray
    location_rows: np.ndarray
    location_lat: np.ndarray  # radians
    location_lon: np.ndarray
    name_rank: dict[str, np.ndarray]  # language -> position of each row in name order
    name_words: dict[str, np.ndarray]  # language -> words in each row's name as shown
    terms: TermIndex
    postings: dict[str, Postings]
    label_terms: TermIndex
    label_codes: list[list[tuple[str, int]]]  # label term id -> [(facet, column)]
    gazetteer: Gazetteer
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

    # Text.

    def _matches_anything(self, variant: str) -> bool:
        return any(self.terms.match(variant)) or any(self.label_terms.match(variant))

    def effective_variants(self, variants: Sequence[str]) -> tuple[str, ...]:
        """The variants a query word is searched by: its own, or, when none of them matches
        any term, the shortest cut-off ones that do (see the module docstring)."""
        if any(self._matches_anything(variant) for variant in variants):
            return tuple(variants)
        for cut in range(1, TRUNCATE_MAX + 1):
            shorter = [
                variant[:-cut] for variant in variants if len(variant) - cut >= TRUNCATE_MIN_LENGTH
            ]
            found = tuple(v for v in dict.fromkeys(shorter) if self._matches_anything(v))
            if found:
                return found
        return tuple(variants)

    def label_matches(self, variants: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
        """Per facet, the codes whose label the variants match: (fully, partly)."""
        result: dict[str, tuple[set[str], set[str]]] = {}
        for variant in variants:
            for part, term_ids in enumerate(self.label_terms.match(variant)):
                for term in term_ids:
                    for facet, column in self.label_codes[term]:
                        pair = result.setdefault(facet, (set(), set()))
                        pair[part].add(self.codes[facet][column])
        for full, partial in result.values():
            partial -= full
        return result

    def word_scores(self, variants: Sequence[str]) -> np.ndarray:
        """Per row, the score of one query word (0 where it does not match)."""
        variants = self.effective_variants(variants)
        full: set[int] = set()
        partial: set[int] = set()
        for variant in variants:
            whole, part = self.terms.match(variant)
            full.update(whole)
            partial.update(part)
        partial -= full
        levels: list[tuple[float, np.ndarray]] = []
        for name in FIELDS:
            if partial:
                levels.append((WEIGHTS[name] * PARTIAL, self.postings[name].rows_of(partial)))
            if full:
                levels.append((WEIGHTS[name], self.postings[name].rows_of(full)))
        for facet, (full_codes, partial_codes) in self.label_matches(variants).items():
            for codes, share in ((partial_codes, PARTIAL), (full_codes, 1.0)):
                columns = [self.codes[facet].index(code) for code in codes]
                if columns:
                    rows = np.flatnonzero(self.facets[facet][:, columns].any(axis=1))
                    levels.append((WEIGHTS["keyword"] * share, rows))
        scores = np.zeros(len(self.ids), dtype=np.float32)
        # Ascending weights: a later, heavier match overwrites a lighter one.
        for weight, rows in sorted(levels, key=lambda level: level[0]):
            scores[rows] = weight
        return scores

    def text_scores(self, query: Sequence[Sequence[str]]) -> np.ndarray:
        """Summed scores of all query words; 0 for rows that miss any word."""
        total = np.zeros(len(self.ids), dtype=np.float32)
        matched = np.ones(len(self.ids), dtype=bool)
        for variants in query:
            scores = self.word_scores(variants)
            total += scores
            matched &= scores > 0
        total[~matched] = 0
        return total

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


def load_snapshot(version: str) -> Snapshot:
    """Read the published services and their index entries (a fixed number of queries)."""
    published = SupportService.objects.published()
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
    remote_columns = [
        channel_codes.index(code)
        for code in Channel.objects.filter(is_remote=True).values_list("code", flat=True)
    ]
    remote = facets["channel"][:, remote_columns].any(axis=1)
    home_columns = [channel_codes.index(c) for c in ("HOME_VISIT",) if c in channel_codes]
    home_visit = facets["channel"][:, home_columns].any(axis=1)

    gazetteer = Gazetteer.load()
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

    name_rank, name_words = {}, {}
    for offset, language in enumerate(LANGUAGES):
        # Names sort as the page shows them: the active language, else fi -> sv -> en.
        order = [5 + offset, *(5 + i for i in range(len(LANGUAGES)) if i != offset)]
        shown = [next((r[i] for i in order if r[i]), "") for r in rows]
        keys = [name.casefold() for name in shown]  # å, ä and ö after z, as in fi and sv
        rank = np.empty(n, dtype=np.int32)
        rank[sorted(range(n), key=keys.__getitem__)] = np.arange(n, dtype=np.int32)
        name_rank[language] = rank
        name_words[language] = np.array([len(name.split()) for name in shown], dtype=np.int16)

    terms, postings = _text_index(row_of)
    label_terms, label_codes = _label_index(codes, labels)
    return Snapshot(
        version=version,
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
        home_visit=home_visit,
        location_rows=np.array(location_rows, dtype=np.int32),
        location_lat=np.radians(np.array(location_lat, dtype=np.float64)),
        location_lon=np.radians(np.array(location_lon, dtype=np.float64)),
        name_rank=name_rank,
        name_words=name_words,
        terms=terms,
        postings=postings,
        label_terms=label_terms,
        label_codes=label_codes,
        gazetteer=gazetteer,
    )


def _text_index(row_of: dict[int, int]) -> tuple[TermIndex, dict[str, Postings]]:
    """The terms of all entries and, per field, the rows holding each term.

    Each column is split in one go over all entries (the texts hold their terms between
    single spaces), so the cost per term stays in C.
    """
    rows: list[int] = []
    texts: dict[str, list[str]] = {name: [] for name in FIELDS}
    entries = SearchIndexEntry.objects.filter(service__status=SupportService.Status.PUBLISHED)
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
    value = (
        SearchIndexVersion.objects.filter(key=VERSION_KEY).values_list("value", flat=True).first()
    ) or ""
    if value and shared_cache():
        cache.add(VERSION_CACHE_KEY, value, VERSION_CACHE_SECONDS)
    return value


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
        if not version:
            # Never indexed (a fresh database): index what there is, once.
            rebuild_search_index()
        else:
            _index_missing_entries()
        version = index_version()
        snapshot = load_snapshot(version)
        _current = snapshot
        return snapshot


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
