"""Emails about adoptions: reminders to owners, and news of a new edition."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.emails import send_templated_email
from apps.organisations.models import Membership
from apps.organisations.permissions import Perm
from apps.roadmap.changes import edition_changes, edition_published_before
from apps.roadmap.models import Edition

from .models import Adoption, ProgressEntry

if TYPE_CHECKING:
    from apps.accounts.models import User

    from .querysets import AdoptionQuerySet

# Who hears that a new edition moved or removed the organisation's adoptions: those who
# manage its adoptions as a whole (admins and PE leads; the registry says which roles).
EDITION_NEWS_PERMISSION = Perm.ADOPTION_MANAGE


def adoptions_needing_a_reminder(now: datetime | None = None) -> AdoptionQuerySet:
    """Open adoptions with an owner who wants reminders, not reminded lately, that are
    stale (no entry for REMINDER_STALE_DAYS) or due within REMINDER_DUE_DAYS."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    stale_cutoff = now - timedelta(days=settings.REMINDER_STALE_DAYS)
    recent_entry = ProgressEntry.objects.filter(
        adoption=OuterRef("pk"), created_at__gte=stale_cutoff
    )
    due = Q(target_date__gte=today, target_date__lte=today + timedelta(settings.REMINDER_DUE_DAYS))
    return (
        Adoption.objects.open()
        .filter(owner__isnull=False, owner__reminders_enabled=True, action_removed=False)
        .filter(
            Q(reminded_at__isnull=True)
            | Q(reminded_at__lt=now - timedelta(days=settings.REMINDER_INTERVAL_DAYS))
        )
        .filter(due | ~Exists(recent_entry))
        .select_related("owner", "organisation", "action")
    )


def send_reminders(now: datetime | None = None) -> int:
    """One email per owner listing their adoptions that need attention."""
    now = now or timezone.now()
    by_owner: dict[User, list[Adoption]] = defaultdict(list)
    for adoption in adoptions_needing_a_reminder(now):
        assert adoption.owner is not None  # the query asks for an owner
        by_owner[adoption.owner].append(adoption)
    sent = 0
    for owner, adoptions in by_owner.items():
        sent += send_templated_email(
            to=[owner.email],
            template="adoption_reminder",
            context={"user": owner, "adoptions": adoptions, "today": timezone.localdate(now)},
        )
        Adoption.objects.filter(pk__in=[a.pk for a in adoptions]).update(reminded_at=now)
    return sent


def notify_edition_change(*, edition_id: int) -> int:
    """Tell each organisation whose adoptions moved what changed in the actions it adopted
    (their wording, old and new), which of them were removed, and the new actions for its
    stakeholder group (``apps/roadmap/changes.py``)."""
    edition = Edition.objects.get(pk=edition_id)
    events = list(
        AuditEvent.objects.filter(
            verb="adoptions.carried_over", object_id=str(edition_id)
        ).select_related("organisation")
    )
    # Where the old actions went, as publishing mapped them (merges included).
    moved = {
        old: new
        for event in events
        for kind in ("moved", "merged")
        for old, new in event.after.get(kind, {}).items()
    }
    changes = edition_changes(
        edition=edition, previous=edition_published_before(edition), mapping=moved
    )
    sent = 0
    for event in events:
        organisation = event.organisation
        recipients = (
            Membership.objects.filter(organisation=organisation)
            .with_permission(EDITION_NEWS_PERMISSION)
            .values_list("user__email", flat=True)
        )
        news = changes.for_organisation(
            moved=event.after.get("moved", {}),
            removed=event.after.get("removed", []),
            merged=event.after.get("merged", {}),
            group_id=organisation.stakeholder_group_id if organisation else None,
        )
        sent += send_templated_email(
            to=list(recipients),
            template="edition_changed",
            context={"edition": edition, "organisation": organisation, "news": news},
        )
    return sent
