"""Synthetic data at community scale, for the benchmarks under ``bench/`` (issue 8).

:func:`seed_synthetic` writes verified organisations (every stakeholder group, every
European country and a few beyond, the five levels) with members, about 40 adoptions
each, about five progress entries per adoption over three years (with metric values and
barriers), and two to four maturity checkpoints. The same seed gives the same data.

Speed comes first, on purpose. The services and ``full_clean`` run per row and would take
hours for 2,000,000 entries; here rows are generated valid by construction and written in
bulk, one chunk of organisations per transaction, so memory stays bounded whatever the
size. What the services and ``save()`` would derive is computed the same way here: the
organisation's region and name key, and each adoption's status, percent complete and last
activity from its latest entries. Primary keys are handed out here (reserved from the
sequences on PostgreSQL), so rows refer to each other without reading anything back. On
PostgreSQL the rows go in with ``COPY``; on other databases with ``bulk_create``.

Every synthetic organisation's slug starts with ``syn-`` and every synthetic account's
email ends in ``@synthetic.pe-roadmap.test``: :func:`synthetic_clear` removes exactly those.
Synthetic accounts have no usable password; the benchmarks sign in with sessions.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django_countries import countries

from apps.accounts.models import User
from apps.adoption.models import (
    Adoption,
    AdoptionStatus,
    BarrierReport,
    Evidence,
    MaturityAssessment,
    MaturityRating,
    Metric,
    MetricValue,
    ProgressEntry,
)
from apps.audit.models import AuditEvent
from apps.benchmarking.models import ExportJob
from apps.core.bulk import copy_rows
from apps.devdata.demo import NARRATIVES
from apps.organisations.models import Invitation, Level, Membership, Organisation
from apps.organisations.permissions import Role
from apps.organisations.querysets import name_key
from apps.organisations.regions import COUNTRY_REGION, Region, region_for_country
from apps.roadmap.models import Action, BarrierCategory, Dimension, Edition, StakeholderGroup

SLUG_PREFIX = "syn-"
EMAIL_DOMAIN = "synthetic.pe-roadmap.test"
HISTORY_DAYS = 3 * 365
UTC = dt.UTC

# Patient organisations and medicines developers are the largest groups of the PE community.
GROUP_WEIGHTS = {
    "patient-organisations": 30,
    "medicines-developers": 20,
    "academia": 12,
    "payers": 9,
    "research-funders": 8,
    "policy-makers": 8,
    "hta-bodies": 7,
    "regulators": 6,
}
# Mean adoptions per organisation, by group (about 40 overall, of the 50 actions).
GROUP_ADOPTIONS = {
    "patient-organisations": 42,
    "medicines-developers": 45,
    "academia": 38,
    "hta-bodies": 38,
    "research-funders": 36,
    "regulators": 36,
    "payers": 35,
    "policy-makers": 35,
}
LEVEL_WEIGHTS = {
    Level.LOCAL: 15,
    Level.REGIONAL: 20,
    Level.NATIONAL: 45,
    Level.EUROPEAN: 15,
    Level.GLOBAL: 5,
}
# Larger countries have more organisations; every European country has some.
COUNTRY_WEIGHTS = {
    "DE": 10, "FR": 9, "GB": 9, "IT": 8, "ES": 7, "NL": 5, "PL": 5, "BE": 5, "SE": 3,
    "CH": 3, "AT": 3, "DK": 3, "PT": 3, "RO": 3, "CZ": 3, "GR": 3, "HU": 3, "IE": 3,
    "TR": 3, "FI": 2, "NO": 2, "UA": 2,
}  # fmt: skip
OUTSIDE_EUROPE = {"US": 4, "CA": 1, "AU": 1, "JP": 1, "BR": 1, "IL": 1, "ZA": 1}
RECOMMENDED_WEIGHT = 4  # an action recommended for the group is this much likelier adopted
UPDATE_COUNTS, UPDATE_WEIGHTS = (2, 3, 4, 5, 6), (15, 25, 25, 20, 15)  # after the first entry
STAGES = (
    AdoptionStatus.PLANNED.value,
    AdoptionStatus.IN_PROGRESS.value,
    AdoptionStatus.IMPLEMENTED.value,
    AdoptionStatus.EMBEDDED.value,
)
PAUSED, DISCONTINUED = AdoptionStatus.PAUSED.value, AdoptionStatus.DISCONTINUED.value
BARRIER_NOTES = (
    "Noted at the quarterly review.",
    "Patient partners could not attend the meetings in working hours.",
    "No budget line for compensating patients this year.",
    "Legal asked for a new confidentiality agreement first.",
    "",
)
ID_BLOCK = 100_000

# The columns written per model, in insertion order (parents before children).
TABLES: dict[type[models.Model], tuple[str, ...]] = {
    User: (
        "id", "password", "last_login", "is_superuser", "first_name", "last_name",
        "is_staff", "is_active", "date_joined", "email", "full_name", "reminders_enabled",
    ),
    EmailAddress: ("id", "user_id", "email", "verified", "primary"),
    Organisation: (
        "id", "created_at", "updated_at", "name", "slug", "name_key", "stakeholder_group_id",
        "country", "region", "level", "website", "description", "in_directory", "status",
        "rejection_reason", "decided_at", "decided_by_id", "possible_duplicate_of_id",
        "created_by_id",
    ),
    Membership: ("id", "created_at", "updated_at", "organisation_id", "user_id", "role"),
    AuditEvent: (
        "id", "created_at", "actor_id", "actor_label", "organisation_id", "verb",
        "object_type", "object_id", "object_label", "before", "after",
    ),
    Adoption: (
        "id", "created_at", "updated_at", "organisation_id", "action_id", "status",
        "is_urgent", "is_important", "owner_id", "start_date", "target_date", "notes",
        "percent_complete", "last_activity_at", "reminded_at", "action_removed",
        "created_by_id",
    ),
    ProgressEntry: (
        "id", "adoption_id", "entry_date", "narrative", "status_from", "status_to",
        "percent_complete", "author_id", "supersedes_id", "is_current", "created_at",
    ),
    MetricValue: ("id", "entry_id", "metric_id", "value"),
    BarrierReport: ("id", "entry_id", "category_id", "note"),
    MaturityAssessment: (
        "id", "created_at", "updated_at", "organisation_id", "assessed_on", "notes",
        "created_by_id",
    ),
    MaturityRating: ("id", "assessment_id", "end_goal_id", "dimension_id", "level"),
}  # fmt: skip

Rows = dict[type[models.Model], list[tuple]]


class SyntheticDataError(Exception):
    """The database is not ready for synthetic data (no roadmap, or earlier data left)."""


@dataclass(frozen=True)
class Catalogue:
    """What synthetic rows refer to, read once, in a stable order (for reproducibility)."""

    groups: list[tuple[int, str, str]]  # (pk, slug, short name)
    actions: list[int]
    recommended: dict[int, frozenset[int]]  # group pk → recommended action pks
    metrics: list[tuple[int, str]]  # (pk, kind)
    barriers: list[int]
    end_goals: list[int]
    dimensions: list[int]
    countries: list[str]
    country_weights: list[int]


@dataclass
class SeedReport:
    organisations: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))


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


@dataclass(slots=True)
class _Context:
    seed: int
    catalogue: Catalogue
    ids: IdAllocator
    today: dt.date
    rows: Rows


# --- Reading the catalogue ---------------------------------------------------------------


def european_countries() -> list[str]:
    """Every European country the portal knows (``COUNTRY_REGION``) that the country field
    accepts. Kosovo (XK) is in the regions list but not in django-countries: left out."""
    known = {code for code, _name in countries}
    return sorted(code for code in COUNTRY_REGION if code in known)


def load_catalogue() -> Catalogue:
    edition = Edition.objects.current()
    if edition is None:
        raise SyntheticDataError("Load the roadmap first: python manage.py load_roadmap")
    actions = Action.objects.filter(edition=edition)
    through = Action.stakeholder_groups.through.objects.filter(action__edition=edition)
    recommended: dict[int, set[int]] = defaultdict(set)
    for group_pk, action_pk in through.values_list("stakeholdergroup_id", "action_id"):
        recommended[group_pk].add(action_pk)
    codes = [*european_countries(), *OUTSIDE_EUROPE]
    groups = StakeholderGroup.objects.order_by("slug").values_list("pk", "slug", "short_name")
    metrics = Metric.objects.filter(is_active=True).order_by("slug").values_list("pk", "kind")
    return Catalogue(
        groups=list(groups),
        actions=list(actions.order_by("code").values_list("pk", flat=True)),
        recommended={k: frozenset(v) for k, v in recommended.items()},
        metrics=list(metrics),
        barriers=list(BarrierCategory.objects.order_by("slug").values_list("pk", flat=True)),
        end_goals=list(edition.end_goals.order_by("code").values_list("pk", flat=True)),
        dimensions=list(Dimension.objects.order_by("slug").values_list("pk", flat=True)),
        countries=codes,
        country_weights=[COUNTRY_WEIGHTS.get(c, OUTSIDE_EUROPE.get(c, 1)) for c in codes],
    )  # fmt: skip


# --- Primary keys and writers --------------------------------------------------------------


class IdAllocator:
    """Hands out primary keys in blocks, so that rows can refer to each other before they
    are inserted. On PostgreSQL a block is reserved from the table's sequence (gaps are
    harmless); elsewhere numbering continues from the table's largest key."""

    def __init__(self) -> None:
        self._free: dict[type[models.Model], tuple[int, int]] = {}

    def take(self, model: type[models.Model], n: int = 1) -> int:
        """The first of ``n`` consecutive new keys."""
        first, end = self._free.get(model, (0, 0))
        if first + n > end:
            size = max(n, ID_BLOCK)
            first = self._reserve(model, size, after=end)
            end = first + size
        self._free[model] = (first + n, end)
        return first

    def _reserve(self, model: type[models.Model], size: int, *, after: int) -> int:
        table = model._meta.db_table
        if connection.vendor != "postgresql":
            if after:
                return after
            return (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        # The lock keeps other writers from drawing from the sequence between our nextval
        # and setval.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN EXCLUSIVE MODE")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
                " nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [table, table, size],
            )
            last = cursor.fetchone()[0]
        return last - size + 1  # fmt: skip


