"""A roadmap text shown translated is marked, with its English original one click away."""

import re

import pytest
from django.urls import reverse

from apps.roadmap.models import Action, Edition, EndGoal

pytestmark = pytest.mark.django_db

POLISH_TITLE = "Przyjąć politykę zaangażowania pacjentów"
POLISH_DESCRIPTION = "Zrobić coś, co utrwala zaangażowanie pacjentów."
NOTE = re.compile(
    r'<details class="translation-note( translation-note-inline)?">.*?</details>', re.S
)


def _page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.content.decode()


@pytest.fixture
def polish_action(small_roadmap) -> Action:
    Action.objects.filter(edition=small_roadmap, code="A1.1.1").update(
        title_pl=POLISH_TITLE, description_pl=POLISH_DESCRIPTION
    )
    return Action.objects.get(edition=small_roadmap, code="A1.1.1")


def test_a_polish_action_page_marks_the_translation_and_discloses_the_english(
    client, polish_action
):
    page = _page(client, reverse("roadmap:action", args=["A1.1.1"]), "pl")

    [note] = [m.group(0) for m in NOTE.finditer(page)]
    # A disclosure (keyboard-usable without script), closed until the reader opens it.
    assert note.startswith('<details class="translation-note"><summary>')
    assert " open" not in note.split(">", 1)[0]
    summary = re.search(r"<summary>(.*?)</summary>", note).group(1)
    assert summary, "the mark has a visible name"
    # The English original of both the title and the description, marked English.
    assert '<div class="translation-original" lang="en"><p>Action 1.1.1</p></div>' in note
    assert (
        '<div class="translation-original" lang="en"><p>Do something that sustains patient '
        "engagement.</p></div>" in note
    )
    # The translated texts themselves are in the page's language.
    assert f"<span>{POLISH_TITLE}</span></h1>" in page
    assert f"<div><p>{POLISH_DESCRIPTION}</p></div>" in page


def test_an_untranslated_text_is_marked_english_and_gets_no_translation_note(client, polish_action):
    page = _page(client, reverse("roadmap:action", args=["A1.1.2"]), "pl")

    assert '<span lang="en">Action 1.1.2</span></h1>' in page
    assert "translation-note" not in page


def test_only_the_translated_fields_are_disclosed(client, small_roadmap):
    Action.objects.filter(edition=small_roadmap, code="A1.1.1").update(title_pl=POLISH_TITLE)

    page = _page(client, reverse("roadmap:action", args=["A1.1.1"]), "pl")

    [note] = [m.group(0) for m in NOTE.finditer(page)]
    assert "Action 1.1.1" in note
    assert "Do something" not in note, "the description is not translated: it is English"
    assert '<div lang="en"><p>Do something' in page


def test_a_page_in_english_has_no_translation_note(client, polish_action):
    page = _page(client, reverse("roadmap:action", args=["A1.1.1"]), "en")

    assert "translation-note" not in page
    assert POLISH_TITLE not in page


def test_lists_mark_each_translated_title_with_its_code(client, polish_action):
    EndGoal.objects.filter(code="EG1").update(title_pl="Cel końcowy 1")

    for url in (
        reverse("roadmap:map"),
        reverse("roadmap:actions"),
        reverse("roadmap:end-goal", args=["EG1"]),
    ):
        page = _page(client, url, "pl")
        notes = [m.group(0) for m in NOTE.finditer(page)]
        [action_note] = [n for n in notes if "A1.1.1" in n]
        assert 'class="translation-note translation-note-inline"' in action_note
        assert '<span class="visually-hidden">: A1.1.1</span>' in action_note
        assert '<span class="translation-original" lang="en">Action 1.1.1</span>' in action_note
        assert not [n for n in notes if "A1.1.2" in n], f"A1.1.2 is not translated ({url})"


def test_the_vision_shows_its_english_original_on_the_map(client, small_roadmap):
    Edition.objects.filter(pk=small_roadmap.pk).update(vision_pl="Wizja po polsku")

    page = _page(client, reverse("roadmap:map"), "pl")

    notes = [m.group(0) for m in NOTE.finditer(page)]
    assert any(f'lang="en"><p>{small_roadmap.vision_en}</p>' in note for note in notes), (
        "the English vision is one click away"
    )
