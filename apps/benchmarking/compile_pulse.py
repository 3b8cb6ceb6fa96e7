"""The attitude pulse's figures of a snapshot (issue 19, action A2.2.3).

For each statement (subject ``pulse``, code ``PU-1``…) and each bundle, from the answers
given in the period (one submission per person, for one organisation of theirs):

- ``answering``: how many of the bundle's verified organisations had at least one member
  answer it. A count of organisations like ``reporting``, so the public rules protect it as
  a family of its own (:mod:`.anonymisation`, :mod:`.protection`: small groups, attribute
  disclosure, protection intervals, earlier periods).
- ``pulse_mean``: the mean answer, 1 (strongly disagree) to 5 (strongly agree), and
  ``pulse_agree_percent``: the share of answers of 4 or 5. Their ``n`` is ``answering``: they
  are withheld with it.

The mean and the share are published for everyone, each stakeholder group, region, country
and level of operation, and for each role the people held when answering (breakdown
``role``: the roles are people's, not organisations', so no organisation count goes with
them; their ``n`` is how many organisations the answers came from). Individual answers are
never shown. Before and after the public rules, these rules of their own:

1. *At least k organisations and k answers*, and *no organisation dominates*: no more than
   half of the bundle's answers come from one organisation (else the figure is nearly that
   organisation's).
2. *No unanimity.* A mean at either end of the scale says every answer was the same; a
   share is published only when at least two answers agree and at least two do not (the
   attribute rule's "none, one, all but one or all", for answers).
3. *Nothing from subtraction* (:mod:`.rests`): everyone's figure less the known groups',
   regions', levels' or roles', and a region's less its known countries', must itself pass
   rules 1 and 2, taking the answer counts as known (the reader does not see them, but the
   rule does not lean on that). A rest's largest organisation is bounded by its parent's.

Answers are new each period, so no figure is "unchanged" from an earlier one by design;
the counts of answering organisations go through rule 5 of the public rules like any count.
``tests/benchmarking/test_compile_pulse.py`` runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Self

from apps.organisations.regions import COUNTRY_REGION
from apps.pulse.models import HIGHEST, LOWEST, PulseAnswer, PulseSubmission
from apps.roadmap.models import PulseStatement

from . import rests
from .anonymisation import SMALL_GROUP, Cell
from .compile_tables import Tables, table_name
from .models import Breakdown, Subject

ANSWERING, MEAN, AGREE = "answering", "pulse_mean", "pulse_agree_percent"
AGREES_FROM = 4  # "agree" and "strongly agree"
# Every breakdown of the organisations (the compile's) and the answerers' roles.
ORG_BREAKDOWNS = (
    Breakdown.ALL,
    Breakdown.STAKEHOLDER_GROUP,
    Breakdown.REGION,
    Breakdown.COUNTRY,
    Breakdown.LEVEL,
)
TOTAL = (Breakdown.ALL.value, "")

Bundle = tuple[str, str]


@dataclass(frozen=True)
class Answers:
    """A bundle's answers to one statement: from how many organisations, how many, their
    sum, how many agree, and the most that came from one organisation."""

    organisations: int = 0
    answers: int = 0
    total: int = 0
    agreeing: int = 0
    largest: int = 0

    def __sub__(self, other: Self) -> Self:
        # The rest's largest organisation is at most the whole's (and its answers).
        return type(self)(
            self.organisations - other.organisations,
            self.answers - other.answers,
            self.total - other.total,
            self.agreeing - other.agreeing,
            min(self.largest, self.answers - other.answers),
        )

    @property
    def empty(self) -> bool:
        return self.answers <= 0

    @property
    def mean(self) -> float | None:
        return round(self.total / self.answers, 2) if self.answers else None

    @property
    def agree_percent(self) -> float | None:
        return round(100 * self.agreeing / self.answers, 1) if self.answers else None

    def enough(self, k: int) -> bool:
        """Rule 1."""
        return self.organisations >= k and self.answers >= k and 2 * self.largest <= self.answers

    def mean_publishable(self, k: int) -> bool:
        return self.enough(k) and self.mean not in (LOWEST, HIGHEST)

    def agree_publishable(self, k: int) -> bool:
        return self.enough(k) and 2 <= self.agreeing <= self.answers - 2


class _MeanRest(Answers):
    def publishable(self, k: int) -> bool:
        return self.mean_publishable(k)


class _AgreeRest(Answers):
    def publishable(self, k: int) -> bool:
        return self.agree_publishable(k)


def _per_organisation(by_role: bool) -> str:
    """One row per statement, organisation (and role): its answers counted, summed, the
    agreeing ones, with the organisation's breakdown values."""
    role = "s.role, " if by_role else ""
    return (
        f"(SELECT st.code AS code, {role}s.organisation_id AS org, COUNT(*) AS answers, "
        f"SUM(a.value) AS total, SUM(CASE WHEN a.value >= {AGREES_FROM} THEN 1 ELSE 0 END) "
        "AS agreeing, o.grp, o.region, o.country, o.level "
        f"FROM {table_name(PulseAnswer)} a "
        f"JOIN {table_name(PulseSubmission)} s ON s.id = a.submission_id "
        f"JOIN {table_name(PulseStatement)} st ON st.id = a.statement_id "
        "JOIN benchmark_orgs o ON o.id = s.organisation_id WHERE s.period = %s "
        f"GROUP BY st.code, {role}s.organisation_id, o.grp, o.region, o.country, o.level)"
    )


