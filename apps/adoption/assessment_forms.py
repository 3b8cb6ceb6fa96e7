"""Forms of the maturity checkpoints: an assessment (levels and reflections) and the
organisation's checkpoint schedule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import ReviewInterval
from apps.roadmap.models import Dimension, EndGoal

from .forms import DateInput
from .models import REFLECTION_MAX_LENGTH, MaturityLevel
from .services import Reflection

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AssessmentForm(forms.Form):
    """A 1-5 level for each end goal (``goal_<code>``) and dimension (``dimension_<slug>``),
    and an optional reflection per end goal (``worked_<code>``, ``did_not_work_<code>``)."""

    assessed_on = forms.DateField(label=_("Date of the checkpoint"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        end_goals: Iterable[EndGoal],
        dimensions: Iterable[Dimension],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate
        self.end_goals = {f"goal_{g.code}": g for g in end_goals}
        self.dimensions = {f"dimension_{d.slug}": d for d in dimensions}
        for name, goal in self.end_goals.items():
            self.fields[name] = _level_field(f"{goal.code} {goal.title}")
        for name, dimension in self.dimensions.items():
            self.fields[name] = _level_field(dimension.name)
        for goal in self.end_goals.values():
            names = {"goal": goal.code}
            self.fields[f"worked_{goal.code}"] = _reflection_field(
                _("What worked"), _("For %(goal)s: what helped, what you would do again.") % names
            )
            self.fields[f"did_not_work_{goal.code}"] = _reflection_field(
                _("What did not"),
                _("For %(goal)s: what fell short, what you would change.") % names,
            )

    def goal_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.end_goals]

    def dimension_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.dimensions]

    def reflection_fields(self) -> list[tuple[EndGoal, forms.BoundField, forms.BoundField]]:
        """Per end goal: the goal, its "what worked" and its "what did not" fields."""
        return [
            (goal, self[f"worked_{goal.code}"], self[f"did_not_work_{goal.code}"])
            for goal in self.end_goals.values()
        ]

    def reflections(self) -> dict[EndGoal, Reflection]:
        data = self.cleaned_data
        return {
            goal: Reflection(
                worked=data[f"worked_{goal.code}"], did_not_work=data[f"did_not_work_{goal.code}"]
            )
            for goal in self.end_goals.values()
        }

    def levels(self) -> tuple[dict[EndGoal, int], dict[Dimension, int]]:
        data = self.cleaned_data
        goals = {goal: int(data[name]) for name, goal in self.end_goals.items()}
        dimensions = {dim: int(data[name]) for name, dim in self.dimensions.items()}
        return goals, dimensions


def _level_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=MaturityLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a level from 1 to 5.")},
    )


def _reflection_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=REFLECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CheckpointScheduleForm(forms.Form):
    """How often the organisation holds a maturity checkpoint, and from when."""

    review_every_months = forms.TypedChoiceField(
        label=_("Maturity checkpoints"),
        choices=[("", _("No checkpoints")), *ReviewInterval.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "At each checkpoint the dashboard asks for a maturity assessment and a short "
            "reflection per end goal."
        ),
    )
    first_review_on = forms.DateField(
        label=_("First checkpoint on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Optional. No checkpoint is due before this date; after it, one is due every "
            "interval after the latest assessment."
        ),
    )
