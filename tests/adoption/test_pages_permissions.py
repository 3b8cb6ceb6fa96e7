"""Viewers cannot write: every write address answers 403 and nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.adoption.models import Adoption, MaturityAssessment, ProgressEntry

pytestmark = pytest.mark.django_db


def _write_urls(org, adoption) -> list[tuple[str, str]]:
    entry = adoption.entries.get()
    slug = org.slug
    return [
        ("post", reverse("adoption:catalogue", args=[slug])),
        ("get", reverse("adoption:create", args=[slug])),
        ("post", reverse("adoption:create", args=[slug])),
        ("get", reverse("adoption:edit", args=[slug, adoption.pk])),
        ("post", reverse("adoption:edit", args=[slug, adoption.pk])),
        ("get", reverse("adoption:progress-add", args=[slug, adoption.pk])),
        ("post", reverse("adoption:progress-add", args=[slug, adoption.pk])),
        ("get", reverse("adoption:progress-correct", args=[slug, adoption.pk, entry.pk])),
        ("post", reverse("adoption:progress-correct", args=[slug, adoption.pk, entry.pk])),
        ("get", reverse("adoption:assessment-create", args=[slug])),
        ("post", reverse("adoption:assessment-create", args=[slug])),
    ]


def test_a_viewer_gets_403_on_every_write_address(client_as, org, viewer, adoption) -> None:
    client = client_as(viewer)
    data = {
        "actions": ["A1.1.2"],
        "action": "A1.1.2",
        "status": "in_progress",
        "entry_date": timezone.localdate().isoformat(),
        "assessed_on": timezone.localdate().isoformat(),
        "narrative": "Should not be stored.",
    }

    for method, url in _write_urls(org, adoption):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)

    assert Adoption.objects.count() == 1
    assert ProgressEntry.objects.count() == 1
    assert not MaturityAssessment.objects.exists()
    adoption.refresh_from_db()
    assert adoption.status == "planned"
