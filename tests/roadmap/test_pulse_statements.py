"""The attitude pulse's statements: part of an edition, loaded, copied, edited, in the API."""

from __future__ import annotations

from django.urls import reverse

from apps.roadmap.loader import load_roadmap
from apps.roadmap.models import Edition, Provenance, PulseStatement
from apps.roadmap.services import edition_start_draft
from tests.roadmap.factories import PulseStatementFactory


def test_the_fixture_loads_six_curated_statements_in_five_languages(db) -> None:
    load_roadmap()
    statements = list(PulseStatement.objects.filter(edition__version_label="2021"))
    assert [s.code for s in statements] == [f"PU-{n}" for n in range(1, 7)]
    assert all(s.provenance == Provenance.CURATED and s.source_passage for s in statements)
    first = statements[0]
    assert first.text_en.startswith("Patient engagement adds value")
    assert first.text_fr.startswith("L'engagement des patients (EP)")
    assert first.text_es.startswith("La participación de los pacientes (PP)")
    assert first.text_de.startswith("Patientenbeteiligung (PE)")
    assert first.text_pl.startswith("Zaangażowanie pacjentów (PE)")
    # A second load changes nothing.
    assert not load_roadmap(sync=True).changed


def test_a_draft_copies_the_statements_with_their_translations(small_roadmap, admin_user):
    PulseStatementFactory(edition=small_roadmap, code="PU-1", text="We value PE.", text_fr="Oui.")
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=admin_user)
    copy = draft.pulse_statements.get()
    assert (copy.code, copy.text_en, copy.text_fr) == ("PU-1", "We value PE.", "Oui.")
    assert small_roadmap.pulse_statements.get().pk != copy.pk


def test_the_roadmap_api_lists_the_statements(client, small_roadmap) -> None:
    PulseStatementFactory(edition=small_roadmap, code="PU-1", text="We value PE.")
    data = client.get(reverse("api-roadmap:roadmap")).json()
    assert data["pulse_statements"] == [
        {
            "code": "PU-1",
            "text": "We value PE.",
            "provenance": "curated",
            "source_passage": "Trust is one of the critical underlying factors.",
        }
    ]


def test_a_draft_edition_edits_its_statements_inline(admin_client, small_roadmap, admin_user):
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=admin_user)
    PulseStatementFactory(edition=draft, code="PU-1", text="We value PE.")
    html = admin_client.get(reverse("admin:roadmap_edition_change", args=[draft.pk])).content
    assert b"pulse_statements-0-text_en" in html
    assert b"pulse_statements-0-text_pl" in html
    assert Edition.objects.get(pk=draft.pk).is_editable