def _json_columns(model: type[models.Model], fields: tuple[str, ...]) -> list[int]:
    json_field = models.JSONField
    return [i for i, f in enumerate(fields) if isinstance(model._meta.get_field(f), json_field)]


def _copy_rows(model: type[models.Model], rows: list[tuple]) -> None:
    """PostgreSQL: one ``COPY`` in CSV form (None is NULL, everything else is quoted)."""
    fields = TABLES[model]
    json_at = _json_columns(model, fields)
    if json_at:
        rows = [tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(r)) for r in rows]
    # TABLES names fields by attname; every concrete field has a column.
    columns = {f.attname: f.column for f in model._meta.concrete_fields if f.column}
    copy_rows(model, [columns[name] for name in fields], rows)


def _bulk_rows(model: type[models.Model], rows: list[tuple]) -> None:
    """Any database: ``bulk_create`` (the timestamps given are kept, see below)."""
    fields = TABLES[model]
    objects = [model(**dict(zip(fields, r, strict=True))) for r in rows]
    model._default_manager.bulk_create(objects, 1000)


@contextmanager
def _given_timestamps() -> Iterator[None]:
    """``bulk_create`` would replace ``auto_now``/``auto_now_add`` values with the time of
    the insert; synthetic history needs its own dates. Switched off for the duration only
    (single-threaded command; restored even on error)."""
    switched = [
        (f, f.auto_now, f.auto_now_add)
        for model in TABLES
        for f in model._meta.concrete_fields
        # The fields that have auto_now (DateTimeField is a DateField).
        if isinstance(f, models.DateField | models.TimeField) and (f.auto_now or f.auto_now_add)
    ]
    for f, _now, _add in switched:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in switched:
            f.auto_now, f.auto_now_add = now, add


