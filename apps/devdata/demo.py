"""Demo adoptions for ``seed_demo``: a believable 18 months of work per organisation.

Deterministic (seeded by the organisation's slug) and written through the services,
so the demo data obeys the same rules as real data.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption import services
from apps.adoption.models import Adoption, AdoptionStatus, Metric
from apps.adoption.services import EntryInput
from apps.organisations.models import Organisation
from apps.roadmap.models import Action, BarrierCategory, Dimension, Edition

NARRATIVES = [
    "Held a co-design workshop with the patient advisory group.",
    "Agreed terms of reference and roles with our patient partners.",
    "Reviewed the plan with the board; it was approved with minor changes.",
    "Trained staff on the PE code of conduct and on managing competing interests.",
    "Collected feedback from patient partners on the last activity and shared the report.",
    "Budget for next year agreed, including fair-market-value compensation.",
    "Slow month: recruitment of patients from rural areas is taking longer than planned.",
    "Published a lay summary of what changed because of patients' input.",
]
PATH = [AdoptionStatus.PLANNED, AdoptionStatus.IN_PROGRESS, AdoptionStatus.IMPLEMENTED]


def _months_ago(today: dt.date, months: float) -> dt.date:
    return today - dt.timedelta(days=int(months * 30.4))


def seed_adoptions(*, organisation: Organisation) -> int:
    """Adopt 8-14 actions (most recommended for the organisation's group), log 2-6
    entries on each over the past 18 months, and three maturity checkpoints."""
    if organisation.adoptions.exists():
        return 0
    rng = random.Random(organisation.slug)
    edition = Edition.objects.current()
    owners = list(organisation.memberships.exclude(role="viewer").select_related("user"))
    if not owners:
        return 0
    lead = next((m.user for m in owners if m.role == "pe_lead"), owners[0].user)
    actions = list(
        Action.objects.published().filter(stakeholder_groups=organisation.stakeholder_group)
    )
    others = list(
        Action.objects.published().filter(~Q(stakeholder_groups=organisation.stakeholder_group))
    )
    chosen = rng.sample(actions, min(len(actions), rng.randint(7, 11)))
    chosen += rng.sample(others, min(len(others), 3))
    metrics = list(Metric.objects.filter(is_active=True))
    barriers = list(BarrierCategory.objects.all())
    today = timezone.localdate()
    for action in chosen:
        owner = rng.choice(owners).user
        start = _months_ago(today, rng.uniform(6, 18))
        adoption = services.adoption_create(
            organisation=organisation,
            action=action,
            by=lead,
            owner=owner,
            is_urgent=rng.random() < 0.3,
            is_important=rng.random() < 0.8,
            start_date=start,
            target_date=start + dt.timedelta(days=rng.choice([180, 270, 365, 540])),
        )
        _log_progress(adoption, owner, rng, start, today, metrics, barriers)
    assert edition is not None, "the roadmap is loaded before the demo data"
    _assess(organisation, lead, rng, edition, today)
    return len(chosen)


def _log_progress(
    adoption: Adoption,
    owner: User,
    rng: random.Random,
    start: dt.date,
    today: dt.date,
    metrics: list[Metric],
    barriers: list[BarrierCategory],
) -> None:
    steps = rng.randint(2, 6)
    final = rng.choice([0, 1, 1, 2, 2, 3])  # index into PATH, or embedded
    span = (today - start).days
    for step in range(steps):
        date = start + dt.timedelta(days=int(span * (step + 1) / (steps + 1)))
        stage = final if step == steps - 1 else min(final, step * len(PATH) // steps)
        status = AdoptionStatus.EMBEDDED if stage >= len(PATH) else PATH[stage]
        data = EntryInput(
            entry_date=date,
            narrative=rng.choice(NARRATIVES),
            status_to=status if status != adoption.status else "",
            percent_complete=min(100, round(100 * (step + 1) / steps * (final + 1) / 4)),
            metric_values={
                m: Decimal(rng.randint(1, 40)) if m.kind != "yes_no" else Decimal(1)
                for m in rng.sample(metrics, 2)
            },
            barriers=(
                {rng.choice(barriers): "Noted at the quarterly review."}
                if rng.random() < 0.25
                else {}
            ),
        )
        services.progress_entry_create(adoption=adoption, by=owner, data=data)
        adoption.refresh_from_db()


def _assess(
    organisation: Organisation, lead: User, rng: random.Random, edition: Edition, today: dt.date
) -> None:
    goals = list(edition.end_goals.all())
    dimensions = list(Dimension.objects.all())
    base = {item: rng.randint(1, 2) for item in [*goals, *dimensions]}
    for months, gain in ((18, 0), (9, 1), (1, 2)):
        services.assessment_create(
            organisation=organisation,
            by=lead,
            assessed_on=_months_ago(today, months),
            goal_levels={g: min(5, base[g] + rng.randint(0, gain)) for g in goals},
            dimension_levels={d: min(5, base[d] + rng.randint(0, gain)) for d in dimensions},
        )
