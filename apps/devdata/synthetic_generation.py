"""Generating one synthetic organisation's rows: members, audit entries, adoptions with
their progress entries (metric values, barriers) and maturity checkpoints, as tuples in the
column order of ``synthetic_writes.TABLES``. Organisation ``n`` of seed ``s`` draws from its
own random generator, so it comes out the same whatever else is generated.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress

from apps.accounts.models import User
from apps.adoption.models import (
    Adoption,
    BarrierReport,
    MaturityAssessment,
    MaturityRating,
    Metric,
    MetricValue,
    ProgressEntry,
)
from apps.audit.models import AuditEvent
from apps.benchmarking.periods import bounds_for
from apps.devdata.demo import NARRATIVES
from apps.organisations.models import Membership, Organisation
from apps.organisations.permissions import Role
from apps.organisations.querysets import name_key
from apps.organisations.regions import Region, region_for_country
from apps.pulse.models import HIGHEST, LOWEST, PulseAnswer, PulseSubmission

from .synthetic_population import (
    BARRIER_NOTES,
    DISCONTINUED,
    EMAIL_DOMAIN,
    GROUP_ADOPTIONS,
    GROUP_WEIGHTS,
    HISTORY_DAYS,
    LEVEL_WEIGHTS,
    PAUSED,
    RECOMMENDED_WEIGHT,
    SLUG_PREFIX,
    STAGES,
    UPDATE_COUNTS,
    UPDATE_WEIGHTS,
    Catalogue,
)
from .synthetic_writes import IdAllocator, Rows

UTC = dt.UTC


@dataclass(slots=True)
class _Org:
    pk: int
    number: int
    group_pk: int
    group_slug: str
    region: str
    joined: dt.date
    admin: int = 0
    owners: list[int] = field(default_factory=list)
    members: list[tuple[int, str, dt.date]] = field(default_factory=list)  # user, role, joined


@dataclass(slots=True)
class GenerationContext:
    """What the generators share: the seed, the catalogue, the key allocator, today, and the
    rows of the chunk being generated."""

    seed: int
    catalogue: Catalogue
    ids: IdAllocator
    today: dt.date
    rows: Rows
    # Organisations join between these many days ago (the newest, the oldest); the oldest
    # is also how far back the history reaches.
    joined_days: tuple[int, int] = (90, HISTORY_DAYS)
    # The mean adoptions per organisation are GROUP_ADOPTIONS times this.
    adoptions_scale: float = 1.0


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment in working hours on ``day``."""
    minute = 480 + int(rng.random() * 540)
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=UTC)


def _pick[T](index: int, options: list[T], rng: random.Random, weights: list[int]) -> T:
    """The first organisations take each option once (so that every one is used), the rest
    follow the weights."""
    if index < len(options):
        return options[index]
    return rng.choices(options, weights)[0]


def add_organisation(index: int, ctx: GenerationContext) -> None:
    cat = ctx.catalogue
    rng = random.Random(f"{ctx.seed}:{index}")
    weights = [GROUP_WEIGHTS.get(slug, 5) for _pk, slug, _name in cat.groups]
    group_pk, group_slug, group_name = _pick(index, cat.groups, rng, weights)
    country = _pick(index, cat.countries, rng, cat.country_weights)
    level = _pick(index, [lv.value for lv in LEVEL_WEIGHTS], rng, list(LEVEL_WEIGHTS.values()))
    joined = ctx.today - dt.timedelta(days=rng.randint(*ctx.joined_days))
    org = _Org(
        ctx.ids.take(Organisation), index + 1, group_pk, group_slug,
        region_for_country(country), joined,
    )  # fmt: skip
    _members(org, rng, ctx)
    name = f"Synthetic {group_name} {org.number}"
    created = _at(joined, rng)
    ctx.rows[Organisation].append((
        org.pk, created, created, name, f"{SLUG_PREFIX}{org.number:05d}", name_key(name),
        group_pk, country, org.region, level, f"https://syn-{org.number}.example.org/",
        f"A synthetic {group_name.lower()} organisation for benchmarks.", rng.random() < 0.7,
        Organisation.Status.VERIFIED.value, "", created + dt.timedelta(days=2), None, None,
        org.admin,
    ))  # fmt: skip
    _audit(org, name, created, ctx)
    _adoptions(org, rng, ctx)
    _assessments(org, rng, ctx)
    _pulse(org, rng, ctx)


