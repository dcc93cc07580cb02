"""English and Korean ship complete, and the compiled catalogs match their sources."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_message_is_translated(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(po) > 50
    untranslated = [e.msgid for e in po if not e.translated() and not e.obsolete]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_compiled_catalog_matches_the_source(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, entry.msgid


def test_korean_placeholders_match_the_english():
    import re

    po = polib.pofile(str(LOCALE / "ko" / "LC_MESSAGES" / "django.po"))
    for entry in po:
        placeholders = sorted(re.findall(r"%\(\w+\)s", entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(re.findall(r"%\(\w+\)s", text)) == placeholders, entry.msgid


def test_english_catalog_is_the_source_text():
    """English needs no translation; a guessed (fuzzy) entry would show the wrong words."""
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    wrong = [e.msgid for e in po if not e.msgid_plural and e.msgstr != e.msgid]
    assert wrong == []
