"""The organisation's maturity assessments, with their ratings and reflections, as a file.

Three sheets (in CSV: three ``record_type`` values in one file, see ``apps.core.exporters``):

- ``assessments``: one row per checkpoint, newest first; ``assessment_ref`` is its number
  in this portal, which the other two sheets point to;
- ``ratings``: one row per 1-5 level, of an end goal (code) or a dimension (slug);
- ``reflections``: one row per end goal reflected on: what worked, what did not.

A record to keep and read; the portal does not import it.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.exporters import Cell, Note, Sheet, TabularExporter
from apps.organisations.models import Organisation
from apps.organisations.permissions import Perm

from ..models import GoalReflection, MaturityAssessment, MaturityRating

ASSESSMENTS = "assessments"
RATINGS = "ratings"
REFLECTIONS = "reflections"
CHUNK_SIZE = 1000

ASSESSMENT_HEADER = ["assessment_ref", "assessed_on", "assessed_by", "notes"]
RATING_HEADER = ["assessment_ref", "end_goal", "dimension", "level"]
REFLECTION_HEADER = ["assessment_ref", "assessed_on", "end_goal", "what_worked", "what_did_not"]


class AssessmentExporter(TabularExporter):
    """Maturity assessments, ratings and reflections of one organisation."""

    identifier = "assessments"
    verbose_name = gettext_lazy("Maturity assessments and reflections")
    permission = Perm.ADOPTION_VIEW

    def __init__(self, *, organisation: Organisation) -> None:
        self.organisation = organisation

    def filename_stem(self) -> str:
        return f"{self.organisation.slug}-assessments-{timezone.localdate().isoformat()}"

    def sheets(self) -> Iterator[Sheet]:
        yield Sheet(ASSESSMENTS, ASSESSMENT_HEADER, self.assessment_rows())
        yield Sheet(RATINGS, RATING_HEADER, self.rating_rows())
        yield Sheet(REFLECTIONS, REFLECTION_HEADER, self.reflection_rows())

    def notes(self) -> list[Note]:
        return [
            _("Maturity assessments of %(name)s, exported on %(date)s.")
            % {"name": self.organisation.name, "date": timezone.localdate().isoformat()},
            _(
                "Sheets: assessments (one row per checkpoint), ratings (a level from 1 to 5 "
                "per end goal or dimension) and reflections (per end goal: what worked, what "
                "did not). assessment_ref links the rows of the three sheets."
            ),
            _(
                "Text that a spreadsheet would take for a formula (starting with =, +, -, @) "
                "begins with an apostrophe."
            ),
        ]

    def assessment_rows(self) -> Iterator[list[Cell]]:
        assessments = MaturityAssessment.objects.filter(organisation=self.organisation)
        for assessment in assessments.select_related("created_by").iterator(CHUNK_SIZE):
            yield [
                assessment.pk,
                assessment.assessed_on,
                assessment.created_by.email if assessment.created_by else "",
                assessment.notes,
            ]

    def rating_rows(self) -> Iterator[list[Cell]]:
        ratings = (
            MaturityRating.objects.filter(assessment__organisation=self.organisation)
            .select_related("end_goal", "dimension")
            .order_by("-assessment__assessed_on", "-assessment__created_at", "pk")
        )
        for rating in ratings.iterator(CHUNK_SIZE):
            yield [
                rating.assessment_id,
                rating.end_goal.code if rating.end_goal else "",
                rating.dimension.slug if rating.dimension else "",
                rating.level,
            ]

    def reflection_rows(self) -> Iterator[list[Cell]]:
        reflections = (
            GoalReflection.objects.filter(assessment__organisation=self.organisation)
            .select_related("assessment", "end_goal")
            .order_by("-assessment__assessed_on", "-assessment__created_at", "end_goal__code")
        )
        for reflection in reflections.iterator(CHUNK_SIZE):
            yield [
                reflection.assessment_id,
                reflection.assessment.assessed_on,
                reflection.end_goal.code,
                reflection.worked,
                reflection.did_not_work,
            ]
