"""An adoption and its progress log: current entries, corrections, evidence, query count."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.adoption import services
from apps.adoption.models import Metric, Partnership, ProgressEntry
from apps.adoption.services import EntryInput
from tests.adoption.conftest import PDF, upload
from tests.adoption.factories import AdoptionFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _url(adoption) -> str:
    return reverse("adoption:detail", args=[adoption.organisation.slug, adoption.pk])


def _log(adoption, by, days_ago: int, narrative: str, **fields: object) -> ProgressEntry:
    data = EntryInput(
        entry_date=timezone.localdate() - dt.timedelta(days=days_ago), narrative=narrative, **fields
    )
    return services.progress_entry_create(adoption=adoption, by=by, data=data)


def test_it_shows_the_adoption(client_as, org, viewer, contributor, adoption) -> None:
    partner = OrganisationFactory(verified=True, name="Hospital Partner")
    Partnership.objects.create(adoption=adoption, partner=partner, state="accepted")
    services.adoption_update(
        adoption=adoption,
        by=contributor,
        is_urgent=True,
        target_date=timezone.localdate() + dt.timedelta(days=30),
        notes="Agreed at the board meeting.",
    )

    response = client_as(viewer).get(_url(adoption))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="item-code">A1.1.1</span> Action 1.1.1' in html
    assert reverse("roadmap:action", args=["A1.1.1"]) in html
    assert "Planned" in html
    assert "Urgent and important" in html
    assert str(contributor) in html
    assert "Hospital Partner" in html
    assert "Agreed at the board meeting." in html
    assert "Log progress" not in html  # viewers cannot write


def test_the_log_is_newest_first_with_evidence_metrics_and_barriers(
    client_as, org, contributor, adoption, barriers
) -> None:
    pe_activities = Metric.objects.get(slug="pe-activities")
    _log(adoption, contributor, 10, "Older entry.")
    newer = _log(
        adoption,
        contributor,
        2,
        "Newer entry.",
        status_to="in_progress",
        percent_complete=35,
        links=["https://example.org/minutes"],
        files=[upload("Minutes.pdf", PDF)],
        metric_values={pe_activities: Decimal("3")},
        barriers={barriers[0]: "Busy season."},
    )

    html = client_as(contributor).get(_url(adoption)).content.decode()

    assert html.index("Newer entry.") < html.index("Older entry.")
    assert "Planned → In progress" in html
    assert "35&nbsp;%" in html
    assert 'href="https://example.org/minutes"' in html
    evidence = newer.evidence.exclude(file="").get()
    download = reverse("adoption:evidence-download", args=[org.slug, evidence.pk])
    assert re.search(rf'href="{download}">.*Minutes.pdf</a> \(PDF, \d+.bytes\)', html)
    assert "PE activities held" in html
    assert "3 activities" in html
    assert "Lack of time" in html
    assert "Busy season." in html
    assert "Log progress" in html


def test_an_entry_by_a_former_member_says_so(client_as, contributor, adoption) -> None:
    _log(adoption, None, 1, "Written by someone who left.")

    assert "By a former member" in client_as(contributor).get(_url(adoption)).content.decode()


def test_a_corrected_entry_keeps_its_earlier_versions_readable(
    client_as, contributor, adoption
) -> None:
    first = _log(adoption, contributor, 5, "First version.")
    second = services.progress_entry_correct(
        entry=first,
        by=contributor,
        data=EntryInput(entry_date=first.entry_date, narrative="Second version."),
    )
    services.progress_entry_correct(
        entry=second,
        by=contributor,
        data=EntryInput(entry_date=first.entry_date, narrative="Third version."),
    )

    html = client_as(contributor).get(_url(adoption)).content.decode()

    corrected = timezone.localdate().strftime("%-d %b %Y")
    assert f"Corrected on {corrected}." in html
    details = re.search(r"<details>.*?</details>", html, flags=re.DOTALL).group(0)
    assert "Show the 2 earlier versions" in details
    assert details.index("Second version.") < details.index("First version.")
    assert "Third version." not in details
    assert html.count("Third version.") == 1


def test_an_adoption_of_another_organisation_is_404(
    client_as, org, contributor, small_roadmap
) -> None:
    theirs = AdoptionFactory(organisation=OrganisationFactory())
    url = reverse("adoption:detail", args=[org.slug, theirs.pk])

    assert client_as(contributor).get(url).status_code == 404


def test_a_read_only_adoption_says_why_and_offers_no_changes(
    client_as, contributor, adoption
) -> None:
    adoption.action_removed = True
    adoption.save()

    html = client_as(contributor).get(_url(adoption)).content.decode()

    assert "Read-only: removed from the roadmap" in html
    assert "Log progress" not in html
    assert "Correct the entry" not in html


def _queries(client, adoption) -> int:
    # Counted with the pages' cache empty (sessions keep their own): what a first reader pays.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(adoption)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_entries(
    client_as, contributor, adoption, barriers
) -> None:
    client = client_as(contributor)
    metric = Metric.objects.get(slug="pe-activities")

    def log(n: int) -> None:
        for i in range(n):
            entry = _log(
                adoption,
                contributor,
                i,
                f"Entry {i}.",
                links=["https://example.org/x"],
                files=[upload(f"e{i}.pdf", PDF)],
                metric_values={metric: Decimal(i)},
                barriers={barriers[0]: "note"},
            )
            services.progress_entry_correct(
                entry=entry,
                by=contributor,
                data=EntryInput(entry_date=entry.entry_date, narrative=f"Entry {i}, corrected."),
            )

    log(3)
    few = _queries(client, adoption)
    log(27)

    assert _queries(client, adoption) == few
