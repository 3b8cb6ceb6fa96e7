"""The curation app's receivers of the roadmap's signals (roadmap imports no other app)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from apps.roadmap.models import Edition
from apps.roadmap.signals import edition_draft_started

from .services import proposals_carry_into


@receiver(edition_draft_started, dispatch_uid="curation-carry-proposals")
def carry_proposals(sender: Any, *, edition: Edition, by: Any = None, **kwargs: Any) -> None:
    """A new draft's changelog starts with every proposal not carried yet."""
    proposals_carry_into(edition=edition, by=by)
