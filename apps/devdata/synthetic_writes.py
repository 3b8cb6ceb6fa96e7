"""Writing synthetic rows fast: primary keys handed out in blocks (:class:`IdAllocator`),
the columns per model (``TABLES``), ``COPY`` on PostgreSQL and ``bulk_create`` elsewhere,
with the generated timestamps kept; then fresh planner statistics. Knows nothing of what the
rows mean (``synthetic_generation`` makes them).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import connection, models, transaction
from django.db.models import Max

from apps.accounts.models import User
from apps.adoption.models import (
    Adoption,
    BarrierReport,
    MaturityAssessment,
    MaturityRating,
    MetricValue,
    ProgressEntry,
)
from apps.audit.models import AuditEvent
from apps.core.bulk import copy_rows
from apps.organisations.models import Membership, Organisation
from apps.pulse.models import PulseAnswer, PulseSubmission

ID_BLOCK = 100_000

# The columns written per model, in insertion order (parents before children).
TABLES: dict[type[models.Model], tuple[str, ...]] = {
    User: (
        "id", "password", "last_login", "is_superuser", "first_name", "last_name",
        "is_staff", "is_active", "date_joined", "email", "full_name", "reminders_enabled",
        "language", "digest_enabled",
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
        "organisation_id",
    ),
    MetricValue: ("id", "entry_id", "metric_id", "value"),
    BarrierReport: ("id", "entry_id", "category_id", "note"),
    MaturityAssessment: (
        "id", "created_at", "updated_at", "organisation_id", "assessed_on", "notes",
        "created_by_id",
    ),
    MaturityRating: ("id", "assessment_id", "end_goal_id", "dimension_id", "level"),
    PulseSubmission: (
        "id", "created_at", "updated_at", "user_id", "organisation_id", "edition_id", "period",
        "role",
    ),
    PulseAnswer: ("id", "submission_id", "statement_id", "value"),
}  # fmt: skip

Rows = dict[type[models.Model], list[tuple]]


@dataclass
class SeedReport:
    organisations: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))


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
def given_timestamps() -> Iterator[None]:
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


def write_rows(rows: Rows, report: SeedReport) -> None:
    write = _copy_rows if connection.vendor == "postgresql" else _bulk_rows
    for model in TABLES:
        if rows.get(model):
            write(model, rows[model])
            report.rows[model._meta.label] += len(rows[model])


def analyze_tables() -> None:
    """Fresh planner statistics after millions of rows (PostgreSQL). VACUUM too when it can
    (not inside a transaction): it clears the dead rows an earlier ``--clear`` left, which
    otherwise slow down planning (index endpoint probes) and index-only scans."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
