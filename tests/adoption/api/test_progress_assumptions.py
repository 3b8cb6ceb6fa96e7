"""Issue 16 in the API: a progress entry names the assumptions it challenges by code; one that
is not of the adopted action's edition is a 400 under the field that names it."""

import pytest

from apps.adoption.models import AdoptionStatus
from apps.roadmap.models import Edition
from apps.roadmap.services import edition_start_draft
from tests.roadmap.factories import AssumptionFactory, BarrierCategoryFactory

pytestmark = pytest.mark.django_db

ADOPTIONS_URL = "/api/v1/organisations/patients-united/adoptions/"


@pytest.fixture
def assumption(small_roadmap: Edition):
    return AssumptionFactory(
        end_goal=small_roadmap.end_goals.get(code="EG1"), intermediate_goal=None, code="AS-EG1-1"
    )


def test_an_entry_names_the_assumptions_it_challenges(api_as, personas, adoption, assumption):
    BarrierCategoryFactory(slug="resources")
    body = {
        "narrative": "We stopped: no funding.",
        "status": AdoptionStatus.DISCONTINUED,
        "challenged_assumption": "as-eg1-1",
        "barriers": [{"category": "resources", "note": "", "assumption": "AS-EG1-1"}],
    }

    response = api_as(personas["contributor"]).post(
        f"{ADOPTIONS_URL}{adoption.pk}/progress/", body, format="json"
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["challenged_assumption"] == "AS-EG1-1"
    assert data["barriers"] == [{"category": "resources", "note": "", "assumption": "AS-EG1-1"}]


def test_another_edition_s_assumption_is_a_400_under_its_field(
    api_as, personas, adoption, small_roadmap, assumption
):
    draft = edition_start_draft(source=small_roadmap, version_label="2026.1", by=None)
    AssumptionFactory(
        end_goal=draft.end_goals.get(code="EG1"), intermediate_goal=None, code="AS-EG1-9"
    )
    url = f"{ADOPTIONS_URL}{adoption.pk}/progress/"
    client = api_as(personas["contributor"])

    # Another edition's assumption; an assumption without a discontinuation.
    for status, code in (("discontinued", "AS-EG1-9"), ("paused", "AS-EG1-1")):
        body = {"narrative": "x", "status": status, "challenged_assumption": code}
        response = client.post(url, body, format="json")
        assert response.status_code == 400
        assert "challenged_assumption" in response.json()
    assert adoption.entries.count() == 1  # only the adoption's first entry
