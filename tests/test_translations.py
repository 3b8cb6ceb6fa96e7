"""Every UI string is translated in every shipped language, and the catalogues are current.

The catalogues (``locale/<lang>/LC_MESSAGES/django.po``) are ours and committed; ``make
messages`` gathers new strings into them. These tests fail when:
- a string marked in the code or templates is missing from a catalogue (someone forgot
  ``make messages``), or
- an entry is untranslated or fuzzy, or its translation loses a placeholder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# What `make messages` scans: the project's own code and templates.
SOURCES = ("apps", "templates", "roadmap_portal", "manage.py")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[a-z_0-9]*\}|</?[a-z][a-z0-9]*")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


@cache
def source_msgids() -> frozenset[tuple[str, str]]:
    """(msgctxt, msgid) of every string marked in the source, extracted by Django's own
    makemessages from a copy of the sources, so the working tree is left alone."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: install gettext (apt-get install gettext).")
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"msgids-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        for name in SOURCES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, scratch / name, ignore=shutil.ignore_patterns("*.pyc"))
            else:
                scratch.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, scratch / name)
        (scratch / "locale").mkdir()
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "en", "--keep-pot", "-v0"],
            cwd=scratch,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings.test"},
            check=True,
            capture_output=True,
        )
        pot = polib.pofile(str(scratch / "locale" / "django.pot"))
        return frozenset((entry.msgctxt or "", entry.msgid) for entry in pot)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def test_five_languages_are_offered():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "fr", "de", "es", "pl"]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_marked_string_is_in_the_catalogue(language):
    known = {(entry.msgctxt or "", entry.msgid) for entry in catalogue(language)}
    missing = sorted(source_msgids() - known)
    assert not missing, (
        f"{len(missing)} UI string(s) missing from the {language} catalogue; run `make "
        f"messages` and translate them. First: {[msgid for _ctx, msgid in missing[:5]]}"
    )


@pytest.mark.parametrize("language", SHIPPED)
def test_every_entry_is_translated(language):
    po = catalogue(language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (unchecked) in {language}: {fuzzy[:5]}"


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_placeholders_and_markup(language):
    broken = []
    for entry in catalogue(language).translated_entries():
        if entry.msgid_plural:
            # A plural form may drop the count ("one item" needs no %(count)s), but may not
            # bring a placeholder of its own.
            allowed = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
            broken += [
                (entry.msgid, text)
                for text in entry.msgstr_plural.values()
                if not set(PLACEHOLDER.findall(text)) <= allowed
            ]
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
            broken.append((entry.msgid, entry.msgstr))
    assert not broken, f"placeholders or tags differ in {language}: {broken[:3]}"


@pytest.mark.parametrize("language", SHIPPED)
def test_compiled_catalogue_is_current(language):
    """`make translations` compiled the catalogue Django loads: a stale or missing .mo would
    show English, or an old wording, to everyone."""
    stale = []
    with translation.override(language):
        for entry in catalogue(language).translated_entries():
            if entry.msgid_plural:
                shown = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
                expected = entry.msgstr_plural[0]
            elif entry.msgctxt:
                shown = translation.pgettext(entry.msgctxt, entry.msgid)
                expected = entry.msgstr
            else:
                shown, expected = translation.gettext(entry.msgid), entry.msgstr
            if shown != expected:
                stale.append(entry.msgid)
    assert not stale, f"{len(stale)} compiled {language} strings differ from the .po: {stale[:3]}"
