"""GET /api/v1/pulse/ and POST /api/v1/pulse/responses/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.pulse.models import PulseSubmission
from apps.pulse.selectors import current_period
from tests.roadmap.factories import EditionFactory, PulseStatementFactory

PULSE = reverse("api-pulse:pulse")
RESPONSES = reverse("api-pulse:responses")


def _body(org, values=(4, 4, 4)) -> dict:
    answers = [{"statement": f"PU-{n}", "value": v} for n, v in enumerate(values, start=1)]
    return {"organisation": org.slug, "answers": answers}


def test_anyone_reads_the_current_statements(anonymous, statements) -> None:
    response = anonymous.get(PULSE)
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == current_period().label
    assert [s["code"] for s in data["statements"]] == ["PU-1", "PU-2", "PU-3"]
    assert data["statements"][0]["text"] == "Statement 1 holds for us."
    assert data["scale"]["1"] == "Strongly disagree"
    assert data["answered"] is None


def test_the_statements_come_in_the_request_language(anonymous, statements) -> None:
    response = anonymous.get(PULSE, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["statements"][0]["text"] == "L'énoncé 1 vaut pour nous."


def test_a_member_answers_once_per_period(api_as, viewer, org, statements) -> None:
    client = api_as(viewer)
    assert client.get(PULSE).json()["answered"] is False
    response = client.post(RESPONSES, _body(org), format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "period": current_period().label,
        "organisation": org.slug,
        "answers": 3,
    }
    assert client.get(PULSE).json()["answered"] is True

    again = client.post(RESPONSES, _body(org, (1, 1, 1)), format="json")
    assert again.status_code == 409
    detail = again.json()["detail"]
    assert detail.startswith(f"You have already answered the pulse for {current_period().label};")
    assert "you can answer again from" in detail
    assert PulseSubmission.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [((4, 6, 4), "PU-2: answer from 1"), ((0, 4, 4), "PU-1: answer from 1")],
)
def test_a_value_outside_1_to_5_is_refused(api_as, pe_lead, org, statements, values, message):
    response = api_as(pe_lead).post(RESPONSES, _body(org, values), format="json")
    assert response.status_code == 400
    assert message in response.json()["answers"][0]
    assert not PulseSubmission.objects.exists()


def test_a_statement_of_another_edition_is_refused(api_as, pe_lead, org, statements) -> None:
    PulseStatementFactory(edition=EditionFactory(version_label="2027"), code="PU-4")
    body = _body(org)
    body["answers"].append({"statement": "PU-4", "value": 3})
    response = api_as(pe_lead).post(RESPONSES, body, format="json")
    assert response.status_code == 400
    assert response.json()["answers"] == ["PU-4 is not a statement of the current pulse."]


def test_a_missing_statement_is_refused(api_as, pe_lead, org, statements) -> None:
    response = api_as(pe_lead).post(RESPONSES, _body(org, (3, 3)), format="json")
    assert response.status_code == 400
    assert "PU-3 not answered" in response.json()["answers"][0]


def test_a_non_member_is_refused_without_learning_whether_the_organisation_exists(
    api_as, outsider, org, statements
) -> None:
    client = api_as(outsider)
    for slug in (org.slug, "no-such-organisation"):
        response = client.post(RESPONSES, {**_body(org), "organisation": slug}, format="json")
        assert response.status_code == 400
        assert response.json() == {
            "organisation": [f"You are not a member of an organisation “{slug}”."]
        }
    assert not PulseSubmission.objects.exists()


def test_a_visitor_cannot_answer(anonymous, org, statements) -> None:
    assert anonymous.post(RESPONSES, _body(org), format="json").status_code == 401


def test_reading_the_pulse_takes_few_queries(
    api_as, viewer, statements, django_assert_max_num_queries
) -> None:
    client = api_as(viewer)
    client.get(PULSE)
    for _n in range(5):
        PulseStatementFactory(edition=statements[0].edition)
    with django_assert_max_num_queries(4):
        assert client.get(PULSE).status_code == 200
