"""Reads of partnerships, as chainable QuerySet methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from apps.organisations.models import Organisation

    from .models import Partnership


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def accepted(self) -> PartnershipQuerySet:
        return self.filter(state="accepted")

    def involving(self, organisation: Organisation) -> PartnershipQuerySet:
        """Requests the organisation made (for its adoptions) or received."""
        return self.filter(Q(adoption__organisation=organisation) | Q(partner=organisation))

    def for_listing(self) -> PartnershipQuerySet:
        return self.select_related(
            "adoption__organisation",
            "adoption__action",
            "partner",
            "requested_by",
            "withdrawn_by_organisation",
        )