def _write(rows: Rows, report: SeedReport) -> None:
    write = _copy_rows if connection.vendor == "postgresql" else _bulk_rows
    for model in TABLES:
        if rows.get(model):
            write(model, rows[model])
            report.rows[model._meta.label] += len(rows[model])


# --- Generation ------------------------------------------------------------------------------


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


def _organisation(index: int, ctx: _Context) -> None:
    cat = ctx.catalogue
    rng = random.Random(f"{ctx.seed}:{index}")
    weights = [GROUP_WEIGHTS.get(slug, 5) for _pk, slug, _name in cat.groups]
    group_pk, group_slug, group_name = _pick(index, cat.groups, rng, weights)
    country = _pick(index, cat.countries, rng, cat.country_weights)
    level = _pick(index, [lv.value for lv in LEVEL_WEIGHTS], rng, list(LEVEL_WEIGHTS.values()))
    joined = ctx.today - dt.timedelta(days=rng.randint(90, HISTORY_DAYS))
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


def _members(org: _Org, rng: random.Random, ctx: _Context) -> None:
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
            f"Synthetic member {org.number}.{j}", True,
        ))  # fmt: skip
        ctx.rows[EmailAddress].append((first_email + j, user, email, True, True))
        membership = (first_membership + j, joined, joined, org.pk, user, role.value)
        ctx.rows[Membership].append(membership)
        if role != Role.VIEWER:
            org.owners.append(user)
    org.admin = first_user


