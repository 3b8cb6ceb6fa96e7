"""Reads of roadmap content, as chainable QuerySet methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from modeltranslation.utils import build_localized_fieldname, get_language

if TYPE_CHECKING:
    from .models import (
        Action,
        Dimension,
        Edition,
        EndGoal,
        IntermediateGoal,
        Resource,
        StakeholderGroup,
    )

_Taxonomy = TypeVar("_Taxonomy", "StakeholderGroup", "Dimension")


class EditionQuerySet(models.QuerySet["Edition"]):
    def published(self) -> EditionQuerySet:
        return self.filter(status="published")

    def current(self) -> Edition | None:
        """The published edition, or None before any edition is published."""
        return self.published().first()

    def with_goal_tree(self) -> EditionQuerySet:
        """Prefetch everything the roadmap map shows, in a fixed number of queries.

        End goals → intermediate goals → actions (with their groups and dimension, and the
        goals of other branches they contribute to); each goal is annotated with
        ``assumption_count``, the ⚑ badge of the map (no query of its own).
        """
        from .models import EndGoal, IntermediateGoal

        actions = _actions_with_badges().prefetch_related("contributes_to")
        goals = IntermediateGoal.objects.annotate(
            assumption_count=Count("assumptions")
        ).prefetch_related(Prefetch("actions", queryset=actions))
        end_goals = EndGoal.objects.annotate(
            assumption_count=Count("assumptions")
        ).prefetch_related(Prefetch("intermediate_goals", queryset=goals))
        return self.prefetch_related(Prefetch("end_goals", queryset=end_goals))

    def with_assumptions(self) -> EditionQuerySet:
        """After :meth:`with_goal_tree`: each goal's assumptions too (two queries), for the
        outline below the map and the API."""
        return self.prefetch_related(
            "end_goals__assumptions", "end_goals__intermediate_goals__assumptions"
        )


def _actions_with_badges() -> ActionQuerySet:
    """Actions with what a short listing shows (dimension, groups), in a fixed query count."""
    from .models import Action

    return Action.objects.select_related("dimension").prefetch_related("stakeholder_groups")


class EndGoalQuerySet(models.QuerySet["EndGoal"]):
    def published(self) -> EndGoalQuerySet:
        return self.filter(edition__status="published")

    def with_children(self) -> EndGoalQuerySet:
        """Each end goal with its intermediate goals and their actions, prefetched."""
        from .models import IntermediateGoal

        goals = IntermediateGoal.objects.prefetch_related(
            Prefetch("actions", queryset=_actions_with_badges())
        )
        return self.select_related("edition").prefetch_related(
            "assumptions", Prefetch("intermediate_goals", queryset=goals)
        )


class IntermediateGoalQuerySet(models.QuerySet["IntermediateGoal"]):
    def published(self) -> IntermediateGoalQuerySet:
        return self.filter(edition__status="published")

    def with_children(self) -> IntermediateGoalQuerySet:
        """Each intermediate goal with its end goal, its actions, its assumptions and the
        actions of other branches that contribute to it, prefetched."""
        from .models import Action

        contributing = Action.objects.order_by(
            "intermediate_goal__end_goal__order", "intermediate_goal__order", "order"
        )
        return self.select_related("edition", "end_goal").prefetch_related(
            Prefetch("actions", queryset=_actions_with_badges()),
            "assumptions",
            Prefetch("contributing_actions", queryset=contributing),
        )


class ActionQuerySet(models.QuerySet["Action"]):
    def published(self) -> ActionQuerySet:
        """Actions of the published edition."""
        return self.filter(edition__status="published")

    def for_listing(self) -> ActionQuerySet:
        """Everything a list of actions shows, without a query per action."""
        return self.select_related(
            "dimension", "intermediate_goal", "intermediate_goal__end_goal"
        ).prefetch_related("stakeholder_groups")

    def for_detail(self) -> ActionQuerySet:
        return self.for_listing().prefetch_related("resources")

    def search(self, text: str) -> ActionQuerySet:
        """Actions whose code, title, description or other actors mention every word.

        Texts are searched in the active language and in English, which readers see
        wherever a text has no translation.
        """
        languages = {settings.MODELTRANSLATION_DEFAULT_LANGUAGE, get_language()}
        columns = [
            build_localized_fieldname(field, language)
            for field in ("title", "description", "other_actors")
            for language in sorted(languages)
        ]
        qs = self
        for word in text.split():
            match = Q(code__icontains=word)
            for column in columns:
                match |= Q(**{f"{column}__icontains": word})
            qs = qs.filter(match)
        return qs

    def for_stakeholder_group(self, slug: str) -> ActionQuerySet:
        return self.filter(stakeholder_groups__slug=slug)

    def with_recommendation(self, group_id: int) -> ActionQuerySet:
        """Annotate ``for_every_group`` (the action is addressed to every stakeholder group)
        and ``recommended`` (addressed to the group ``group_id`` specifically: to it and not
        to every group). No join: the rows stay one per action.
        """
        from .models import Action, StakeholderGroup

        through = Action.stakeholder_groups.through
        addressed = (
            StakeholderGroup.objects.filter(actions=OuterRef("pk"))
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(n=Count("pk"))
            .values("n")
        )
        every = (
            StakeholderGroup.objects.order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(n=Count("pk"))
            .values("n")
        )
        to_group = through.objects.filter(action=OuterRef("pk"), stakeholdergroup=group_id)
        return self.annotate(
            addressed_groups=Coalesce(Subquery(addressed), 0),
            all_groups=Coalesce(Subquery(every), 0),
        ).annotate(
            for_every_group=ExpressionWrapper(
                Q(addressed_groups__gte=F("all_groups"), all_groups__gt=0),
                output_field=BooleanField(),
            ),
            recommended=ExpressionWrapper(
                Q(Exists(to_group)) & ~Q(addressed_groups__gte=F("all_groups")),
                output_field=BooleanField(),
            ),
        )


class TaxonomyQuerySet(models.QuerySet[_Taxonomy]):
    """Stakeholder groups and dimensions: both are shared by every edition."""

    def with_published_action_count(self) -> TaxonomyQuerySet[Any]:
        """Annotate ``action_count``: actions of the published edition only.

        Meta.ordering does not apply to aggregating queries, so order explicitly. (Its rows
        are the annotated model, which django-stubs cannot spell for a type variable: Any.)
        """
        count = models.Count(
            "actions", filter=Q(actions__edition__status="published"), distinct=True
        )
        return self.annotate(action_count=count).order_by("order", "pk")


class ResourceQuerySet(models.QuerySet["Resource"]):
    """The toolbox items and guidance, shared by every edition."""

    def with_published_actions(self) -> ResourceQuerySet:
        """Each resource with the actions of the published edition it serves
        (``published_actions``, in roadmap order): two queries for the whole list."""
        from .models import Action as Actions

        actions = Actions.objects.published().order_by("order", "code")
        return self.prefetch_related(
            Prefetch("actions", queryset=actions, to_attr="published_actions")
        )
