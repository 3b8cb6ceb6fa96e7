"""Roadmap content in several languages: per edition, edited in the admin, English fallback."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from apps.roadmap.loader import DEFAULT_FIXTURE, load_roadmap, read_translations, translations_path
from apps.roadmap.models import Action, Edition, EndGoal, IntermediateGoal, StakeholderGroup
from apps.roadmap.services import edition_publish, edition_start_draft
from apps.roadmap.signals import roadmap_content_changed
from tests.accounts.factories import UserFactory
from tests.roadmap.factories import action_admin_form

pytestmark = pytest.mark.django_db

POLISH_TITLE = "Przyjąć politykę zaangażowania pacjentów"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(staff=True))
    return client


@pytest.fixture
def draft(small_roadmap) -> Edition:
    return edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)


@pytest.fixture
def announced():
    """What ``roadmap_content_changed`` announced, as (sender, edition) pairs."""
    calls = []

    def receiver(sender, edition, **kwargs):
        calls.append((sender, edition))

    roadmap_content_changed.connect(receiver)
    yield calls
    roadmap_content_changed.disconnect(receiver)


def _page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.content.decode()


def _raw_title(action: Action) -> str:
    """The untranslated column, read past modeltranslation, as other apps' lookups read it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM roadmap_action WHERE id = %s", [action.pk])
        return cursor.fetchone()[0]


# --- The journey: translate in a draft, publish, read ----------------------------------------


def test_a_polish_title_edited_in_a_draft_is_shown_in_polish_once_published(
    admin_client, client, draft
):
    action = draft.actions.get(code="A1.1.1")
    url = reverse("admin:roadmap_action_change", args=[action.pk])
    assert 'name="title_pl"' in admin_client.get(url).content.decode()

    response = admin_client.post(url, action_admin_form(action, title_pl=POLISH_TITLE))

    assert response.status_code == 302, response.content.decode()[:2000]
    action.refresh_from_db()
    assert (action.title_en, action.title_pl) == ("Action 1.1.1", POLISH_TITLE)
    edition_publish(edition=draft, by=None)
    page = reverse("roadmap:action", args=["A1.1.1"])
    assert POLISH_TITLE in _page(client, page, "pl")
    french = _page(client, page, "fr")
    assert POLISH_TITLE not in french
    assert "Action 1.1.1" in french, "French falls back to English"
    assert "Action 1.1.1" in _page(client, page, "en")


def test_saving_in_a_polish_admin_keeps_the_untranslated_column_english(admin_client, draft):
    action = draft.actions.get(code="A1.1.1")
    url = reverse("admin:roadmap_action_change", args=[action.pk])
    data = action_admin_form(action, title_en="Adopt a PE policy", title_pl=POLISH_TITLE)

    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="pl")

    assert response.status_code == 302
    assert _raw_title(action) == "Adopt a PE policy"


def test_the_map_and_home_show_the_active_languages_text(client, small_roadmap):
    EndGoal.objects.filter(edition=small_roadmap, code="EG1").update(title_pl="Cel końcowy 1")
    Edition.objects.filter(pk=small_roadmap.pk).update(vision_pl="Wizja po polsku")

    for url in (reverse("roadmap:map"), reverse("roadmap:home")):
        polish = _page(client, url, "pl")
        assert "Cel końcowy 1" in polish
        assert "Wizja po polsku" in polish
        assert '<html lang="pl"' in polish
        german = _page(client, url, "de")
        assert "End goal 1" in german
        assert small_roadmap.vision in german


def test_the_api_returns_the_polish_text_with_accept_language_pl(client, small_roadmap):
    Action.objects.filter(edition=small_roadmap, code="A1.1.1").update(title_pl=POLISH_TITLE)
    Edition.objects.filter(pk=small_roadmap.pk).update(mission_pl="Misja po polsku")

    detail = client.get("/api/v1/actions/A1.1.1/", HTTP_ACCEPT_LANGUAGE="pl").json()
    roadmap = client.get("/api/v1/roadmap/", HTTP_ACCEPT_LANGUAGE="pl").json()
    english = client.get("/api/v1/actions/A1.1.1/", HTTP_ACCEPT_LANGUAGE="en").json()
    french = client.get("/api/v1/actions/A1.1.1/", HTTP_ACCEPT_LANGUAGE="fr").json()

    assert detail["title"] == POLISH_TITLE
    assert roadmap["mission"]["text"] == "Misja po polsku"
    assert english["title"] == "Action 1.1.1"
    assert french["title"] == "Action 1.1.1"
    assert "title_pl" not in detail, "the API's fields are unchanged"