def _members(org: _Org, rng: random.Random, ctx: GenerationContext) -> None:
    """One admin, then up to four more: a PE lead first, then contributors and viewers."""
    extra = rng.choices((0, 1, 2, 3, 4), (20, 30, 25, 15, 10))[0]
    roles = [Role.ADMIN, *([Role.PE_LEAD] if extra else [])]
    roles += rng.choices((Role.CONTRIBUTOR, Role.VIEWER), (3, 1), k=max(0, extra - 1))
    first_user = ctx.ids.take(User, len(roles))
    first_email = ctx.ids.take(EmailAddress, len(roles))
    first_membership = ctx.ids.take(Membership, len(roles))
    for j, role in enumerate(roles):
        user, joined = first_user + j, _at(org.joined + dt.timedelta(days=j), rng)
        email = f"{role.value}.{org.number}.{j}@{EMAIL_DOMAIN}"
        ctx.rows[User].append((
            user, "!synthetic", None, False, "", "", False, True, joined, email,
            f"Synthetic member {org.number}.{j}", True, "", True,
        ))  # fmt: skip
        ctx.rows[EmailAddress].append((first_email + j, user, email, True, True))
        membership = (first_membership + j, joined, joined, org.pk, user, role.value)
        ctx.rows[Membership].append(membership)
        if role != Role.VIEWER:
            org.owners.append(user)
        org.members.append((user, role.value, joined.date()))
    org.admin = first_user


def _audit(org: _Org, name: str, created: dt.datetime, ctx: GenerationContext) -> None:
    """What the services would have logged: registration and verification."""
    first = ctx.ids.take(AuditEvent, 2)
    admin = (org.admin, f"admin.{org.number}.0@{EMAIL_DOMAIN}")
    common = ("organisations.Organisation", str(org.pk), name)
    verified = created + dt.timedelta(days=2)
    ctx.rows[AuditEvent] += [
        (first, created, *admin, org.pk, "organisation.registered", *common, {}, {}),
        (first + 1, verified, None, "", org.pk, "organisation.verified", *common,
         {"status": "pending"}, {"status": "verified"}),
    ]  # fmt: skip


def _adoptions(org: _Org, rng: random.Random, ctx: GenerationContext) -> None:
    """About 40 actions, most of them recommended for the organisation's group."""
    actions = ctx.catalogue.actions
    recommended = ctx.catalogue.recommended.get(org.group_pk, frozenset())
    mean = GROUP_ADOPTIONS.get(org.group_slug, 38) * ctx.adoptions_scale
    count = max(min(10, round(mean)), min(len(actions), round(rng.gauss(mean, 4))))
    # Weighted sampling without replacement (Efraimidis-Spirakis keys).
    keys = {a: rng.random() ** (1 / RECOMMENDED_WEIGHT if a in recommended else 1) for a in actions}
    for action in sorted(actions, key=keys.__getitem__, reverse=True)[:count]:
        _adoption(org, action, rng, ctx)


def _adoption(org: _Org, action: int, rng: random.Random, ctx: GenerationContext) -> None:
    latest = ctx.today - dt.timedelta(days=14)
    start = org.joined + dt.timedelta(days=int(rng.random() * ((latest - org.joined).days + 1)))
    pk = ctx.ids.take(Adoption)
    owner = rng.choice(org.owners) if rng.random() < 0.9 else None
    status, percent, last_at = _progress(pk, start, owner or org.admin, org, rng, ctx)
    created = _at(start, rng).replace(hour=8, minute=0)  # before the day's first entry
    target = start + dt.timedelta(days=rng.choice((180, 270, 365, 540, 730)))
    ctx.rows[Adoption].append((
        pk, created, last_at, org.pk, action, status, rng.random() < 0.3, rng.random() < 0.8,
        owner, start, target, "", percent, last_at, None, False, org.admin,
    ))  # fmt: skip


def _final_stage(span: int, history_days: int, rng: random.Random) -> int:
    """How far an adoption got (index into STAGES): older ones got further."""
    return min(3, int(span / history_days * 3.2 + rng.random() * 1.5))


def _percent(stage: int, fraction: float, rng: random.Random) -> int:
    if stage == 0:
        return int(rng.random() * 6)
    if stage == 1:
        return 10 + int(60 * fraction + rng.random() * 10)
    if stage == 2:
        return 85 + int(rng.random() * 15)
    return 100


def _progress(
    adoption: int,
    start: dt.date,
    author: int,
    org: _Org,
    rng: random.Random,
    ctx: GenerationContext,
) -> tuple[str, int, dt.datetime]:
    """The adoption's entries: the adoption itself, then updates moving along the stages
    (sometimes ending paused or discontinued). Returns the adoption's status, percent
    complete and last activity as the services would have left them."""
    span = (ctx.today - start).days
    updates = min(span, rng.choices(UPDATE_COUNTS, UPDATE_WEIGHTS)[0])
    days = sorted(rng.sample(range(1, span + 1), updates))
    final = _final_stage(span, ctx.joined_days[1], rng)
    ending, pace = rng.random(), 0.2 + 0.8 * rng.random()  # how far within its last stage
    first = ctx.ids.take(ProgressEntry, updates + 1)
    created = _at(start, rng)
    entries = ctx.rows[ProgressEntry]
    entries.append((first, adoption, start, "Adopted the action.", "", STAGES[0], None,
                    author, None, True, created, org.pk))  # fmt: skip
    status, percent = STAGES[0], 0
    for j, offset in enumerate(days, start=1):
        stage = final * j // updates
        new = STAGES[stage]
        if j == updates and final and ending < 0.08:
            new = PAUSED if ending < 0.05 else DISCONTINUED
        if new in STAGES and (j == updates or rng.random() < 0.85):
            percent = max(percent, min(100, _percent(stage, pace * j / updates, rng)))
            given = percent
        else:
            given = None
        day = start + dt.timedelta(days=offset)
        created = _at(day, rng)
        changed = new != status
        entries.append((first + j, adoption, day, rng.choice(NARRATIVES), status if changed else "",
                        new if changed else "", given, author, None, True, created,
                        org.pk))  # fmt: skip
        _entry_details(first + j, org, rng, ctx)
        status = new
    return status, percent, created


