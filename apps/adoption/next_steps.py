"""The dashboard's "Next steps": what to do now, each with a link to the page where it is done.

Four kinds of step, for members who may do them:

- overdue adoptions to update (log progress, or move the target date),
- dormant adoptions to revive (no progress entry for ``settings.ADOPTION_DORMANT_DAYS``, the
  dashboard's own rule: ``AdoptionQuerySet.dormant``),
- open adoptions with no owner (give them one),
- the next maturity checkpoint, on the organisation's own schedule
  (``Organisation.review_every_months`` after the latest assessment, not before
  ``Organisation.first_review_on``): an assessment and a reflection per end goal.

The overdue, dormant and unowned adoptions and the latest checkpoint come from what the
dashboard has already read (:func:`apps.adoption.dashboard.dashboard_for`, which asks
:func:`adoptions_without_owner`), the schedule from fields of the organisation: no query.
Adoptions whose action left the roadmap are read-only and are never a step.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, F, Window
from django.utils import timezone

from .models import Adoption

if TYPE_CHECKING:
    from apps.organisations.models import Organisation

# How many adoptions each step names; the rest are counted, with a link to the list.
STEP_LIMIT = 3


@dataclass(frozen=True)
class Step:
    """Some adoptions that need the same thing done, the first ``STEP_LIMIT`` of them."""

    adoptions: list[Adoption]
    total: int

    @property
    def has_more(self) -> bool:
        return self.total > len(self.adoptions)


@dataclass(frozen=True)
class Checkpoint:
    """The next maturity checkpoint: due on ``due`` (None: none recorded and no first
    date set, so due now)."""

    last: dt.date | None
    due: dt.date | None
    is_due: bool


@dataclass(frozen=True)
class NextSteps:
    overdue: Step = field(default_factory=lambda: Step([], 0))
    dormant: Step = field(default_factory=lambda: Step([], 0))
    unowned: Step = field(default_factory=lambda: Step([], 0))
    checkpoint: Checkpoint | None = None
    # No progress entry for this many days: dormant (read when the steps are made).
    dormant_days: int = field(default_factory=lambda: settings.ADOPTION_DORMANT_DAYS)

    @property
    def is_empty(self) -> bool:
        steps = (self.overdue, self.dormant, self.unowned)
        return not any(step.total for step in steps) and not (
            self.checkpoint and self.checkpoint.is_due
        )


def _writable(adoptions: list[Adoption]) -> list[Adoption]:
    return [adoption for adoption in adoptions if not adoption.action_removed]


def _step(listed: list[Adoption], dashboard_list: list[Adoption], counted: int) -> Step:
    """A step from the dashboard's list (``listed``: those of it that are a step here) and
    its count. When the dashboard listed them all, the step counts exactly; when it listed
    only the first ones, the step gives the dashboard's count. None when nothing listed
    needs doing here."""
    if not listed:
        return Step([], 0)
    total = len(listed) if len(dashboard_list) >= counted else max(counted, len(listed))
    return Step(listed[:STEP_LIMIT], total)


def adoptions_without_owner(*, organisation: Organisation) -> Step:
    """Open adoptions with no owner, the soonest target date first. One query: the rows
    carry the total (a window count), so no second query counts them."""
    adoptions = (
        Adoption.objects.for_organisation(organisation)
        .open()
        .filter(owner__isnull=True, action_removed=False)
        .select_related("action")
        .annotate(total=Window(Count("pk")))
        .order_by(F("target_date").asc(nulls_last=True), "action__code")
    )
    rows = list(adoptions[:STEP_LIMIT])
    for adoption in rows:
        adoption.organisation = organisation  # links need it; no query per row
    total: int = getattr(rows[0], "total", 0) if rows else 0  # the annotation
    return Step(rows, total)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Aug + 6
    months: 28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def next_checkpoint(
    dates: Sequence[dt.date],
    today: dt.date,
    *,
    every_months: int | None,
    starts_on: dt.date | None = None,
) -> Checkpoint | None:
    """When the next maturity checkpoint is due: ``every_months`` after the latest of
    ``dates`` (the assessments recorded), never before ``starts_on``; with none recorded, on
    ``starts_on`` or now. None when the organisation has no schedule."""
    if not every_months:
        return None
    last = max(dates) if dates else None
    due = add_months(last, every_months) if last else starts_on
    if due is not None and starts_on is not None and starts_on > due:
        due = starts_on
    return Checkpoint(last=last, due=due, is_due=due is None or due <= today)


def organisation_checkpoint(
    organisation: Organisation, dates: Sequence[dt.date], today: dt.date
) -> Checkpoint | None:
    """The organisation's next checkpoint, on its own schedule. No query."""
    return next_checkpoint(
        dates,
        today,
        every_months=organisation.review_every_months,
        starts_on=organisation.first_review_on,
    )


def next_steps_for(
    *,
    organisation: Organisation,
    dashboard: Mapping[str, Any],
    can_write: bool,
    can_assess: bool,
    today: dt.date | None = None,
) -> NextSteps:
    """The steps this member may take: adoption steps with ``can_write`` (ADOPTION_WRITE),
    the checkpoint with ``can_assess`` (ASSESSMENT_WRITE). No query."""
    today = today or timezone.localdate()
    dates = dashboard["maturity"]["dates"]
    checkpoint = organisation_checkpoint(organisation, dates, today) if can_assess else None
    if not can_write:
        return NextSteps(checkpoint=checkpoint)
    counts = dashboard["counts"]
    overdue = _writable(dashboard["overdue"])
    overdue_pks = {adoption.pk for adoption in dashboard["overdue"]}
    # An overdue adoption is named once, under "overdue", even when it is dormant too.
    dormant = [a for a in _writable(dashboard["dormant"]) if a.pk not in overdue_pks]
    return NextSteps(
        overdue=_step(overdue, dashboard["overdue"], counts["overdue"]),
        dormant=_step(dormant, dashboard["dormant"], counts["dormant"]),
        unowned=dashboard["unowned"],
        checkpoint=checkpoint,
    )
