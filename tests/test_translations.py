"""Finnish and Swedish pages need complete, compiled catalogues on a fresh clone."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

LOCALE_DIRS = sorted(Path(__file__).resolve().parent.parent.glob("*/locale")) + [
    Path(__file__).resolve().parent.parent / "locale"
]


def catalogues() -> list[Path]:
    return sorted({po for base in LOCALE_DIRS for po in base.glob("*/LC_MESSAGES/django.po")})


@pytest.mark.parametrize("po_path", catalogues(), ids=str)
def test_every_message_is_translated(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po_path", catalogues(), ids=str)
def test_the_compiled_catalogue_matches_its_source(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural) for entry in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (
            entry.msgstr,
            entry.msgstr_plural,
        ), f"{po_path}: {entry.msgid!r} differs from the .mo (run compilemessages)"
