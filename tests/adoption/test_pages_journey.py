"""The issue's "done means": a contributor adopts three actions from the catalogue, logs
progress with a PDF and two metrics, and the adoption page shows them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.adoption.models import Adoption
from tests.organisations.helpers import messages_of

pytestmark = pytest.mark.django_db


def test_a_contributor_adopts_three_actions_and_logs_progress(
    client_as, org, contributor, small_roadmap, pdf_file
) -> None:
    client = client_as(contributor)
    catalogue = client.get(reverse("adoption:catalogue", args=[org.slug]))
    assert 'value="A1.1.1"' in catalogue.content.decode()

    adopted = client.post(
        reverse("adoption:catalogue", args=[org.slug]),
        {"actions": ["A1.1.1", "A1.2.2", "A2.1.1"]},
        follow=True,
    )
    assert "3 actions adopted." in [str(m) for m in adopted.context["messages"]]
    listing = adopted.content.decode()
    for code in ("A1.1.1", "A1.2.2", "A2.1.1"):
        assert code in listing

    adoption = Adoption.objects.get(organisation=org, action__code="A1.2.2")
    logged = client.post(
        reverse("adoption:progress-add", args=[org.slug, adoption.pk]),
        {
            "entry_date": timezone.localdate().isoformat(),
            "narrative": "Held the first patient advisory board.",
            "status_to": "in_progress",
            "percent_complete": "25",
            "files": [pdf_file("Advisory board minutes.pdf")],
            "metric_pe-activities": "1",
            "metric_patients-involved": "9",
        },
    )
    assert logged.status_code == 302
    assert messages_of(logged) == ["Your progress entry is recorded."]

    detail = client.get(logged["Location"]).content.decode()
    assert "Held the first patient advisory board." in detail
    assert "Advisory board minutes.pdf" in detail
    assert "PE activities held" in detail
    assert "Patients and carers involved" in detail
    assert "9 people" in detail
    assert "In progress" in detail
    assert "25&nbsp;%" in detail
