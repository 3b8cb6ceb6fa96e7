"""The short progress form: yes/no metrics as a choice, barrier notes shown for ticked
barriers only, and the optional parts folded in <details>."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.adoption import services
from apps.adoption.models import BarrierReport, Metric, MetricValue, ProgressEntry
from apps.adoption.services import EntryInput

pytestmark = pytest.mark.django_db


def _add_url(adoption) -> str:
    return reverse("adoption:progress-add", args=[adoption.organisation.slug, adoption.pk])


def _data(**values: str) -> dict[str, str]:
    return {
        "entry_date": timezone.localdate().isoformat(),
        "narrative": "Held a workshop.",
        "status_to": "",
        "percent_complete": "",
        "links": "",
        **values,
    }


def _details(html: str) -> dict[str, str]:
    """Each <details> part of the form by its summary's first word, with its opening tag."""
    parts = re.findall(r"(<details[^>]*data-form-part[^>]*>)\s*<summary[^>]*>\s*(\w+)", html)
    return {word: tag for tag, word in parts}


def _new_entry(adoption) -> ProgressEntry:
    return adoption.entries.exclude(narrative="Adopted the action.").get()


# --- Yes/no metrics --------------------------------------------------------------------------


def test_a_yes_no_metric_is_a_choice_not_a_number_box(client_as, contributor, adoption) -> None:
    html = client_as(contributor).get(_add_url(adoption)).content.decode()

    select = re.search(r'<select name="metric_pe-lead-in-place".*?</select>', html, re.DOTALL)
    assert select, "no choice for the yes/no metric"
    assert re.findall(r'<option value="([^"]*)"', select.group(0)) == ["", "1", "0"]
    assert ">Yes</option>" in select.group(0)
    assert ">No</option>" in select.group(0)
    assert 'type="number" name="metric_pe-lead-in-place"' not in html
    assert 'type="number" name="metric_pe-activities"' in html  # a count stays a number


@pytest.mark.parametrize(("answer", "stored"), [("1", Decimal("1")), ("0", Decimal("0"))])
def test_a_yes_no_metric_saves_1_or_0(
    client_as, contributor, adoption, answer: str, stored: Decimal
) -> None:
    response = client_as(contributor).post(
        _add_url(adoption), _data(**{"metric_pe-lead-in-place": answer})
    )

    assert response.status_code == 302
    value = MetricValue.objects.get(metric__slug="pe-lead-in-place")
    assert value.value == stored
    assert value.entry == _new_entry(adoption)


def test_a_yes_no_metric_left_unreported_stores_nothing(client_as, contributor, adoption) -> None:
    response = client_as(contributor).post(
        _add_url(adoption), _data(**{"metric_pe-lead-in-place": ""})
    )

    assert response.status_code == 302
    assert not MetricValue.objects.exists()


def test_a_yes_no_metric_accepts_only_yes_or_no(client_as, contributor, adoption) -> None:
    response = client_as(contributor).post(
        _add_url(adoption), _data(**{"metric_pe-lead-in-place": "7"})
    )

    assert response.status_code == 400
    assert response.context["form"].errors["metric_pe-lead-in-place"]
    assert ProgressEntry.objects.count() == 1  # the adoption's own entry only


def test_a_correction_preselects_the_yes_no_answer(client_as, contributor, adoption) -> None:
    entry = services.progress_entry_create(
        adoption=adoption,
        by=contributor,
        data=EntryInput(
            entry_date=timezone.localdate(),
            narrative="First.",
            metric_values={Metric.objects.get(slug="pe-lead-in-place"): Decimal("1")},
        ),
    )
    url = reverse(
        "adoption:progress-correct", args=[adoption.organisation.slug, adoption.pk, entry.pk]
    )

    html = client_as(contributor).get(url).content.decode()

    assert re.search(r'<option value="1" selected>Yes</option>', html)
    assert "open" in _details(html)["Metrics"]  # a part holding a value starts open


# --- Barrier notes ---------------------------------------------------------------------------


def test_each_barrier_note_is_marked_to_show_once_its_barrier_is_ticked(
    client_as, contributor, adoption, barriers
) -> None:
    html = client_as(contributor).get(_add_url(adoption)).content.decode()

    for slug in ("time", "funding"):
        opening = rf'<div class="barrier-note" data-barrier-note="id_barrier_{slug}"[^>]*>'
        wrapper = re.search(opening + r".*?</div>\s*</div>", html, re.DOTALL)
        assert wrapper, slug
        assert f'name="barrier_{slug}_note"' in wrapper.group(0)
        # Shown without JavaScript; the script hides it until the barrier is ticked.
        assert "hidden" not in wrapper.group(0).split(">")[0]
    assert "js/barrier-notes.js" in html


def test_a_note_on_a_barrier_not_ticked_is_refused_with_a_clear_message(
    client_as, contributor, adoption, barriers
) -> None:
    response = client_as(contributor).post(
        _add_url(adoption),
        _data(barrier_time="on", barrier_funding_note="No budget line yet."),
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["barrier_funding_note"] == [
        "Tick “Lack of funding” if you met this barrier, or clear its note."
    ]
    assert form["barrier_funding_note"].value() == "No budget line yet."  # kept, not dropped
    assert "open" in _details(response.content.decode())["Barriers"]
    assert not BarrierReport.objects.exists()
    assert ProgressEntry.objects.count() == 1


def test_a_ticked_barrier_is_recorded_with_or_without_a_note(
    client_as, contributor, adoption, barriers
) -> None:
    response = client_as(contributor).post(
        _add_url(adoption),
        _data(barrier_time="on", barrier_funding="on", barrier_funding_note="No budget."),
    )

    assert response.status_code == 302
    reports = {r.category.slug: r.note for r in _new_entry(adoption).barriers.all()}
    assert reports == {"time": "", "funding": "No budget."}


# --- Folded optional parts -------------------------------------------------------------------


def test_the_optional_parts_start_folded_and_the_main_fields_do_not(
    client_as, contributor, adoption, barriers
) -> None:
    html = client_as(contributor).get(_add_url(adoption)).content.decode()

    parts = _details(html)
    assert set(parts) == {"Evidence", "Metrics", "Barriers"}
    assert all(" open" not in tag for tag in parts.values())
    first_part = html.index(next(iter(parts.values())))
    for name in ("entry_date", "narrative", "status_to", "percent_complete"):
        assert html.index(f'name="{name}"') < first_part


def test_a_part_with_an_error_opens(client_as, contributor, adoption) -> None:
    response = client_as(contributor).post(_add_url(adoption), _data(links="not a link"))

    assert response.status_code == 400
    parts = _details(response.content.decode())
    assert " open" in parts["Evidence"]
    assert " open" not in parts["Metrics"]
