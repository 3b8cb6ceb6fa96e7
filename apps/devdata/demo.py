"""Demo adoptions for ``seed_demo``: one story of 18 months of work per organisation.

Each adoption starts on a day of the past 18 months (the first one 18 months ago) and moves
through its statuses, planned → in progress → implemented → embedded, the older ones
further, with a progress entry on each step and some between. Every date the portal shows
is the story's: the entries' dates, when they were recorded (``created_at``), the
adoption's creation and last activity, the maturity checkpoints. So the dashboard's recent
activity, the benchmark snapshots compiled afterwards (which read the entries' dates) and
the exports tell the same story.

Deterministic (seeded by the organisation's slug) and written through the services, so the
demo data obeys the same rules as real data; only the timestamps the services set to "now"
are moved back to the story's days afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption import services
from apps.adoption.models import (
    Adoption,
    AdoptionStatus,
    MaturityAssessment,
    Metric,
    ProgressEntry,
)
from apps.adoption.services import EntryInput
from apps.organisations.models import Organisation, ReviewInterval
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
STAGES = [
    AdoptionStatus.PLANNED,
    AdoptionStatus.IN_PROGRESS,
    AdoptionStatus.IMPLEMENTED,
    AdoptionStatus.EMBEDDED,
]
HISTORY_MONTHS = 18
REFLECTIONS = [
    services.Reflection(
        worked="Patient partners now co-chair the planning meetings.",
        did_not_work="Feedback to partners after each activity is still late.",
    ),
    services.Reflection(
        worked="The training sessions were well attended and rated useful.",
        did_not_work="Recruiting younger patients: our channels do not reach them.",
    ),
]
DAYS_PER_MONTH = 30.4


def _months_ago(today: dt.date, months: float) -> dt.date:
    return today - dt.timedelta(days=int(months * DAYS_PER_MONTH))


def _moment(day: dt.date, rng: random.Random, *, hour: int | None = None) -> dt.datetime:
    """A moment in working hours on ``day`` (at ``hour`` o'clock when given)."""
    minutes = hour * 60 if hour is not None else 9 * 60 + rng.randint(0, 8 * 60)
    naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return timezone.make_aware(naive)


@dataclass(frozen=True)
class Step:
    """One progress entry of an adoption's story: its day, the stage reached (index into
    STAGES) and the percent complete then."""

    day: dt.date
    stage: int
    percent: int


def story(start: dt.date, today: dt.date, rng: random.Random) -> list[Step]:
    """The entries after the adoption itself (which is planned, on ``start``): one for each
    step up to the stage reached (older adoptions got further), and a few updates between.
    Statuses only move forward; the percent complete only grows."""
    months = (today - start).days / DAYS_PER_MONTH
    final = min(len(STAGES) - 1, int(months / 5 + rng.random()))
    stages: list[int] = []
    for stage in range(final + 1):
        # The first entry of a stage changes the status; one or two updates may follow.
        stages += [stage] * (rng.randint(0, 1) if stage == 0 else rng.randint(1, 2))
    if not stages:
        stages = [0]
    first, last = start + dt.timedelta(days=10), today - dt.timedelta(days=3)
    span = max(1, (last - first).days)
    days = sorted(
        first + dt.timedelta(days=int(span * (i + rng.uniform(0.1, 0.9)) / len(stages)))
        for i in range(len(stages))
    )
    steps: list[Step] = []
    percent = 0
    for i, (day, stage) in enumerate(zip(days, stages, strict=True)):
        within = stages[: i + 1].count(stage) / stages.count(stage)  # how far into the stage
        floor = (0, 10, 85, 100)[stage]
        ceiling = (5, 80, 99, 100)[stage]
        percent = max(percent, floor + round((ceiling - floor) * within))
        steps.append(Step(day=day, stage=stage, percent=percent))
    return steps


def seed_adoptions(*, organisation: Organisation, today: dt.date | None = None) -> int:
    """Adopt 10-14 actions (most addressed to the organisation's group), each with its
    story of progress entries, and three maturity checkpoints over the 18 months."""
    if organisation.adoptions.exists():
        return 0
    rng = random.Random(organisation.slug)
    edition = Edition.objects.current()
    owners = list(organisation.memberships.exclude(role="viewer").select_related("user"))
    if not owners:
        return 0
    lead = next((m.user for m in owners if m.role == "pe_lead"), owners[0].user)
    today = today or timezone.localdate()
    group = organisation.stakeholder_group
    actions = list(Action.objects.published().filter(stakeholder_groups=group).order_by("code"))
    others = list(Action.objects.published().filter(~Q(stakeholder_groups=group)).order_by("code"))
    chosen = rng.sample(actions, min(len(actions), rng.randint(7, 11)))
    chosen += rng.sample(others, min(len(others), 3))
    metrics = list(Metric.objects.filter(is_active=True).order_by("slug"))
    barriers = list(BarrierCategory.objects.order_by("slug"))
    for index, action in enumerate(chosen):
        owner = rng.choice(owners).user
        # The first adoption opens the story 18 months ago; the others start since then.
        months = HISTORY_MONTHS if index == 0 else rng.uniform(3, HISTORY_MONTHS - 0.5)
        start = _months_ago(today, months)
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
        _log_progress(adoption, owner, rng, story(start, today, rng), metrics, barriers)
        _backdate(adoption, start, rng)
    assert edition is not None, "the roadmap is loaded before the demo data"
    _assess(organisation, lead, rng, edition, today)
    return len(chosen)


def _log_progress(
    adoption: Adoption,
    owner: User,
    rng: random.Random,
    steps: list[Step],
    metrics: list[Metric],
    barriers: list[BarrierCategory],
) -> None:
    for step in steps:
        reached = STAGES[step.stage]
        data = EntryInput(
            entry_date=step.day,
            narrative=rng.choice(NARRATIVES),
            status_to=reached if reached != adoption.status else "",
            percent_complete=step.percent,
            metric_values={
                m: Decimal(rng.randint(1, 40)) if m.kind != "yes_no" else Decimal(1)
                for m in rng.sample(metrics, min(2, len(metrics)))
            },
            barriers=(
                {rng.choice(barriers): "Noted at the quarterly review."}
                if barriers and rng.random() < 0.25
                else {}
            ),
        )
        services.progress_entry_create(adoption=adoption, by=owner, data=data)
        adoption.status = reached


def _backdate(adoption: Adoption, start: dt.date, rng: random.Random) -> None:
    """Move the timestamps the services set to "now" to the story's days: the adoption's
    first entry ("Adopted the action.") to its start, each entry's ``created_at`` to its
    date, the adoption's creation to its start and its last activity to its last entry."""
    entries = list(ProgressEntry.objects.filter(adoption=adoption).order_by("pk"))
    entries[0].entry_date = start
    for entry in entries:
        hour = 9 if entry is entries[0] else None  # adopted first thing on its day
        entry.created_at = _moment(entry.entry_date, rng, hour=hour)
    ProgressEntry.objects.bulk_update(entries, ["entry_date", "created_at"])
    last = max(entry.created_at for entry in entries)
    Adoption.objects.filter(pk=adoption.pk).update(
        created_at=_moment(start, rng, hour=8), updated_at=last, last_activity_at=last
    )


def _assess(
    organisation: Organisation, lead: User, rng: random.Random, edition: Edition, today: dt.date
) -> None:
    goals = list(edition.end_goals.all())
    dimensions = list(Dimension.objects.all())
    base = {item: rng.randint(1, 2) for item in [*goals, *dimensions]}
    # Checkpoints every six months; the latest one reflects on two end goals.
    Organisation.objects.filter(pk=organisation.pk).update(
        review_every_months=ReviewInterval.HALF_YEARLY
    )
    for months, gain in ((HISTORY_MONTHS, 0), (9, 1), (1, 2)):
        assessed_on = _months_ago(today, months)
        reflections = dict(zip(goals, REFLECTIONS, strict=False)) if months == 1 else {}
        assessment = services.assessment_create(
            organisation=organisation,
            by=lead,
            assessed_on=assessed_on,
            goal_levels={g: min(5, base[g] + rng.randint(0, gain)) for g in goals},
            dimension_levels={d: min(5, base[d] + rng.randint(0, gain)) for d in dimensions},
            reflections=reflections,
        )
        moment = _moment(assessed_on, rng)
        MaturityAssessment.objects.filter(pk=assessment.pk).update(
            created_at=moment, updated_at=moment
        )


# --- The practice library --------------------------------------------------------------------

CASE_STUDIES: list[dict[str, Any]] = [
    {
        "title": "A paid patient panel that reviews every study protocol",
        "what_was_done": (
            "We recruited twelve people living with the conditions we work on and their "
            "carers, trained them over two half-days, and asked them to review each new "
            "study protocol before it goes to the ethics committee."
        ),
        "for_whom": "Patients, carers and the research teams who write the protocols.",
        "outcomes": (
            "Nine protocols reviewed in the first year; four changed their visit schedules "
            "and two rewrote their information sheets in plain language."
        ),
        "lessons": (
            "Pay panel members from the first meeting, send documents two weeks ahead, and "
            "tell the panel what changed because of them."
        ),
        "cost": "About 6,000 euros a year in fees and travel, and two staff days a month.",
        "resources": "https://imi-paradigm.eu/\nThe PARADIGM patient engagement toolbox.",
    },
    {
        "title": "Co-writing our engagement policy with patient organisations",
        "what_was_done": (
            "Three workshops with five patient organisations to write a shared policy on "
            "when and how we involve patients, published on our website."
        ),
        "for_whom": "Our staff, and the patient organisations we work with.",
        "outcomes": "A policy signed by the board, and a named contact for patients.",
        "lessons": "Agree on the goal of each workshop in advance; share the drafts openly.",
        "cost": "Three workshops: room, lunch and fees, about 3,500 euros.",
        "resources": "",
    },
]


def seed_case_studies(*, organisations: list[Organisation], staff: User) -> int:
    """A published case study for each of the first organisations, written by their PE lead
    (or admin) from their furthest adoption, approved by their admin and published by
    ``staff`` through the services; none for an organisation that already has one."""
    from apps.practices import services as practices

    written = 0
    for organisation, text in zip(organisations, CASE_STUDIES, strict=False):
        if organisation.case_studies.exists():
            continue
        adoption = organisation.adoptions.order_by("-percent_complete", "action__code").first()
        admin = organisation.memberships.filter(role="admin").select_related("user").first()
        lead = organisation.memberships.filter(role="pe_lead").select_related("user").first()
        if adoption is None or admin is None:
            continue
        author = (lead or admin).user
        case_study = practices.case_study_create(adoption=adoption, by=author, **text)
        practices.case_study_submit(case_study=case_study, by=author)
        practices.case_study_approve(case_study=case_study, by=admin.user)
        practices.case_study_publish(case_study=case_study, by=staff)
        written += 1
    return written


PUBLIC_STATEMENT = (
    "Patients are partners in everything we do. We have adopted the roadmap's actions that "
    "fit our work, and we report here, openly, how far we have come and where we stopped."
)


def seed_public_profile(*, organisation: Organisation) -> bool:
    """Open the organisation's public profile (actions with progress, case studies) with a
    leadership statement signed by its admin; nothing when it has a profile already."""
    from apps.organisations.models import PublicProfile
    from apps.organisations.services import profile_update

    if PublicProfile.objects.filter(organisation=organisation).exists():
        return False
    admin = organisation.memberships.filter(role="admin").select_related("user").first()
    if admin is None:
        return False
    profile_update(
        organisation=organisation,
        by=admin.user,
        statement=PUBLIC_STATEMENT,
        is_public=True,
        show_actions=True,
        show_progress=True,
        show_case_studies=True,
        signer_title="Chair of the board",
    )
    return True


JOINT_MESSAGE = (
    "We would like to design the patient information for this study with your members, "
    "from the first draft, and report on it together."
)


def seed_partnerships(
    *, developer: Organisation, patients: Organisation, asking: Organisation
) -> int:
    """Joint commitments through the services: the medicines developer asks the patient
    organisation to act on one of its adoptions together; the patient organisation accepts,
    confirms a shared objective and an entry the developer wrote, and logs one of its own.
    ``asking`` sends the patient organisation a request still waiting for its answer. Nothing
    when the developer has asked already."""
    from apps.adoption.partnerships import services as partnerships

    if Adoption.objects.filter(organisation=developer, partnerships__isnull=False).exists():
        return 0

    def manager(organisation: Organisation) -> User:
        membership = (
            organisation.memberships.filter(role__in=["pe_lead", "admin"])
            .select_related("user")
            .order_by("-role")  # the PE lead before the admin
            .first()
        )
        assert membership is not None, "every demo organisation has an admin"
        return membership.user

    joint = developer.adoptions.filter(action_removed=False).order_by("action__code").first()
    other = asking.adoptions.filter(action_removed=False).order_by("action__code").first()
    if joint is None or other is None:
        return 0
    developer_lead, patients_lead = manager(developer), manager(patients)
    partnership = partnerships.partnership_request(
        adoption=joint, partner=patients, by=developer_lead, message=JOINT_MESSAGE
    )
    partnerships.partnership_accept(
        partnership=partnership, organisation=patients, by=patients_lead
    )
    objective = partnerships.objective_propose(
        partnership=partnership,
        organisation=developer,
        by=developer_lead,
        text="Every patient information sheet of the study reviewed by three patient members.",
        target_date=timezone.localdate() + dt.timedelta(days=120),
    )
    partnerships.objective_confirm(objective=objective, organisation=patients, by=patients_lead)
    claim = services.progress_entry_create(
        adoption=joint,
        by=developer_lead,
        data=EntryInput(
            entry_date=timezone.localdate() - dt.timedelta(days=2),
            narrative="Rewrote the information sheet with the Alliance's reviewers' comments.",
        ),
    )
    partnerships.entry_confirm(entry=claim, organisation=patients, by=patients_lead)
    services.progress_entry_create(
        adoption=joint,
        by=patients_lead,
        organisation=patients,
        data=EntryInput(
            entry_date=timezone.localdate() - dt.timedelta(days=1),
            narrative="Three of our members reviewed the draft sheet and were paid for it.",
        ),
    )
    partnerships.partnership_request(
        adoption=other, partner=patients, by=manager(asking), message=""
    )
    return 2
