"""The compile's temporary tables, and the grouped reads of them.

Each adoption's state at the end of the period is written once into ``benchmark_state``
(with the verified organisations' breakdown values beside it), and a few tables are built
from it; every aggregate of :mod:`.compile` reads them through :class:`Tables`. On
PostgreSQL a grouped read is one statement with ``GROUPING SETS`` and ``percentile_cont``;
elsewhere one ``GROUP BY`` per breakdown, with the percentiles interpolated in Python as
``percentile_cont`` does (:mod:`.aggregates`), so both databases give identical figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from django.db import connection

from apps.adoption.models import (
    Adoption,
    AdoptionStatus,
    ProgressEntry,
)
from apps.organisations.models import Organisation
from apps.organisations.querysets import verified_before
from apps.roadmap.models import (
    Action,
    Dimension,
    Edition,
    EndGoal,
    IntermediateGoal,
    StakeholderGroup,
)

from .aggregates import percentile_cont
from .models import Breakdown, ReportingPeriod, Subject

# The column of each breakdown in the temporary tables (every one of them names the
# organisation's breakdown values so).
BREAKDOWNS = {
    Breakdown.ALL: None,
    Breakdown.STAKEHOLDER_GROUP: "grp",
    Breakdown.REGION: "region",
    Breakdown.COUNTRY: "country",
    Breakdown.LEVEL: "level",
}
BREAKDOWN_COLUMNS = [c for c in BREAKDOWNS.values() if c]
# The adoption subjects: the column of the state table each adoption counts under.
ADOPTION_SUBJECTS: dict[str, str] = {
    Subject.ACTION: "action",
    Subject.INTERMEDIATE_GOAL: "ig",
    Subject.END_GOAL: "eg",
    Subject.DIMENSION: "dim",
}
# No count per status: with six status counts nearly every bundle has a 0, 1 or "all of
# them" among them, and the attribute rule (anonymisation.py) withheld most of the table;
# even one "implementing" count withheld a quarter of its cells, and no page, export or API
# (The curators' few status counts, for everyone only and for portal staff only, follow
# stricter rules of their own: :mod:`.compile_curation`.)
TEMP_TABLES = (
    "benchmark_orgs",
    "benchmark_state",
    "benchmark_per_org",
    "benchmark_codes",
    "benchmark_latest",
    "benchmark_metric_totals",
)


def table_name(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def unpivot(subjects: Sequence[str]) -> str:
    """The state table, one row per adoption and subject: (subject, code, org, status,
    percent and the breakdown columns)."""
    rest = "org, status, percent, grp, region, country, level"
    return " UNION ALL ".join(
        f"SELECT '{subject}' AS subject, {ADOPTION_SUBJECTS[subject]} AS code, {rest} "
        "FROM benchmark_state"
        for subject in subjects
    )


class Tables:
    """The temporary tables every aggregate reads, and the grouped reads of them.

    ``grouped`` and ``percentiles`` answer ``{breakdown: {(*keys, breakdown value): …}}``
    (the breakdown value is "" for everyone), one statement with ``GROUPING SETS`` on
    PostgreSQL, one per breakdown elsewhere."""

    def __init__(self, cursor: Any, period: ReportingPeriod, edition: Edition) -> None:
        self.cursor = cursor
        self.period = period
        self.edition = edition
        self.postgres = connection.vendor == "postgresql"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(sql, params)

    def drop(self) -> None:
        for table in TEMP_TABLES:
            self.execute(f"DROP TABLE IF EXISTS {table}")

    def analyse(self, table: str) -> None:
        # Temporary tables get no statistics by themselves: without them PostgreSQL plans
        # the joins on them blind (the tables only grouped need none).
        if self.postgres:
            self.execute(f"ANALYZE {table}")

    def create(self) -> None:
        self.drop()
        if self.postgres:
            # For the compile's transaction only: compiling these few statements to machine
            # code (JIT) takes longer than running them, and their sorts (hundreds of
            # thousands of rows) fit in memory rather than on disk.
            self.execute("SET LOCAL jit = off")
            self.execute("SET LOCAL work_mem = '64MB'")
        org_columns = "grp text, region text, country text, level text"
        self.execute(f"CREATE TEMPORARY TABLE benchmark_orgs (id bigint, {org_columns})")
        self.execute(
            "INSERT INTO benchmark_orgs (id, grp, region, country, level) "
            f"SELECT o.id, g.slug, o.region, o.country, o.level FROM {table_name(Organisation)} o "
            f"JOIN {table_name(StakeholderGroup)} g ON g.id = o.stakeholder_group_id "
            "WHERE o.status = %s AND (o.decided_at IS NULL OR o.decided_at < %s)",
            [Organisation.Status.VERIFIED, verified_before(self.period.ends_on)],
        )
        self.analyse("benchmark_orgs")
        self._create_state()
        self._create_per_org()
        self._create_codes()

    def _create_state(self) -> None:
        """Each adoption of a verified organisation, of an action of the edition that is not
        removed, with its status and percent complete at the period's end: once. (Its id,
        ``adoption``, is for the curators' figures: :mod:`.compile_curation`.)"""
        self.execute(
            "CREATE TEMPORARY TABLE benchmark_state (org bigint, action text, "
            "ig text, eg text, dim text, status text, "
            "percent integer, grp text, region text, country text, "
            "level text, adoption bigint)"
        )
        latest = (
            f"FROM {table_name(ProgressEntry)} e WHERE e.adoption_id = a.id AND e.is_current "
            "AND e.entry_date <= %s AND {} "
            "ORDER BY e.entry_date DESC, e.created_at DESC, e.id DESC LIMIT 1"
        )
        status = "SELECT e.status_to " + latest.format("e.status_to <> ''")
        percent = "SELECT e.percent_complete " + latest.format("e.percent_complete IS NOT NULL")
        self.execute(
            "INSERT INTO benchmark_state "
            "SELECT org, action, ig, eg, dim, status, COALESCE(percent, 0), "
            "grp, region, country, level, adoption FROM ("
            "SELECT a.id AS adoption, a.organisation_id AS org, ac.code AS action, ig.code AS ig, "
            "eg.code AS eg, d.slug AS dim, o.grp, o.region, o.country, o.level, "
            f"({status}) AS status, ({percent}) AS percent "
            f"FROM {table_name(Adoption)} a JOIN benchmark_orgs o ON o.id = a.organisation_id "
            f"JOIN {table_name(Action)} ac ON ac.id = a.action_id "
            f"JOIN {table_name(IntermediateGoal)} ig ON ig.id = ac.intermediate_goal_id "
            f"JOIN {table_name(EndGoal)} eg ON eg.id = ig.end_goal_id "
            f"JOIN {table_name(Dimension)} d ON d.id = ac.dimension_id "
            "WHERE ac.edition_id = %s AND NOT a.action_removed"
            ") adoptions WHERE status IS NOT NULL",
            [self.period.ends_on, self.period.ends_on, self.edition.pk],
        )
        self.analyse("benchmark_state")

    def _create_per_org(self) -> None:
        """Per subject code and organisation: whether it adopts it (anything but
        discontinued). Organisations count once per code whatever their number of adoptions
        under it."""
        self.execute(
            "CREATE TEMPORARY TABLE benchmark_per_org (subject text, code text, "
            "org bigint, grp text, region text, country text, level text, adopting smallint)"
        )
        self.execute(
            "INSERT INTO benchmark_per_org "
            "SELECT subject, code, org, grp, region, country, level, "
            "MAX(CASE WHEN status <> %s THEN 1 ELSE 0 END) "
            f"FROM ({unpivot(list(ADOPTION_SUBJECTS))}) u "
            "GROUP BY subject, code, org, grp, region, country, level",
            [AdoptionStatus.DISCONTINUED],
        )

    def _create_codes(self) -> None:
        """The end goals and dimensions coverage is read for."""
        self.execute("CREATE TEMPORARY TABLE benchmark_codes (subject text, code text)")
        self.execute(
            "INSERT INTO benchmark_codes (subject, code) "
            f"SELECT %s, code FROM {table_name(EndGoal)} WHERE edition_id = %s "
            f"UNION ALL SELECT %s, slug FROM {table_name(Dimension)}",
            [Subject.END_GOAL, self.edition.pk, Subject.DIMENSION],
        )

    # --- Grouped reads ------------------------------------------------------------------

    def grouped(
        self, source: str, keys: Sequence[str], aggregates: Sequence[str], params: Sequence = ()
    ) -> dict[str, dict[tuple, tuple]]:
        """``aggregates`` (SQL) of ``source`` (a table or a parenthesised query with the
        breakdown columns), grouped by ``keys`` and each breakdown."""
        result: dict[str, dict[tuple, tuple]] = {b: {} for b in BREAKDOWNS}
        width = len(keys)
        if self.postgres:
            sets = ", ".join(
                "(" + ", ".join([*keys, *([column] if column else [])]) + ")"
                for column in BREAKDOWNS.values()
            )
            columns = ", ".join(BREAKDOWN_COLUMNS)
            self.execute(
                f"SELECT {', '.join([*keys, columns])}, GROUPING({columns}), "
                f"{', '.join(aggregates)} FROM {source} src GROUP BY GROUPING SETS ({sets})",
                params,
            )
            masks = {_mask(column): b for b, column in BREAKDOWNS.items()}
            for row in self.cursor.fetchall():
                breakdown = masks[row[width + 4]]
                column = BREAKDOWNS[breakdown]
                value = row[width + BREAKDOWN_COLUMNS.index(column)] if column else ""
                result[breakdown][(*row[:width], as_text(value))] = tuple(row[width + 5 :])
            return result
        for breakdown, column in BREAKDOWNS.items():
            group = [*keys, *([column] if column else [])]
            by = f" GROUP BY {', '.join(group)}" if group else ""
            selected = ", ".join([*group, *aggregates])
            self.execute(f"SELECT {selected} FROM {source} src{by}", params)
            for row in self.cursor.fetchall():
                value = row[width] if column else ""
                result[breakdown][(*row[:width], as_text(value))] = tuple(row[len(group) :])
        return result

    def percentiles(
        self,
        source: str,
        keys: Sequence[str],
        value: str,
        percentiles: Sequence[float],
        params: Sequence = (),
    ) -> dict[str, dict[tuple, tuple[int, dict[float, float]]]]:
        """``(n, {p: value})`` of ``value`` per group, interpolated linearly between the
        closest ranks (``percentile_cont``)."""
        if self.postgres:
            fractions = ", ".join(str(p) for p in percentiles)
            rows = self.grouped(
                source,
                keys,
                [
                    "COUNT(*)",
                    f"percentile_cont(ARRAY[{fractions}]) WITHIN GROUP (ORDER BY {value})",
                ],
                params,
            )
            return {
                b: {
                    k: (n, dict(zip(percentiles, found, strict=True)))
                    for k, (n, found) in g.items()
                }
                for b, g in rows.items()
            }
        result: dict[str, dict[tuple, tuple[int, dict[float, float]]]] = {}
        width = len(keys)
        for breakdown, column in BREAKDOWNS.items():
            group = [*keys, *([column] if column else [])]
            order = ", ".join([*group, value])
            self.execute(
                f"SELECT {', '.join(group)}, {value} FROM {source} src ORDER BY {order}", params
            )
            found = {}
            for key, ranked in groupby(self.cursor.fetchall(), key=lambda r: r[: len(group)]):
                values = [float(r[-1]) for r in ranked]
                label = as_text(key[width]) if column else ""
                found[(*key[:width], label)] = (
                    len(values),
                    {p: percentile_cont(values, p) for p in percentiles},
                )
            result[breakdown] = found
        return result


def _mask(column: str | None) -> int:
    """``GROUPING(grp, region, country, level)`` of the grouping set with ``column``: a bit
    per column, set when the column is not grouped by."""
    full = (1 << len(BREAKDOWN_COLUMNS)) - 1
    if column is None:
        return full
    return full ^ (1 << (len(BREAKDOWN_COLUMNS) - 1 - BREAKDOWN_COLUMNS.index(column)))


def as_text(value: Any) -> str:
    return "" if value is None else str(value)
