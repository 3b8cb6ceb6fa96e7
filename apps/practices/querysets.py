"""Reads of case studies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from apps.organisations.models import Organisation

    from .models import CaseStudy


class CaseStudyQuerySet(models.QuerySet["CaseStudy"]):
    def published(self) -> CaseStudyQuerySet:
        return self.filter(state="published")

    def awaiting_moderation(self) -> CaseStudyQuerySet:
        return self.filter(state="approved_by_org")

    def for_organisation(self, organisation: Organisation) -> CaseStudyQuerySet:
        return self.filter(organisation=organisation)

    def for_listing(self) -> CaseStudyQuerySet:
        """With what a list shows of each: its action (code, edition, dimension, end goal)
        and organisation (name, group); one query."""
        return self.select_related(
            "organisation__stakeholder_group",
            "adoption__action__edition",
            "adoption__action__dimension",
            "adoption__action__intermediate_goal__end_goal",
            "author",
        )

    def for_action_code(self, code: str) -> CaseStudyQuerySet:
        """Case studies of the action with this code, in whichever edition it was adopted."""
        return self.filter(adoption__action__code=code)
