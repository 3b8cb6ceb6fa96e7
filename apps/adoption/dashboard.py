"""The organisation dashboard (/o/<slug>/): everything it shows, in a fixed number of queries.

:func:`dashboard_for` gathers the shared selectors and a few lists; the query count does not
grow with the number of adoptions, entries or assessments. :func:`dashboard_panels`, what the
page shows, keeps it rendered (``apps.roadmap.cache.cached_fragment``) per organisation, day,
language and the member's permissions, stamped with the roadmap content version and the
organisation's data version (``apps/organisations/data_version.py``), which every write the
dashboard shows raises: a new adoption or progress entry shows at once. What depends on the
time of day only (an adoption turning dormant) may show up to ``DASHBOARD_SECONDS`` late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.organisations.data_version import data_version_key
from apps.roadmap.cache import Fragment, cached_fragment

from .models import Adoption, Partnership, ProgressEntry
from .next_steps import adoptions_without_owner, next_steps_for
from .selectors import coverage_by_end_goal, maturity_trend, recent_activity, status_counts

if TYPE_CHECKING:
    from apps.organisations.models import Organisation

UPCOMING_DAYS = 30
DEADLINE_LIMIT = 10
DORMANT_LIMIT = 5
ACTIVITY_LIMIT = 10
JOINT_LIMIT = 10
DASHBOARD_SECONDS = 60 * 60


@dataclass(frozen=True)
class Activity:
    """A progress entry as the dashboard lists it: the first line of its narrative only."""

    entry: ProgressEntry
    first_line: str


@dataclass(frozen=True)
class MaturityRow:
    """One checkpoint of the maturity table: its date and a level (or None) per series."""

    date: dt.date
    levels: list[int | None]


def dashboard_panels(*, organisation: Organisation, can_write: bool, can_assess: bool) -> Fragment:
    """The dashboard's panels (``adoption/_dashboard_panels.html``) rendered from
    :func:`dashboard_for` today, with the next steps the member may take (``can_write``:
    ADOPTION_WRITE, ``can_assess``: ASSESSMENT_WRITE), from the cache when the organisation's
    data and the roadmap content have not changed since they were kept (in this language,
    today, for these permissions and the organisation's checkpoint schedule)."""
    today = timezone.localdate()

    def context() -> dict[str, Any]:
        dashboard = dashboard_for(organisation=organisation)
        steps = None
        if can_write or can_assess:
            steps = next_steps_for(
                organisation=organisation,
                dashboard=dashboard,
                can_write=can_write,
                can_assess=can_assess,
                today=today,
            )
        return {"organisation": organisation, "dashboard": dashboard, "next_steps": steps}

    schedule = f"{organisation.review_every_months}:{organisation.first_review_on}"
    return cached_fragment(
        f"adoption:dashboard:{organisation.pk}:{organisation.slug}:{today.isoformat()}:"
        f"{int(can_write)}{int(can_assess)}:{schedule}",
        "adoption/_dashboard_panels.html",
        context,
        tokens=[data_version_key(organisation.pk)],
        timeout=DASHBOARD_SECONDS,
    )


def dashboard_for(
    *, organisation: Organisation, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything the organisation dashboard shows, the open adoptions with no owner (for
    its next steps) included. Nine queries, whatever the data size."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    statuses = status_counts(organisation=organisation)
    trend = maturity_trend(organisation=organisation)
    (overdue, overdue_count), (upcoming, upcoming_count) = adoptions_by_deadline(
        organisation=organisation, today=today
    )
    dormant, dormant_count = adoptions_dormant(organisation=organisation, now=now)
    joint, requests = joint_commitments(organisation=organisation)
    return {
        "total": sum(count for _value, _label, count in statuses),
        "status_counts": statuses,
        "coverage": coverage_by_end_goal(organisation=organisation),
        # Each list's query counts all its rows too, not only those it shows.
        "counts": {"overdue": overdue_count, "upcoming": upcoming_count, "dormant": dormant_count},
        "overdue": overdue,
        "upcoming": upcoming,
        "dormant": dormant,
        "activity": activity_for(organisation=organisation),
        "maturity": trend,
        "maturity_rows": maturity_rows(trend),
        "maturity_summary": maturity_summary(trend),
        "upcoming_days": UPCOMING_DAYS,
        "joint": joint,
        "requests_received": requests,
        "unowned": adoptions_without_owner(organisation=organisation),
    }


Listed = tuple[list[Adoption], int]


def _listed(adoptions: QuerySet[Adoption], organisation: Organisation, limit: int) -> Listed:
    """The first ``limit`` rows, and how many the query finds in all: one query (a window
    count)."""
    rows: list[Adoption] = list(adoptions.annotate(listed_total=Window(Count("pk")))[:limit])
    for adoption in rows:
        # Already loaded: links to the adoption need it, and must not query once per row.
        adoption.organisation = organisation
    return rows, getattr(rows[0], "listed_total", 0) if rows else 0


def adoptions_by_deadline(*, organisation: Organisation, today: dt.date) -> tuple[Listed, Listed]:
    """Open adoptions past their target date, the longest overdue first, and those due within
    UPCOMING_DAYS, the soonest first: the first DEADLINE_LIMIT of each and how many each has,
    in one query (a row number and a count over each of the two groups)."""
    mine = Adoption.objects.for_organisation(organisation)
    adoptions = mine.overdue(today) | mine.due_within(UPCOMING_DAYS, today)
    # Of those, the overdue ones are those due before today (all of them are open).
    late = ExpressionWrapper(Q(target_date__lt=today), output_field=BooleanField())
    order = [F("target_date").asc(), F("action__code").asc()]
    rows: list[Adoption] = list(
        adoptions.for_listing()
        .annotate(
            late=late,
            listed_total=Window(Count("pk"), partition_by=[late]),
            place=Window(RowNumber(), partition_by=[late], order_by=order),
        )
        .filter(place__lte=DEADLINE_LIMIT)
        .order_by(*order)
    )
    for adoption in rows:
        adoption.organisation = organisation  # links need it; no query per row

    def listed(late: bool) -> Listed:
        group = [a for a in rows if bool(getattr(a, "late", False)) == late]
        return group, getattr(group[0], "listed_total", 0) if group else 0

    return listed(True), listed(False)


def adoptions_dormant(*, organisation: Organisation, now: dt.datetime) -> Listed:
    """Open adoptions with no activity for a long time, the quietest first, and their number."""
    quiet_since = Coalesce("last_activity_at", "created_at")
    adoptions = Adoption.objects.for_organisation(organisation).dormant(now).for_listing()
    adoptions = adoptions.annotate(quiet_since=quiet_since).order_by("quiet_since", "action__code")
    return _listed(adoptions, organisation, DORMANT_LIMIT)


def joint_commitments(*, organisation: Organisation) -> tuple[list[Adoption], list[Partnership]]:
    """Joint commitments (issue 17), in one query: other organisations' adoptions the
    organisation acts on as an accepted partner, by action code (each links to its page under
    this organisation's address), and the requests waiting for its answer, oldest first."""
    rows = Partnership.objects.filter(partner=organisation, state__in=["pending", "accepted"])
    # "pending" sorts after "accepted": descending, the requests come first.
    rows = rows.for_listing().order_by("-state", "adoption__action__code", "created_at")
    partnerships = list(rows[: 4 * JOINT_LIMIT])
    joint = [p.adoption for p in partnerships if p.is_accepted][:JOINT_LIMIT]
    requests = [p for p in partnerships if p.state == "pending"][:JOINT_LIMIT]
    return joint, requests


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def activity_for(*, organisation: Organisation) -> list[Activity]:
    """The latest progress entries, newest first, each with its narrative's first line."""
    entries = recent_activity(organisation=organisation, limit=ACTIVITY_LIMIT)
    for entry in entries:
        entry.adoption.organisation = organisation
    return [Activity(entry=entry, first_line=first_line(entry.narrative)) for entry in entries]


def maturity_rows(trend: dict[str, Any]) -> list[MaturityRow]:
    """The trend turned into table rows: one per checkpoint, a column per series."""
    series = list(trend["series"].values())
    return [
        MaturityRow(date=day, levels=[levels[index] for levels in series])
        for index, day in enumerate(trend["dates"])
    ]


def _change(label: str, values: list[int | None]) -> str | None:
    latest = values[-1]
    if latest is None:
        return None
    earlier = [value for value in values[:-1] if value is not None]
    names = {"label": label, "level": latest, "previous": earlier[-1] if earlier else None}
    if not earlier:
        return _("%(label)s at level %(level)d, its first rating") % names
    if latest > earlier[-1]:
        return _("%(label)s at level %(level)d, up from %(previous)d") % names
    if latest < earlier[-1]:
        return _("%(label)s at level %(level)d, down from %(previous)d") % names
    return _("%(label)s at level %(level)d, unchanged") % names


def maturity_summary(trend: dict[str, Any]) -> str:
    """One sentence on the latest checkpoint, e.g. "Latest checkpoint 12 March 2026: EG1
    at level 3, up from 2." Empty when there is no assessment."""
    if not trend["dates"]:
        return ""
    changes = [_change(label, values) for label, values in trend["series"].items()]
    return _("Latest checkpoint %(date)s: %(levels)s.") % {
        "date": date_format(trend["dates"][-1]),
        "levels": "; ".join(change for change in changes if change),
    }
