"""Reads of partnerships, as chainable QuerySet methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Prefetch, Q

if TYPE_CHECKING:
    from apps.adoption.models import Adoption
    from apps.organisations.models import Organisation

    from .models import Partnership

ACCEPTED_PARTNERSHIPS = "accepted_partnerships"


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


def prefetch_accepted_partnerships() -> Prefetch[str]:
    """For a list of adoptions: each one's accepted partnerships with their partner, in
    ``accepted_partnerships`` (read by :func:`accepted_partner_slugs`), one query for the list."""
    from .models import Partnership

    partnerships = Partnership.objects.accepted().select_related("partner")
    return Prefetch("partnerships", queryset=partnerships, to_attr=ACCEPTED_PARTNERSHIPS)


def accepted_partner_slugs(adoption: Adoption) -> list[str]:
    """The slugs of the adoption's accepted partners, in order (prefetched or not)."""
    partnerships = getattr(adoption, ACCEPTED_PARTNERSHIPS, None)
    if partnerships is None:
        partnerships = adoption.partnerships.accepted().select_related("partner")
    return sorted(partnership.partner.slug for partnership in partnerships)