def _metric_value(kind: str, rng: random.Random) -> Decimal:
    if kind == Metric.Kind.YES_NO:
        return Decimal(int(rng.random() < 0.7))
    if kind == Metric.Kind.PERCENT:
        return Decimal(40 + int(rng.random() * 61))
    if kind == Metric.Kind.MONEY:
        return Decimal(500 * (1 + int(rng.random() * 60)))
    if kind == Metric.Kind.HOURS:
        return Decimal(1 + int(rng.random() * 120))
    return Decimal(1 + int(rng.random() * 40))


def _entry_details(entry: int, org: _Org, rng: random.Random, ctx: GenerationContext) -> None:
    """Metric values on some entries; barriers on fewer (more often in CEE, as the paper
    says)."""
    cat = ctx.catalogue
    if rng.random() < 0.4:
        chosen = rng.sample(cat.metrics, 2 if rng.random() < 0.4 else 1)
        first = ctx.ids.take(MetricValue, len(chosen))
        ctx.rows[MetricValue] += [
            (first + i, entry, pk, _metric_value(kind, rng)) for i, (pk, kind) in enumerate(chosen)
        ]
    if rng.random() < (0.25 if org.region == Region.CEE else 0.15):
        reported = rng.sample(cat.barriers, 2 if rng.random() < 0.2 else 1)
        first = ctx.ids.take(BarrierReport, len(reported))
        ctx.rows[BarrierReport] += [
            (first + i, entry, pk, rng.choice(BARRIER_NOTES)) for i, pk in enumerate(reported)
        ]


def _assessments(org: _Org, rng: random.Random, ctx: GenerationContext) -> None:
    """Two to four checkpoints; each rates every end goal and dimension, rising slowly."""
    cat = ctx.catalogue
    items = [(g, None) for g in cat.end_goals] + [(None, d) for d in cat.dimensions]
    levels = [1 + int(rng.random() * 2.5) for _ in items]
    span = (ctx.today - org.joined).days
    days = sorted(rng.sample(range(span + 1), rng.randint(2, 4)))
    for offset in days:
        day = org.joined + dt.timedelta(days=offset)
        pk, at = ctx.ids.take(MaturityAssessment), _at(day, rng)
        ctx.rows[MaturityAssessment].append((pk, at, at, org.pk, day, "", org.admin))
        first = ctx.ids.take(MaturityRating, len(items))
        for i, (goal, dimension) in enumerate(items):
            ctx.rows[MaturityRating].append((first + i, pk, goal, dimension, levels[i]))
            if rng.random() < 0.35:
                levels[i] = min(5, levels[i] + 1)


PULSE_PERIODS = 4  # the pulse is new: answers in the last closed periods only
PULSE_ANSWERING = 0.4  # the chance a member answers in a period


def _closed_periods(today: dt.date, count: int) -> list[tuple[str, dt.date, dt.date]]:
    """The last ``count`` reporting periods that ended before ``today``'s, oldest first."""
    found = []
    day = bounds_for(today)[1] - dt.timedelta(days=1)
    for _ in range(count):
        label, starts, ends = bounds_for(day)
        found.append((label, starts, ends))
        day = starts - dt.timedelta(days=1)
    return found[::-1]


def _pulse(org: _Org, rng: random.Random, ctx: GenerationContext) -> None:
    """In each of the last closed periods, some members answer the pulse for themselves,
    around an attitude of their organisation's that warms a little from period to period."""
    cat = ctx.catalogue
    if not cat.pulse:
        return
    attitude = rng.gauss(3.4 + (0.3 if org.group_slug == "patient-organisations" else 0), 0.5)
    for step, (label, starts, ends) in enumerate(_closed_periods(ctx.today, PULSE_PERIODS)):
        for user, role, joined in org.members:
            if joined > ends or rng.random() >= PULSE_ANSWERING:
                continue
            at = _at(starts + dt.timedelta(days=rng.randint(0, (ends - starts).days)), rng)
            pk = ctx.ids.take(PulseSubmission)
            ctx.rows[PulseSubmission].append((pk, at, at, user, org.pk, cat.edition, label, role))
            first = ctx.ids.take(PulseAnswer, len(cat.pulse))
            mood = attitude + 0.1 * step
            for i, statement in enumerate(cat.pulse):
                value = min(HIGHEST, max(LOWEST, round(rng.gauss(mood, 0.9))))
                ctx.rows[PulseAnswer].append((first + i, pk, statement, value))
