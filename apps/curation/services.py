"""Writes of the curation app: proposals, and carrying them into a draft's changelog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from apps.roadmap.models import Action, Edition
from apps.roadmap.translation import canonical_name

from .models import Proposal

if TYPE_CHECKING:
    from apps.accounts.models import User

HEADING = "Proposals from the curators' learning report:"


@transaction.atomic
def proposal_create(*, action: Action | None, flag: str, text: str, by: User | None) -> Proposal:
    """A new proposal (``full_clean``: it needs a flag or an action), carried at once into
    the latest draft edition's changelog when there is a draft."""
    proposal = Proposal(action=action, flag=flag, text=text, author=by)
    proposal.full_clean()
    proposal.save()
    draft = Edition.objects.filter(status=Edition.Status.DRAFT).order_by("-created_at").first()
    if draft is not None:
        proposals_carry_into(edition=draft, by=by)
    return proposal


@transaction.atomic
def proposals_carry_into(*, edition: Edition, by: User | None = None) -> int:
    """Append every proposal not carried yet to the draft ``edition``'s changelog (its
    English, canonical text), oldest first under one heading, and mark them carried into
    it. Returns how many."""
    pending = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(carried_into__isnull=True)
        .select_related("action")
        .order_by("created_at", "pk")
    )
    if not pending or not edition.is_editable:
        return 0
    column = canonical_name("changelog")
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        lines = [p.changelog_line() for p in pending]
    current = (getattr(edition, column) or "").rstrip()
    if HEADING not in current:
        lines.insert(0, HEADING)
    setattr(edition, column, "\n\n".join(filter(None, [current, "\n".join(lines)])))
    edition._history_user = by
    edition.save()
    Proposal.objects.filter(pk__in=[p.pk for p in pending]).update(
        carried_into=edition, carried_at=timezone.now()
    )
    return len(pending)
