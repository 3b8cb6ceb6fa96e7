"""Maturity checkpoints for the API: an assessment with its ratings and reflections, and the
organisation's checkpoint schedule. Like the other input serializers, they check the shape
of a request; the services have the last word."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import User
from apps.organisations.models import ReviewInterval
from apps.roadmap.models import Dimension

from ..models import REFLECTION_MAX_LENGTH, GoalReflection, MaturityAssessment, MaturityRating
from .serializers import MAX_ROWS, BoundedListField, CodeField, end_goal_code_field, once_each


class RatingSerializer(serializers.Serializer):
    """A 1-5 level for an end goal or for a dimension (give one of the two)."""

    end_goal = end_goal_code_field(required=False, allow_null=True, help_text="Code: EG1, EG2, …")
    dimension = CodeField(
        queryset=Dimension.objects.all(),
        lookup="slug",
        unknown=_("There is no dimension “{value}”."),
        required=False,
        allow_null=True,
        help_text="Slug: culture, processes or resources.",
    )
    level = serializers.IntegerField(help_text="1 (ad hoc) to 5 (embedded).")

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("end_goal")) == bool(attrs.get("dimension")):
            raise serializers.ValidationError(_("Rate either an end goal or a dimension."))
        return attrs

    def to_representation(self, instance: MaturityRating) -> dict[str, Any]:
        return {
            "end_goal": instance.end_goal.code if instance.end_goal is not None else None,
            "dimension": instance.dimension.slug if instance.dimension is not None else None,
            "level": instance.level,
        }


class ReflectionSerializer(serializers.Serializer):
    """A checkpoint's reflection on one end goal: what worked, what did not."""

    end_goal = end_goal_code_field(help_text="Code: EG1, EG2, …")
    worked = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REFLECTION_MAX_LENGTH
    )
    did_not_work = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REFLECTION_MAX_LENGTH
    )

    def to_representation(self, instance: GoalReflection) -> dict[str, Any]:
        return {
            "end_goal": instance.end_goal.code,
            "worked": instance.worked,
            "did_not_work": instance.did_not_work,
        }


class AssessmentSerializer(serializers.ModelSerializer):
    """A maturity checkpoint with its ratings and its reflections on the end goals."""

    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True
    )
    ratings = RatingSerializer(many=True, read_only=True)
    reflections = ReflectionSerializer(many=True, read_only=True)

    class Meta:
        model = MaturityAssessment
        fields = [
            "id",
            "assessed_on",
            "notes",
            "ratings",
            "reflections",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class AssessmentInputSerializer(serializers.Serializer):
    assessed_on = serializers.DateField(required=False, help_text="Defaults to today.")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    ratings = BoundedListField(child=RatingSerializer(), allow_empty=False, max_length=MAX_ROWS)
    reflections = BoundedListField(
        child=ReflectionSerializer(),
        required=False,
        default=list,
        max_length=MAX_ROWS,
        help_text="Optional: per end goal (code), what worked and what did not.",
    )

    def validate_ratings(self, rows: list[dict]) -> list[dict]:
        goals = [r["end_goal"].pk for r in rows if r.get("end_goal")]
        dimensions = [r["dimension"].pk for r in rows if r.get("dimension")]
        if len(goals) != len(set(goals)) or len(dimensions) != len(set(dimensions)):
            raise serializers.ValidationError(_("Rate each end goal and dimension once."))
        return rows

    def validate_reflections(self, rows: list[dict]) -> list[dict]:
        return once_each(rows, "end_goal", _("Reflect on each end goal once."))


class CheckpointScheduleSerializer(serializers.Serializer):
    """How often the organisation holds a maturity checkpoint, and when the next is due."""

    review_every_months = serializers.ChoiceField(
        choices=ReviewInterval.choices,
        allow_null=True,
        help_text="3, 6 or 12 months after the latest assessment; null: no checkpoints.",
    )
    first_review_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional: no checkpoint is due before this date.",
    )
    next_due = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="When the next checkpoint is due; null with no schedule, or when none is "
        "recorded yet and no first date is set (due now).",
    )
    is_due = serializers.BooleanField(
        read_only=True, help_text="Whether a checkpoint is due today."
    )
