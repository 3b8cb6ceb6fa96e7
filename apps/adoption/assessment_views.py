"""An organisation's maturity assessments: earlier ones side by side, a new one, and the
checkpoint schedule. Split from ``views`` (as ``roadmap_views``), with the same mixins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from apps.organisations.permissions import Perm
from apps.organisations.services import checkpoint_schedule_update
from apps.roadmap.models import Dimension, EndGoal

from .assessment_forms import AssessmentForm, CheckpointScheduleForm
from .forms import add_service_errors
from .mixins import InvalidIs400, OrganisationAdoptionsMixin
from .models import GoalReflection, MaturityLevel, MaturityRating
from .next_steps import organisation_checkpoint
from .services import assessment_create


def level_name(level: int | None) -> str:
    """The level's number and short name ("3 · Defined"); empty when not rated."""
    if level is None:
        return ""
    return str(MaturityLevel(level).label).split(":", 1)[0]


def _comparison_rows(organisation: Any, assessments: list[Any]) -> list[dict[str, Any]]:
    """One row per end goal and dimension, one cell per assessment (newest first)."""
    ratings = MaturityRating.objects.filter(assessment__organisation=organisation).select_related(
        "end_goal", "dimension"
    )
    levels: dict[tuple[str, int], int] = {}
    labels: dict[str, str] = {}
    for rating in ratings:
        if rating.end_goal is not None:
            goal = rating.end_goal
            key, label = f"goal:{goal.code}", f"{goal.code} {goal.title}"
        else:
            dimension = rating.dimension
            assert dimension is not None  # a rating is of a goal or a dimension (constraint)
            key, label = f"dimension:{dimension.slug}", dimension.name
        labels.setdefault(key, label)
        levels[(key, rating.assessment_id)] = rating.level
    rows = {f"goal:{g.code}": f"{g.code} {g.title}" for g in EndGoal.objects.published()}
    rows |= {k: v for k, v in labels.items() if k.startswith("goal:") and k not in rows}
    rows |= {f"dimension:{d.slug}": d.name for d in Dimension.objects.all()}
    return [
        {
            "label": label,
            "cells": [level_name(levels.get((key, a.pk))) for a in assessments],
        }
        for key, label in rows.items()
    ]


class AssessmentListView(OrganisationAdoptionsMixin, TemplateView):
    """Earlier maturity assessments side by side, newest first, and the levels explained."""

    permission = Perm.ADOPTION_VIEW
    template_name = "adoption/assessments.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        reflections = GoalReflection.objects.select_related("end_goal").order_by("end_goal__code")
        assessments = list(
            self.organisation.assessments.select_related("created_by").prefetch_related(
                Prefetch("reflections", queryset=reflections)
            )
        )
        context["assessments"] = assessments
        context["rows"] = _comparison_rows(self.organisation, assessments)
        context["levels"] = MaturityLevel.choices
        context["can_assess"] = self.can(Perm.ASSESSMENT_WRITE)
        context["checkpoint"] = organisation_checkpoint(
            self.organisation, [a.assessed_on for a in assessments], timezone.localdate()
        )
        return context


class AssessmentCreateView(InvalidIs400, OrganisationAdoptionsMixin, FormView):
    permission = Perm.ASSESSMENT_WRITE
    form_class = AssessmentForm
    template_name = "adoption/assessment_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["end_goals"] = EndGoal.objects.published()
        kwargs["dimensions"] = Dimension.objects.all()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["levels"] = MaturityLevel.choices
        return context

    def form_valid(self, form: AssessmentForm) -> HttpResponse:
        goal_levels, dimension_levels = form.levels()
        try:
            assessment_create(
                organisation=self.organisation,
                by=self.user,
                assessed_on=form.cleaned_data["assessed_on"],
                goal_levels=goal_levels,
                dimension_levels=dimension_levels,
                notes=form.cleaned_data["notes"],
                reflections=form.reflections(),
            )
        except ValidationError as error:
            add_service_errors(form, error, {"levels": None, "reflections": None})
            return self.form_invalid(form)
        messages.success(self.request, _("The maturity assessment is recorded."))
        return redirect("adoption:assessments", slug=self.organisation.slug)


class CheckpointScheduleView(InvalidIs400, OrganisationAdoptionsMixin, FormView):
    """How often the organisation holds a maturity checkpoint: whoever records assessments
    sets it (not only those who edit the organisation's details)."""

    permission = Perm.ASSESSMENT_WRITE
    form_class = CheckpointScheduleForm
    template_name = "adoption/checkpoint_schedule.html"

    def get_initial(self) -> dict[str, Any]:
        return {
            "review_every_months": self.organisation.review_every_months,
            "first_review_on": self.organisation.first_review_on,
        }

    def form_valid(self, form: CheckpointScheduleForm) -> HttpResponse:
        try:
            checkpoint_schedule_update(
                organisation=self.organisation,
                by=self.user,
                review_every_months=form.cleaned_data["review_every_months"],
                first_review_on=form.cleaned_data["first_review_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {})
            return self.form_invalid(form)
        messages.success(self.request, _("The checkpoint schedule is saved."))
        return redirect("adoption:assessments", slug=self.organisation.slug)