def _audit(org: _Org, name: str, created: dt.datetime, ctx: _Context) -> None:
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


def _adoptions(org: _Org, rng: random.Random, ctx: _Context) -> None:
    """About 40 actions, most of them recommended for the organisation's group."""
    actions = ctx.catalogue.actions
    recommended = ctx.catalogue.recommended.get(org.group_pk, frozenset())
    mean = GROUP_ADOPTIONS.get(org.group_slug, 38)
    count = max(10, min(len(actions), round(rng.gauss(mean, 4))))
    # Weighted sampling without replacement (Efraimidis-Spirakis keys).
    keys = {a: rng.random() ** (1 / RECOMMENDED_WEIGHT if a in recommended else 1) for a in actions}
    for action in sorted(actions, key=keys.__getitem__, reverse=True)[:count]:
        _adoption(org, action, rng, ctx)


def _adoption(org: _Org, action: int, rng: random.Random, ctx: _Context) -> None:
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


def _final_stage(span: int, rng: random.Random) -> int:
    """How far an adoption got (index into STAGES): older ones got further."""
    return min(3, int(span / HISTORY_DAYS * 3.2 + rng.random() * 1.5))


def _percent(stage: int, fraction: float, rng: random.Random) -> int:
    if stage == 0:
        return int(rng.random() * 6)
    if stage == 1:
        return 10 + int(60 * fraction + rng.random() * 10)
    if stage == 2:
        return 85 + int(rng.random() * 15)
    return 100


def _progress(
    adoption: int, start: dt.date, author: int, org: _Org, rng: random.Random, ctx: _Context
) -> tuple[str, int, dt.datetime]:
    """The adoption's entries: the adoption itself, then updates moving along the stages
    (sometimes ending paused or discontinued). Returns the adoption's status, percent
    complete and last activity as the services would have left them."""
    span = (ctx.today - start).days
    updates = min(span, rng.choices(UPDATE_COUNTS, UPDATE_WEIGHTS)[0])
    days = sorted(rng.sample(range(1, span + 1), updates))
    final = _final_stage(span, rng)
    ending, pace = rng.random(), 0.2 + 0.8 * rng.random()  # how far within its last stage
    first = ctx.ids.take(ProgressEntry, updates + 1)
    created = _at(start, rng)
    entries = ctx.rows[ProgressEntry]
    entries.append((first, adoption, start, "Adopted the action.", "", STAGES[0], None,
                    author, None, True, created))  # fmt: skip
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
                        new if changed else "", given, author, None, True, created))  # fmt: skip
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


