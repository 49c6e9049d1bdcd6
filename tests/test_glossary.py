"""One terminology in three languages: locale/glossary.csv and the guard against drift.

Each glossary row names a concept, the term to use in Finnish, Swedish and English, the
variants that must not be used (separated by ";") and where the choice came from. A rejected
variant matches case-insensitively at the start of a word, so a stem ("toimipaik") catches its
inflected forms; a variant ending in "~" matches only as a whole word ("ni~").

The guard reads, per language, the msgstrs of locale/<lang>/LC_MESSAGES/django.po, the
templates written in that language (``*_fi.html``, ``*_sv.html``; every other template holds
English source text), the taxonomy labels (services/data/reference/taxonomies.csv) and the
example catalogue's texts (services/data/example_catalogue/*.yaml).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "locale" / "glossary.csv"
TAXONOMIES = ROOT / "services" / "data" / "reference" / "taxonomies.csv"
CATALOGUE = ROOT / "services" / "data" / "example_catalogue"
TEMPLATES = ROOT / "templates"
LANGUAGES = ("fi", "sv", "en")
CATALOGUE_LANGUAGES = {"fi", "sv", "en"}


@dataclass(frozen=True)
class Rejected:
    language: str
    variant: str
    use: str
    concept: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Finding:
    where: str
    line: int
    variant: str
    use: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: “{self.variant}” – use “{self.use}”"


def variant_pattern(variant: str) -> re.Pattern[str]:
    whole_word = variant.endswith("~")
    text = re.escape(variant.rstrip("~"))
    end = r"(?!\w)" if whole_word else ""
    return re.compile(rf"(?<!\w){text}{end}", re.IGNORECASE)


def glossary_rows(path: Path = GLOSSARY) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rejected_terms(path: Path = GLOSSARY) -> dict[str, list[Rejected]]:
    terms: dict[str, list[Rejected]] = {language: [] for language in LANGUAGES}
    for row in glossary_rows(path):
        for language in LANGUAGES:
            for variant in filter(
                None, (v.strip() for v in row[f"rejected_{language}"].split(";"))
            ):
                terms[language].append(
                    Rejected(
                        language, variant, row[language], row["concept"], variant_pattern(variant)
                    )
                )
    return terms


REJECTED = rejected_terms()


def find_in(text: str, language: str, where: str, line: int) -> Iterator[Finding]:
    for term in REJECTED[language]:
        if term.pattern.search(text):
            yield Finding(where, line, term.variant, term.use)


def line_of(lines: list[str], text: str, term_pattern: re.Pattern[str], default: int) -> int:
    """The 1-based line of ``lines`` where the rejected word of ``text`` is written."""
    for number, line in enumerate(lines, start=1):
        if term_pattern.search(line) and any(part in line for part in text.split()[:3]):
            return number
    for number, line in enumerate(lines, start=1):
        if term_pattern.search(line):
            return number
    return default


# The sources, one function each so that the tests below can run them on small files.


def scan_po(path: Path, language: str) -> list[Finding]:
    findings = []
    for entry in polib.pofile(str(path)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            findings += find_in(
                text, language, str(path.relative_to(path.parents[3])), entry.linenum
            )
    return findings


def template_language(path: Path) -> str:
    match = re.search(r"_(fi|sv|en)\.(html|txt)$", path.name)
    return match.group(1) if match else "en"


def template_text(line: str) -> str:
    """Text a reader sees or a translator gets: outside tags, and quoted strings in tags."""
    line = re.sub(r"\{\{.*?\}\}", " ", line)
    return re.sub(r"\{%(.*?)%\}", lambda m: " ".join(re.findall(r'"([^"]*)"', m.group(1))), line)


def scan_template(path: Path, root: Path = TEMPLATES) -> list[Finding]:
    language = template_language(path)
    findings = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        findings += find_in(
            template_text(line), language, str(path.relative_to(root.parent)), number
        )
    return findings


def scan_taxonomies(path: Path) -> list[Finding]:
    findings = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            for language in LANGUAGES:
                findings += find_in(row[f"name_{language}"], language, path.name, reader.line_num)
    return findings


def catalogue_texts(node: object) -> Iterator[tuple[str, str]]:
    """(language, text) of every text in an example catalogue file.

    A text is a mapping {fi, sv, en} or a plain Finnish string under a text key.
    """
    if isinstance(node, dict):
        if (
            node
            and set(node) <= CATALOGUE_LANGUAGES
            and all(isinstance(v, str | None) for v in node.values())
        ):
            for language, text in node.items():
                if text:
                    yield language, text
            return
        for key, value in node.items():
            if isinstance(value, str) and key in CATALOGUE_TEXT_KEYS:
                yield "fi", value
            else:
                yield from catalogue_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from catalogue_texts(item)


CATALOGUE_TEXT_KEYS = {
    "name",
    "summary",
    "description",
    "how_to_get",
    "eligibility",
    "cost",
    "label",
    "title",
    "note",
    "charge",
    "accessibility_notes",
}


def scan_catalogue_file(path: Path, root: Path = ROOT) -> list[Finding]:
    lines = path.read_text(encoding="utf-8").splitlines()
    findings = []
    for language, text in catalogue_texts(yaml.safe_load("\n".join(lines))):
        for term in REJECTED[language]:
            if term.pattern.search(text):
                line = line_of(lines, text, term.pattern, default=0)
                findings.append(Finding(str(path.relative_to(root)), line, term.variant, term.use))
    return findings


def report(findings: list[Finding]) -> str:
    return "rejected terms (see locale/glossary.csv):\n" + "\n".join(map(str, findings))


# The glossary itself.


def test_the_glossary_has_a_term_in_every_language_and_a_source_for_every_row() -> None:
    rows = glossary_rows()
    assert len(rows) > 30
    for row in rows:
        assert all(row[language].strip() for language in LANGUAGES), row["concept"]
        assert row["source"].strip(), row["concept"]


def test_the_glossary_names_every_taxonomy_label() -> None:
    concepts = {row["concept"] for row in glossary_rows()}
    with TAXONOMIES.open(encoding="utf-8", newline="") as handle:
        missing = [
            f"{row['taxonomy']} {row['code']}"
            for row in csv.DictReader(handle)
            if not any(
                concept.endswith(f"({row['taxonomy']} {row['code']})") for concept in concepts
            )
        ]
    assert missing == []


def test_the_glossary_uses_none_of_its_own_rejected_variants() -> None:
    """A chosen term must not itself be rejected (in its row or another)."""
    clashes = [
        f"{row['concept']}: {language} “{row[language]}”"
        for row in glossary_rows()
        for language in LANGUAGES
        for term in REJECTED[language]
        if term.pattern.search(row[language])
    ]
    assert clashes == []


# The guard on the real files.


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_no_rejected_variant_in_the_translations(language: str) -> None:
    findings = scan_po(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", language)
    assert findings == [], report(findings)


def test_no_rejected_variant_in_the_templates() -> None:
    findings = [f for path in sorted(TEMPLATES.rglob("*.html")) for f in scan_template(path)]
    findings += [f for path in sorted(TEMPLATES.rglob("*.txt")) for f in scan_template(path)]
    assert findings == [], report(findings)


def test_no_rejected_variant_in_the_taxonomy_labels() -> None:
    findings = scan_taxonomies(TAXONOMIES)
    assert findings == [], report(findings)


def test_no_rejected_variant_in_the_example_catalogue() -> None:
    findings = [f for path in sorted(CATALOGUE.glob("*.yaml")) for f in scan_catalogue_file(path)]
    assert findings == [], report(findings)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_catalogue_headers_are_filled_in_and_nothing_is_fuzzy(language: str) -> None:
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    assert not po.metadata_is_fuzzy
    for field in ("Project-Id-Version", "Last-Translator", "Language-Team", "PO-Revision-Date"):
        value = po.metadata.get(field, "")
        assert value and not re.search(r"PACKAGE|FULL NAME|LANGUAGE <|YEAR", value), field
    assert po.metadata["Language"] == language
    assert "#, fuzzy" not in path.read_text(encoding="utf-8")


# The guard fails on each rejected variant, in each kind of source.

EVERY_VARIANT = [
    pytest.param(term, id=f"{term.language}-{term.variant}")
    for language in LANGUAGES
    for term in REJECTED[language]
]


def sample(term: Rejected) -> str:
    return f"Tässä on {term.variant.rstrip('~')} keskellä."


@pytest.mark.parametrize("term", EVERY_VARIANT)
def test_the_guard_names_each_rejected_variant_with_the_term_to_use(term: Rejected) -> None:
    findings = list(find_in(sample(term), term.language, "sample", 7))
    assert Finding("sample", 7, term.variant, term.use) in findings
    assert f"sample:7: “{term.variant}” – use “{term.use}”" in map(str, findings)


@pytest.mark.parametrize("term", EVERY_VARIANT)
def test_the_guard_finds_each_rejected_variant_in_every_kind_of_file(
    term: Rejected, tmp_path: Path
) -> None:
    text = sample(term)
    found = {}
    if term.language in ("fi", "sv"):
        po_path = tmp_path / "locale" / term.language / "LC_MESSAGES" / "django.po"
        po_path.parent.mkdir(parents=True)
        po = polib.POFile()
        po.append(polib.POEntry(msgid="Ok", msgstr="Ok"))
        po.append(polib.POEntry(msgid="A sample", msgstr=text))
        po.save(str(po_path))
        found["po"] = scan_po(po_path, term.language)
        template = tmp_path / "templates" / f"page_{term.language}.html"
    else:
        template = tmp_path / "templates" / "page.html"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(f"<p>{{{{ x }}}}</p>\n<p>{text}</p>\n", encoding="utf-8")
    found["template"] = scan_template(template, root=tmp_path / "templates")

    taxonomy = tmp_path / "taxonomies.csv"
    names = {language: "ok" for language in LANGUAGES} | {term.language: text}
    taxonomy.write_text(
        "taxonomy,code,name_fi,name_sv,name_en,is_remote\n"
        f'tier,X,"{names["fi"]}","{names["sv"]}","{names["en"]}",\n',
        encoding="utf-8",
    )
    found["taxonomy"] = scan_taxonomies(taxonomy)

    catalogue = tmp_path / "example.yaml"
    catalogue.write_text(
        f"services:\n  - id: x\n    summary:\n      fi: Ok\n      {term.language}: {text}\n"
        if term.language != "fi"
        else f"services:\n  - id: x\n    summary: {text}\n",
        encoding="utf-8",
    )
    found["catalogue"] = scan_catalogue_file(catalogue, root=tmp_path)

    for kind, findings in found.items():
        # The sample po entry is the second after the header; the others are on line 2.
        line = {"po": 8, "catalogue": 5 if term.language != "fi" else 3}.get(kind, 2)
        assert any(f.variant == term.variant and f.line == line for f in findings), kind


def test_the_guard_finds_a_rejected_variant_in_a_catalogue_file_with_its_line() -> None:
    lines = ["services:", "  - id: x", "    name:", "      fi: Ok", "      sv: Nollalinjen"]
    term = next(t for t in REJECTED["sv"] if t.variant == "Nollalinjen")
    assert line_of(lines, "Nollalinjen", term.pattern, default=0) == 5


def test_a_whole_word_variant_does_not_match_inside_a_longer_word() -> None:
    assert list(find_in("Ni kan ringa.", "sv", "x", 1))
    assert not [f for f in find_in("Ring nio gånger.", "sv", "x", 1) if f.variant == "ni~"]
