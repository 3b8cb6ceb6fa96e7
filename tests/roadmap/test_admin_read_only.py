"""Published and archived editions are a record: their admin pages offer no way to add to
them, and their inlines are read-only (a published edition keeps "Save", for translations)."""

import pytest
from django.urls import reverse

from apps.roadmap.services import edition_publish, edition_start_draft
from tests.accounts.factories import UserFactory


@pytest.fixture
def portal_admin(client, db):
    """A superuser, signed in."""
    client.force_login(UserFactory(staff=True, email="portal-admin@example.org"))
    return client


@pytest.fixture
def draft(small_roadmap):
    return edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)


def _page(client, name: str, obj) -> str:
    response = client.get(reverse(f"admin:roadmap_{name}_change", args=[obj.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_draft_offers_every_editing_control(portal_admin, draft) -> None:
    page = _page(portal_admin, "edition", draft)
    assert 'name="_addanother"' in page
    assert 'name="end_goals-0-code"' in page
    assert 'id="end_goals-empty"' in page  # the row "Add another" copies


def test_a_published_edition_offers_only_saving_its_translations(
    portal_admin, small_roadmap
) -> None:
    page = _page(portal_admin, "edition", small_roadmap)

    assert 'name="_save"' in page
    assert 'name="title_pl"' in page
    assert 'name="_addanother"' not in page
    assert 'name="_saveasnew"' not in page
    assert 'name="end_goals-0-code"' not in page  # the end goals inline is read-only
    assert 'id="end_goals-empty"' not in page
    assert 'name="title_en"' not in page


@pytest.mark.parametrize("name", ["edition", "endgoal", "intermediategoal", "action"])
def test_archived_content_has_no_editing_controls(portal_admin, small_roadmap, draft, name) -> None:
    edition_publish(edition=draft, by=None)
    obj = {
        "edition": small_roadmap,
        "endgoal": small_roadmap.end_goals.first(),
        "intermediategoal": small_roadmap.intermediate_goals.first(),
        "action": small_roadmap.actions.first(),
    }[name]

    page = _page(portal_admin, name, obj)

    for control in ('name="_save"', 'name="_continue"', 'name="_addanother"', "-empty"):
        assert control not in page
    assert "<textarea" not in page
    assert 'name="title_pl"' not in page
    assert "deletelink" not in page
