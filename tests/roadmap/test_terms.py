"""One term list per language (apps/roadmap/terms.py), applied everywhere: the interface's
catalogues and the roadmap's content translations use no variant their language's list forbids."""

from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from apps.roadmap.loader import DEFAULT_FIXTURE, translations_paths
from apps.roadmap.terms import TERM_LISTS, forbidden_uses

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _catalogue_texts(language: str) -> Iterator[tuple[str, str]]:
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    for entry in po.translated_entries():
        for text in (entry.msgstr, *entry.msgstr_plural.values()):
            yield entry.msgid, text


def _content_texts(language: str) -> Iterator[tuple[str, str]]:
    """(where, text) of every text in ``language`` of the real fixture's translation files."""

    def walk(node: object, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == language and isinstance(value, str):
                    yield where, value
                else:
                    yield from walk(value, f"{where}.{key}")

    for path in translations_paths(DEFAULT_FIXTURE):
        yield from walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def test_every_language_has_a_term_list_with_the_same_terms():
    assert sorted(TERM_LISTS) == sorted(LANGUAGES)
    slugs = {language: [term.slug for term in terms] for language, terms in TERM_LISTS.items()}
    assert all(s == slugs["fr"] for s in slugs.values()), slugs
    assert {"pe", "po", "hta-body", "stakeholder-group", "end-goal", "action"} <= set(slugs["fr"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_preferred_word_is_never_a_forbidden_one(language):
    clashes = [term.use for term in TERM_LISTS[language] if forbidden_uses(language, term.use)]
    assert not clashes


@pytest.mark.parametrize(
    ("language", "text", "found"),
    [
        ("fr", "le responsable PE de l'organisation", ["PE"]),
        ("fr", "le responsable EP, selon la PE Sustainability Roadmap", []),
        ("fr", "les associations de patients", ["associations de patients"]),
        ("de", "die HTA-Behörden und die Fernziele", ["HTA-Behörde", "Fernziel"]),
        ("es", "las agencias de ETS", ["agencias de ETS"]),
        ("pl", "instytucjami HTA", ["instytucjami HTA"]),
        ("pl", "agencje HTA i organizacje pacjentów", []),
    ],
)
def test_variants_are_found_in_any_form(language, text, found):
    assert forbidden_uses(language, text) == found


def _misuses(language: str, texts: Iterator[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    return [(where, uses) for where, text in texts if (uses := forbidden_uses(language, text))]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("kind", "texts"), [("catalogue entries", _catalogue_texts), ("roadmap texts", _content_texts)]
)
def test_the_interface_and_the_roadmaps_translations_use_the_term_list(language, kind, texts):
    misuses = _misuses(language, texts(language))
    assert not misuses, (
        f"{len(misuses)} {language} {kind} use words the term list (apps/roadmap/terms.py) "
        f"forbids: {misuses[:5]}"
    )


@pytest.mark.django_db
def test_the_glossary_shows_the_readers_term_list_first_and_open(client):
    page = client.get(reverse("roadmap:glossary"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    section = page[page.index('id="term-lists"') :]
    first = section.index('<details class="mb-3" open>')
    assert first < section.index("<details", first + 1)
    assert '<summary class="h5" lang="pl">polski</summary>' in section
    assert '<td lang="pl">agencja HTA</td>' in section
    assert '<span lang="pl">instytucja HTA</span>' in section
    assert '<td lang="fr">engagement des patients (EP)</td>' in section
    assert section.count(" open>") == 1, "the other languages' lists are closed"