def test_the_catalogue_search_finds_polish_and_english_words(client, small_roadmap):
    Action.objects.filter(edition=small_roadmap, code="A1.1.1").update(title_pl=POLISH_TITLE)
    url = reverse("roadmap:actions")

    polish = _page(client, f"{url}?search=polityk%C4%99", "pl")
    english = _page(client, f"{url}?search=Action+2.2.2", "pl")

    assert "/roadmap/actions/A1.1.1/" in polish
    assert "/roadmap/actions/A2.2.2/" in english, "untranslated items are found in English"


# --- Per edition -------------------------------------------------------------------------------


def test_starting_a_draft_copies_every_translation(small_roadmap):
    Action.objects.filter(edition=small_roadmap, code="A1.1.1").update(
        title_pl=POLISH_TITLE, description_fr="Une description"
    )
    Edition.objects.filter(pk=small_roadmap.pk).update(
        vision_pl="Wizja", changelog_en="First", changelog_pl="Pierwsza"
    )
    small_roadmap.refresh_from_db()

    with translation.override("pl"):  # as from a Polish admin
        draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)

    copy = draft.actions.get(code="A1.1.1")
    assert (copy.title_pl, copy.description_fr) == (POLISH_TITLE, "Une description")
    assert (draft.vision_pl, draft.title_en) == ("Wizja", small_roadmap.title_en)
    assert draft.changelog_en is None
    assert draft.changelog_pl is None
    original = Action.objects.get(edition=small_roadmap, code="A1.1.1")
    assert original.title_pl == POLISH_TITLE, "the source keeps its own"


def test_a_new_english_title_drops_the_old_titles_translations(small_roadmap):
    Edition.objects.filter(pk=small_roadmap.pk).update(title_pl="Stary tytuł", vision_pl="Wizja")
    small_roadmap.refresh_from_db()

    draft = edition_start_draft(
        source=small_roadmap, version_label="2026.1", by=None, title="Roadmap 2026"
    )

    assert (draft.title_en, draft.title_pl, draft.vision_pl) == ("Roadmap 2026", None, "Wizja")


def test_translations_of_one_edition_do_not_change_another(small_roadmap, draft):
    draft_action = draft.actions.get(code="A1.1.1")
    draft_action.title_pl = "Tylko w wersji roboczej"
    draft_action.save()

    published = Action.objects.get(edition=small_roadmap, code="A1.1.1")
    assert published.title_pl is None


# --- Published editions: translations only -----------------------------------------------------


def test_a_published_editions_translations_stay_editable_and_announce_the_change(
    admin_client, client, small_roadmap, announced, django_capture_on_commit_callbacks
):
    action = Action.objects.get(edition=small_roadmap, code="A1.1.1")
    url = reverse("admin:roadmap_action_change", args=[action.pk])
    form = admin_client.get(url).content.decode()
    assert 'name="title_pl"' in form
    assert 'name="title_en"' not in form, "English is shown, not editable"
    assert "its English text is a record" in form

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, action_admin_form(action, title_pl=POLISH_TITLE, title_en="Changed")
        )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title_en, action.title_pl) == ("Action 1.1.1", POLISH_TITLE)
    assert announced == [(Action, small_roadmap)]
    assert POLISH_TITLE in _page(client, reverse("roadmap:action", args=["A1.1.1"]), "pl")


