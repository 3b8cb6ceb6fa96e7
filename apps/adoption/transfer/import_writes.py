"""Storing a checked :class:`~.import_checks.ImportPlan`: bulk inserts, the requests to the
partners the new adoptions name, then the existing adoptions its entries move on. The caller
(``importers.import_adoptions``) checks first and calls this only for a plan without errors.
The organisation's data version is raised (``apps/organisations/data_version.py``), and after
the commit its partners' on the existing adoptions that moved (as logging progress does).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from apps.organisations.data_version import organisation_data_changed

from ..models import Adoption, BarrierReport, Evidence, MetricValue, ProgressEntry
from ..partnerships.services import partnership_request
from ..services import partners_changed

if TYPE_CHECKING:
    from .import_checks import ImportPlan


@transaction.atomic
def write_plan(plan: ImportPlan) -> None:
    """Store a checked plan: bulk inserts in file order, so recording order is kept."""
    _stamp_last_activity(plan)
    planned = list(plan.adoptions.values())
    Adoption.objects.bulk_create([p.adoption for p in planned])
    _ask_partners(plan)
    ProgressEntry.objects.bulk_create([p.entry for p in plan.entries])
    corrections = [(p, p.supersedes) for p in plan.entries if p.supersedes is not None]
    for correction, corrected in corrections:
        correction.entry.supersedes = corrected.entry
    ProgressEntry.objects.bulk_update([p.entry for p, _ in corrections], ["supersedes"])
    Evidence.objects.bulk_create(item for p in plan.entries for item in p.evidence)
    MetricValue.objects.bulk_create(value for p in plan.entries for value in p.values)
    BarrierReport.objects.bulk_create(plan.barriers)
    moved = _apply_to_existing(plan)
    organisation_data_changed(plan.organisation)
    if moved:
        transaction.on_commit(partial(partners_changed, moved), robust=True)


def _ask_partners(plan: ImportPlan) -> None:
    """The partners a new adoption names are asked as a person asks them: by the request
    service, so each request is checked by the same rules, audited, and told to the partner
    after the commit (nothing is told of an import that fails)."""
    for planned in plan.adoptions.values():
        for partner in planned.partners:
            partnership_request(adoption=planned.adoption, partner=partner, by=plan.by)


def _stamp_last_activity(plan: ImportPlan) -> None:
    """A new adoption's last activity is the date of its latest entry in the file."""
    for p in plan.entries:
        adoption = p.entry.adoption
        if adoption.pk is None:
            moment = timezone.make_aware(dt.datetime.combine(p.entry.entry_date, dt.time.min))
            if adoption.last_activity_at is None or moment > adoption.last_activity_at:
                adoption.last_activity_at = moment


def _apply_to_existing(plan: ImportPlan) -> list[int]:
    """Entries appended to existing adoptions move them on, as logging progress does; the
    ids of those it moved."""
    existing = {adoption.pk for adoption in plan.lookups.existing.values()}
    touched: dict[int, Adoption] = {}
    for p in plan.entries:
        adoption = p.entry.adoption
        if adoption.pk in existing:
            touched[adoption.pk] = adoption
            adoption.status = p.entry.status_to or adoption.status
            if p.entry.percent_complete is not None:
                adoption.percent_complete = p.entry.percent_complete
    for adoption in touched.values():
        adoption.last_activity_at = timezone.now()
        adoption.save(
            update_fields=["status", "percent_complete", "last_activity_at", "updated_at"]
        )
    return list(touched)