AGGREGATES = ["COUNT(*)", "SUM(answers)", "SUM(total)", "SUM(agreeing)", "MAX(answers)"]


def pulse_answers(tables: Tables) -> dict[str, dict[Bundle, Answers]]:
    """``{statement code: {bundle: Answers}}`` for the organisations' breakdowns and the
    roles. Two statements (one per role grouping)."""
    found: dict[str, dict[Bundle, Answers]] = {}
    label = tables.period.label
    rows = tables.grouped(_per_organisation(False), ["code"], AGGREGATES, [label])
    for breakdown in ORG_BREAKDOWNS:
        for (code, value), amounts in rows[breakdown].items():
            found.setdefault(code, {})[(breakdown, value)] = _answers(amounts)
    tables.execute(
        f"SELECT code, role, {', '.join(AGGREGATES)} FROM {_per_organisation(True)} src "
        "GROUP BY code, role",
        [label],
    )
    for code, role, *amounts in tables.cursor.fetchall():
        found.setdefault(code, {})[(Breakdown.ROLE.value, role)] = _answers(amounts)
    return found


def _answers(amounts: list | tuple) -> Answers:
    return Answers(*(int(n or 0) for n in amounts))


def pulse_cells(
    answers: dict[str, dict[Bundle, Answers]], population: dict[Bundle, int], *, k: int
) -> Iterator[Cell]:
    """Every statement's cells (of the codes in ``answers`` and every bundle with a
    population, and the roles answered), rules 1 and 2 applied; rule 3:
    :func:`withhold_rests`, once the public rules have run."""
    for code in sorted(answers):
        mine = answers[code]
        for bundle, n in sorted(population.items()):
            if bundle[0] not in ORG_BREAKDOWNS:
                continue
            found = mine.get(bundle, Answers())
            yield Cell(Subject.PULSE, code, *bundle, ANSWERING, n, found.organisations)
            yield from _figures(code, bundle, found, k=k)
        for bundle in sorted(b for b in mine if b[0] == Breakdown.ROLE):
            yield from _figures(code, bundle, mine[bundle], k=k)


def _figures(code: str, bundle: Bundle, found: Answers, *, k: int) -> Iterator[Cell]:
    for measure, value, publishable in (
        (MEAN, found.mean, found.mean_publishable(k)),
        (AGREE, found.agree_percent, found.agree_publishable(k)),
    ):
        cell = Cell(
            Subject.PULSE, code, *bundle, measure, found.organisations, value, additive=False
        )
        if not publishable:
            cell.suppress(SMALL_GROUP)
        yield cell


def _partitions(bundles: set[Bundle]) -> list[rests.Partition]:
    """Everyone by groups, regions, levels and roles; each region by its countries."""
    found: list[rests.Partition] = [
        (TOTAL, sorted(b for b in bundles if b[0] == breakdown))
        for breakdown in (
            Breakdown.STAKEHOLDER_GROUP,
            Breakdown.REGION,
            Breakdown.LEVEL,
            Breakdown.ROLE,
        )
    ]
    for region in sorted(b for b in bundles if b[0] == Breakdown.REGION):
        countries = [
            b
            for b in bundles
            if b[0] == Breakdown.COUNTRY and COUNTRY_REGION.get(b[1].upper()) == region[1]
        ]
        found.append((region, sorted(countries)))
    return found


def _answer_count(answers: dict[Bundle, Answers], bundle: Bundle) -> int:
    found = answers.get(bundle)
    return found.answers if found is not None else 0


def withhold_rests(cells: list[Cell], answers: dict[str, dict[Bundle, Answers]], *, k: int) -> None:
    """Rule 3, in place, for each statement's mean and share (the cells read once)."""
    figures: dict[tuple[str, str], dict[Bundle, Cell]] = defaultdict(dict)
    for cell in cells:
        if cell.subject_type == Subject.PULSE and cell.measure in (MEAN, AGREE):
            figures[(cell.subject_code, cell.measure)][cell.bundle] = cell
    for code, mine in answers.items():
        for measure, kind in ((MEAN, _MeanRest), (AGREE, _AgreeRest)):
            mine_figures = figures[(code, measure)]
            rests.withhold_rests(
                mine_figures,
                {b: kind(**vars(a)) for b, a in mine.items()},
                _partitions(set(mine_figures)),
                k=k,
                zero=kind(),
                size=partial(_answer_count, mine),
            )