def test_a_published_edition_cannot_be_reverted_from_its_history(admin_client, small_roadmap):
    action = Action.objects.get(edition=small_roadmap, code="A1.1.1")
    action.save()  # a history row to revert to (the factories write none)
    version = action.history.earliest()
    url = reverse("admin:roadmap_action_simple_history", args=[action.pk, version.history_id])

    response = admin_client.post(url, action_admin_form(action, title_en="Old"))

    assert response.status_code == 403


def test_taxonomy_changes_are_announced_for_every_edition(
    admin_client, small_roadmap, announced, django_capture_on_commit_callbacks
):
    group = StakeholderGroup.objects.get(slug="hta-bodies")
    url = reverse("admin:roadmap_stakeholdergroup_change", args=[group.pk])
    data = {
        "slug": group.slug,
        "name_en": group.name_en,
        "short_name_en": group.short_name_en,
        "description_en": "",
        "order": 0,
        "name_pl": "Instytucje HTA",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    group.refresh_from_db()
    assert (group.name_en, group.name_pl) == ("HTA bodies", "Instytucje HTA")
    assert announced == [(StakeholderGroup, None)]


def test_publishing_announces_the_new_editions_content(
    draft, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edition_publish(edition=draft, by=None)

    assert announced == [(Edition, draft)]


# --- History ----------------------------------------------------------------------------------


def test_history_records_every_language(admin_client, draft):
    action = draft.actions.get(code="A1.1.1")
    url = reverse("admin:roadmap_action_change", args=[action.pk])

    admin_client.post(url, action_admin_form(action, title_pl=POLISH_TITLE))

    latest = action.history.latest()
    assert (latest.title, latest.title_en, latest.title_pl) == (
        "Action 1.1.1",
        "Action 1.1.1",
        POLISH_TITLE,
    )
    delta = latest.diff_against(latest.prev_record)
    assert delta.changed_fields == ["title_pl"], "untouched languages are not changes"
    page = admin_client.get(reverse("admin:roadmap_action_history", args=[action.pk]))
    assert POLISH_TITLE in page.content.decode()


# --- load_roadmap --------------------------------------------------------------------------------


@pytest.fixture
def loaded(db) -> Edition:
    load_roadmap()
    return Edition.objects.get(version_label="2021")


def test_load_roadmap_loads_the_fixtures_translations(loaded, client):
    translations = read_translations(DEFAULT_FIXTURE)
    assert {"fr", "pl"} <= set(translations["edition"]["vision"])

    eg2 = loaded.end_goals.get(code="EG2")
    assert eg2.title_en == "Secure inclusive and diverse PE."
    assert eg2.title_pl == translations["end_goals"]["EG2"]["title"]["pl"]
    assert loaded.vision_fr == translations["edition"]["vision"]["fr"]
    home = _page(client, reverse("roadmap:home"), "pl")
    assert translations["edition"]["mission"]["pl"] in home
    assert translations["stakeholder_groups"]["payers"]["name"]["pl"] in home


@pytest.fixture
def polish_only(tmp_path):
    """A copy of the fixture whose only translations are two Polish texts."""
    fixture = tmp_path / "roadmap.yaml"
    fixture.write_text(DEFAULT_FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    translations_path(fixture).write_text(
        "end_goals: {EG1: {title: {pl: Cel pierwszy}}}\n"
        "stakeholder_groups: {payers: {name: {pl: Płatnicy}}}\n",
        encoding="utf-8",
    )
    load_roadmap(path=fixture)
    return fixture


def test_load_roadmap_twice_changes_nothing_and_keeps_the_editors_translations(polish_only):
    edition = Edition.objects.get(version_label="2021")
    action = edition.actions.get(code="A1.1.1")
    action.title_de = "Von den Redakteuren übersetzt"
    action.save()
    group = StakeholderGroup.objects.get(slug="payers")
    group.description_es = "Traducido por los editores"
    group.save()

    for sync in (False, True):
        report = load_roadmap(path=polish_only, sync=sync)
        assert (report.created, report.updated) == (0, 0)

    action.refresh_from_db()
    group.refresh_from_db()
    assert action.title_de == "Von den Redakteuren übersetzt"
    assert group.description_es == "Traducido por los editores"


def test_load_roadmap_sync_restores_the_fixtures_translations_only(polish_only):
    eg1 = EndGoal.objects.get(edition__version_label="2021", code="EG1")
    EndGoal.objects.filter(pk=eg1.pk).update(title_pl="Zmienione", title_es="Cambiado")

    report = load_roadmap(path=polish_only, sync=True)

    eg1.refresh_from_db()
    assert report.updated == 1
    assert (eg1.title_pl, eg1.title_es) == ("Cel pierwszy", "Cambiado")


def test_load_roadmap_refuses_translations_it_cannot_place(db, tmp_path):
    fixture = tmp_path / "roadmap.yaml"
    fixture.write_text(DEFAULT_FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    extra = translations_path(fixture)

    for text, message in (
        ("end_goals: {EG9: {title: {pl: Nie}}}", "unknown EndGoal: EG9"),
        ("end_goals: {EG1: {code: {pl: Nie}}}", "EndGoal.code is not a translated field"),
        ("dimensions: {culture: {name: {en: Culture}}}", "'en' is not a language"),
    ):
        extra.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            load_roadmap(path=fixture)
        assert not Edition.objects.exists(), "nothing is loaded"


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        (Edition, {}),
        (EndGoal, {"code": "EG1"}),
        (IntermediateGoal, {"code": "IG1.1"}),
        (Action, {"code": "A1.1.1"}),
    ],
)
def test_change_forms_show_english_first_and_the_translations_without_script(
    admin_client, small_roadmap, draft, model, lookup
):
    for edition in (draft, small_roadmap):
        obj = edition if model is Edition else model.objects.get(edition=edition, **lookup)
        url = reverse(f"admin:roadmap_{model._meta.model_name}_change", args=[obj.pk])

        page = admin_client.get(url).content.decode()

        # A <details> per language: collapsed without JavaScript.
        assert re.search(r"<details><summary>\s*<h2[^>]*>Polish</h2>", page)
        assert 'name="title_pl"' in page
        assert ('name="title_en"' in page) is (edition == draft)
        assert "modeltranslation" not in page, "no tabs: their script breaks the CSP"


def test_texts_shown_in_english_on_a_page_in_another_language_are_marked_english(
    client, small_roadmap
):
    Action.objects.filter(edition=small_roadmap, code="A1.1.1").update(title_pl=POLISH_TITLE)
    url = reverse("roadmap:action", args=["A1.1.1"])

    polish = _page(client, url, "pl")
    english = _page(client, url, "en")
    glossary = _page(client, reverse("roadmap:glossary"), "pl")

    assert f"<span>{POLISH_TITLE}</span></h1>" in polish
    assert '<div lang="en"><p>Do something' in polish, "no Polish description: English"
    assert (
        '<blockquote class="source-passage" lang="en">' in polish or "source-passage" not in polish
    )
    assert "<span>Action 1.1.1</span></h1>" in english
    assert "<div><p>Do something" in english
    assert '<span lang="en">HTA bodies' in glossary


class _FormData(HTMLParser):
    """The values a browser would post from a page's form (inputs, textareas, selects)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, object] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.data[name] = "on"
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += (
                data.removeprefix("\n") if not self.data[self._textarea] else data
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def test_an_admin_corrects_the_polish_vision_of_the_published_edition(
    admin_client, client, small_roadmap
):
    url = reverse("admin:roadmap_edition_change", args=[small_roadmap.pk])
    form = _FormData()
    form.feed(admin_client.get(url).content.decode())
    assert "end_goals-TOTAL_FORMS" in form.data, "the read-only inline is posted too"

    response = admin_client.post(url, {**form.data, "vision_pl": "Poprawiona wizja"})

    assert response.status_code == 302, response.content.decode()[:3000]
    small_roadmap.refresh_from_db()
    assert small_roadmap.vision_pl == "Poprawiona wizja"
    assert small_roadmap.vision_en == "Meaningful and sustainable PE for better health outcomes."
    assert small_roadmap.status == Edition.Status.PUBLISHED
    assert "Poprawiona wizja" in _page(client, reverse("roadmap:home"), "pl")
