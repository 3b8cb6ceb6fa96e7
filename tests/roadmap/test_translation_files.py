"""load_roadmap reads the combined translations file and one file per language, merged."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from apps.adoption.models import Metric
from apps.roadmap.loader import (
    DEFAULT_FIXTURE,
    load_roadmap,
    read_translations,
    translations_path,
)
from apps.roadmap.models import Action, Edition, EndGoal, IntermediateGoal
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

COMBINED = """
end_goals:
  EG1:
    title: {pl: "Cel końcowy pierwszy"}
"""
FRENCH = """
edition:
  mission: {fr: "Mission en français"}
end_goals:
  EG1:
    title: {fr: "Premier objectif final"}
intermediate_goals:
  IG1.1:
    description: {fr: "Description de l'objectif intermédiaire"}
actions:
  A1.1.1:
    title: {fr: "Première action"}
    description: {fr: "L'action en entier"}
barrier_categories: {}
metrics:
  pe-budget:
    name: {fr: "Budget EP"}
    description: {fr: "Argent prévu pour l'engagement des patients."}
"""


@pytest.fixture
def fixture(tmp_path) -> Path:
    """A copy of the real fixture, alone in its folder: its translation files are the test's."""
    path = tmp_path / "roadmap.yaml"
    path.write_text(DEFAULT_FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _write(fixture: Path, suffix: str, text: str) -> Path:
    path = fixture.with_name(f"{fixture.stem}.translations{suffix}.yaml")
    path.write_text(text, encoding="utf-8")
    return path


def test_the_combined_file_and_each_languages_file_are_merged(fixture):
    _write(fixture, "", COMBINED)
    _write(fixture, ".fr", FRENCH)

    load_roadmap(path=fixture)

    edition = Edition.objects.get(version_label="2021")
    eg1 = EndGoal.objects.get(edition=edition, code="EG1")
    assert (eg1.title_pl, eg1.title_fr) == ("Cel końcowy pierwszy", "Premier objectif final")
    assert edition.mission_fr == "Mission en français"
    goal = IntermediateGoal.objects.get(edition=edition, code="IG1.1")
    assert goal.description_fr == "Description de l'objectif intermédiaire"
    action = Action.objects.get(edition=edition, code="A1.1.1")
    assert (action.title_fr, action.description_fr) == ("Première action", "L'action en entier")
    metric = Metric.objects.get(slug="pe-budget")
    assert (metric.name_fr, metric.name_en) == ("Budget EP", "PE budget")
    assert metric.description_fr == "Argent prévu pour l'engagement des patients."
    with translation.override("fr"):
        assert metric.name == "Budget EP"


def test_loading_again_changes_nothing_and_writes_no_history(fixture):
    _write(fixture, "", COMBINED)
    _write(fixture, ".fr", FRENCH)
    load_roadmap(path=fixture)
    history = Action.history.model
    rows = history.objects.count()

    for sync in (False, True):
        report = load_roadmap(path=fixture, sync=sync)
        assert (report.created, report.updated) == (0, 0)

    assert history.objects.count() == rows


def test_the_metrics_translations_are_loaded_on_every_load(fixture):
    load_roadmap(path=fixture)
    _write(fixture, ".fr", "metrics: {pe-budget: {name: {fr: Budget EP}}}")

    report = load_roadmap(path=fixture)  # the edition exists and is left alone

    assert report.updated == 1
    assert Metric.objects.get(slug="pe-budget").name_fr == "Budget EP"


def test_the_metric_catalogue_is_shown_in_the_readers_language(client, fixture):
    _write(fixture, ".fr", FRENCH)
    load_roadmap(path=fixture)

    french = client.get(reverse("api-adoption:metric-list"), HTTP_ACCEPT_LANGUAGE="fr").json()
    english = client.get(reverse("api-adoption:metric-list"), HTTP_ACCEPT_LANGUAGE="en").json()

    budget_fr = next(m for m in french if m["slug"] == "pe-budget")
    budget_en = next(m for m in english if m["slug"] == "pe-budget")
    assert (budget_fr["name"], budget_en["name"]) == ("Budget EP", "PE budget")
    untranslated = next(m for m in french if m["slug"] == "pe-staff-time")
    assert untranslated["name"] == "PE staff time", "no French name: English"


def test_a_text_given_twice_is_an_error_that_names_both_files(fixture):
    _write(fixture, "", "end_goals: {EG1: {title: {fr: Un}}}")
    _write(fixture, ".fr", "end_goals: {EG1: {title: {fr: Deux}}}")

    with pytest.raises(ValueError, match=r"EG1\.title\.fr is translated twice") as error:
        load_roadmap(path=fixture)

    assert "roadmap.translations.yaml" in str(error.value)
    assert "roadmap.translations.fr.yaml" in str(error.value)
    assert not Edition.objects.exists(), "nothing is loaded"


def test_a_key_given_twice_in_one_file_is_an_error(fixture):
    _write(fixture, ".pl", "actions:\n  A1.1.1: {title: {pl: Raz}}\n  A1.1.1: {title: {pl: Dwa}}\n")

    with pytest.raises(ValueError, match=r"line 3: 'A1.1.1' is given twice"):
        read_translations(fixture)


@pytest.mark.parametrize(
    ("suffix", "text", "message"),
    [
        (".fr", "end_goals: {EG1: {title: {de: Erstes}}}", r"EG1.title.de is not in 'fr'"),
        (".xx", "end_goals: {EG1: {title: {xx: ?}}}", r"'xx' is not a language"),
        ("", "goals: {EG1: {title: {fr: Un}}}", r"unknown section 'goals'"),
        ("", "metrics: {no-such-metric: {name: {fr: Non}}}", r"unknown Metric: no-such-metric"),
        ("", "metrics: {pe-budget: {unit: {fr: EUR}}}", r"Metric.unit is not a translated"),
        ("", "actions: [A1.1.1]", r"actions should be a mapping"),
    ],
)
def test_translations_that_cannot_be_placed_are_refused(fixture, suffix, text, message):
    _write(fixture, suffix, text)

    with pytest.raises(ValueError, match=message):
        load_roadmap(path=fixture)

    assert not Edition.objects.exists(), "nothing is loaded"


def test_the_combined_file_keeps_its_name(fixture):
    assert translations_path(fixture).name == "roadmap.translations.yaml"


def test_an_admin_translates_a_metric_and_cannot_delete_it(client):
    client.force_login(UserFactory(staff=True))
    metric = Metric.objects.get(slug="pe-budget")
    url = reverse("admin:adoption_metric_change", args=[metric.pk])
    page = client.get(url).content.decode()
    assert re.search(r"<details><summary>\s*<h2[^>]*>Polish</h2>", page), "collapsed per language"
    assert "modeltranslation" not in page, "no tabs: their script breaks the CSP"
    form = {
        "slug": "pe-budget",
        "name_en": "PE budget",
        "description_en": metric.description_en,
        "kind": metric.kind,
        "unit": metric.unit,
        "component": metric.component,
        "order": metric.order,
        "is_active": "on",
        "name_pl": "Budżet PE",
    }

    response = client.post(url, form, HTTP_ACCEPT_LANGUAGE="pl")

    assert response.status_code == 302, response.content.decode()[:2000]
    metric.refresh_from_db()
    assert (metric.name_pl, metric.name_en, metric.name_fr) == ("Budżet PE", "PE budget", None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM adoption_metric WHERE id = %s", [metric.pk])
        assert cursor.fetchone()[0] == "PE budget", "the untranslated column stays English"
    delete = reverse("admin:adoption_metric_delete", args=[metric.pk])
    assert client.get(delete).status_code == 403