def _entry_details(entry: int, org: _Org, rng: random.Random, ctx: _Context) -> None:
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


def _assessments(org: _Org, rng: random.Random, ctx: _Context) -> None:
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


# --- Entry points ------------------------------------------------------------------------------


def synthetic_organisations() -> models.QuerySet[Organisation]:
    return Organisation.objects.filter(slug__startswith=SLUG_PREFIX)


def seed_synthetic(
    *,
    organisations: int,
    seed: int,
    chunk_size: int = 200,
    today: dt.date | None = None,
    progress: Callable[[int, SeedReport], None] | None = None,
) -> SeedReport:
    """Write ``organisations`` synthetic organisations and everything they own.

    Reproducible: organisation ``n`` of seed ``s`` is the same whatever the chunk size
    (its random generator is seeded with both). One transaction per chunk; a failure leaves
    the chunks before it, which :func:`synthetic_clear` removes.
    """
    if synthetic_organisations().exists():
        raise SyntheticDataError("Synthetic data exists already: clear it first (--clear).")
    started = time.perf_counter()
    report = SeedReport()
    ctx = _Context(seed, load_catalogue(), IdAllocator(), today or timezone.localdate(), {})
    with _given_timestamps():
        for start in range(0, organisations, chunk_size):
            ctx.rows = defaultdict(list)
            stop = min(organisations, start + chunk_size)
            for index in range(start, stop):
                _organisation(index, ctx)
            with transaction.atomic():
                _write(ctx.rows, report)
            report.organisations = stop
            if progress:
                progress(stop, report)
    if report.organisations:  # after a bare --clear, autovacuum updates the statistics
        _analyze()
    report.seconds = time.perf_counter() - started
    return report


def _analyze() -> None:
    """Fresh planner statistics after millions of rows (PostgreSQL). VACUUM too when it can
    (not inside a transaction): it clears the dead rows an earlier ``--clear`` left, which
    otherwise slow down planning (index endpoint probes) and index-only scans."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def synthetic_clear() -> dict[str, int]:
    """Delete every synthetic organisation and account, and what they own. Nothing else.

    The big tables are emptied with one ``DELETE`` each (no per-row collection: millions of
    rows); organisations and accounts go through the ORM so that references from other
    rows are handled as the models say (``SET_NULL``, ``CASCADE``).
    """
    orgs = synthetic_organisations()
    users = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    partners = Adoption.partners.through.objects.filter(
        Q(adoption__organisation__in=orgs) | Q(organisation__in=orgs)
    )
    steps = [
        MaturityRating.objects.filter(assessment__organisation__in=orgs),
        MaturityAssessment.objects.filter(organisation__in=orgs),
        MetricValue.objects.filter(entry__adoption__organisation__in=orgs),
        BarrierReport.objects.filter(entry__adoption__organisation__in=orgs),
        Evidence.objects.filter(entry__adoption__organisation__in=orgs),
        ProgressEntry.objects.filter(adoption__organisation__in=orgs),
        partners,
        Adoption.objects.filter(organisation__in=orgs),
        AuditEvent.objects.filter(organisation__in=orgs),
        Membership.objects.filter(organisation__in=orgs),
        Invitation.objects.filter(organisation__in=orgs),
        ExportJob.objects.filter(organisation__in=orgs),
        EmailAddress.objects.filter(user__in=users),
    ]
    counts: dict[str, int] = {}
    with transaction.atomic():
        for queryset in steps:
            counts[queryset.model._meta.label] = queryset._raw_delete(queryset.db)
        Organisation.objects.filter(possible_duplicate_of__in=orgs).update(
            possible_duplicate_of=None
        )
        counts[Organisation._meta.label] = orgs.delete()[0]
        counts[User._meta.label] = users.delete()[0]
    return counts
