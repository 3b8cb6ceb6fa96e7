"""Moving adoptions to a new roadmap edition.

Called inside the publishing transaction (see ``receivers.py``). Work is done
per action with bulk updates, so its cost follows the number of actions, not of
adoptions. Each organisation gets one audit event saying what moved and what
was removed; its admins and PE leads are emailed after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent

from .models import Adoption, ProgressEntry

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.roadmap.models import Edition


class CarriedOver(TypedDict):
    """What changed for one organisation: ``{"moved": {old: new}, "removed": [old, ...],
    "merged": {old: new}}``; ``merged`` names the removed (read-only) adoptions whose action
    went into one the organisation had already adopted."""

    moved: dict[str, str]
    removed: list[str]
    merged: dict[str, str]


def adoptions_carry_over(
    *, previous: Edition, edition: Edition, mapping: dict[str, str | None], by: User | None
) -> dict[int, CarriedOver]:
    """Point adoptions of ``previous``'s actions at their mapped actions in ``edition``.

    An adoption whose action maps to nothing, or whose organisation already
    adopted the target, is kept read-only (``action_removed``). Returns, per
    organisation id, ``{"moved": {old: new}, "removed": [old, ...]}``.
    """
    old_actions = {a.code: a for a in previous.actions.all()}
    new_actions = {a.code: a for a in edition.actions.all()}
    changes: dict[int, CarriedOver] = defaultdict(
        lambda: {"moved": {}, "removed": [], "merged": {}}
    )
    notes: list[ProgressEntry] = []
    today = timezone.localdate()

    for old_code, old_action in sorted(old_actions.items()):
        new_code = mapping.get(old_code) or ""
        target = new_actions.get(new_code) if new_code else None
        adoptions = Adoption.objects.filter(action=old_action)
        if target is not None:
            movable = adoptions.exclude(
                organisation__in=Adoption.objects.filter(action=target).values("organisation")
            )
            moved = list(movable.values_list("pk", "organisation_id"))
            movable.update(action=target, updated_at=timezone.now())
            for pk, org_id in moved:
                changes[org_id]["moved"][old_code] = new_code
                text = _("Carried over to edition %(label)s as %(new)s (was %(old)s).")
                notes.append(_note(pk, org_id, today, by, text, edition, old_code, new_code))
        removed = list(adoptions.values_list("pk", "organisation_id"))
        adoptions.update(action_removed=True, updated_at=timezone.now())
        for pk, org_id in removed:
            changes[org_id]["removed"].append(old_code)
            if target is None:
                text = _("%(old)s is not in edition %(label)s: this adoption is kept read-only.")
                notes.append(_note(pk, org_id, today, by, text, edition, old_code, ""))
                continue
            changes[org_id]["merged"][old_code] = new_code
            text = _(
                "%(old)s went into %(new)s in edition %(label)s, which the organisation had "
                "already adopted: this adoption is kept read-only."
            )
            notes.append(_note(pk, org_id, today, by, text, edition, old_code, new_code))

    ProgressEntry.objects.bulk_create(notes, batch_size=1000)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=by,
                actor_label=by.email if by else "",
                organisation_id=org_id,
                verb="adoptions.carried_over",
                object_type="roadmap.Edition",
                object_id=str(edition.pk),
                object_label=str(edition)[:300],
                after=change,
            )
            for org_id, change in changes.items()
        ],
        batch_size=1000,
    )
    from .tasks import edition_change_notify_task

    edition_id = edition.pk
    transaction.on_commit(lambda: edition_change_notify_task.delay(edition_id))
    return dict(changes)


def _note(
    adoption_id: int,
    organisation_id: int,
    today: dt.date,
    by: User | None,
    text: str,
    edition: Edition,
    old: str,
    new: str,
) -> ProgressEntry:
    return ProgressEntry(
        adoption_id=adoption_id,
        organisation_id=organisation_id,
        entry_date=today,
        author=by,
        narrative=text % {"label": edition.version_label, "old": old, "new": new},
    )
