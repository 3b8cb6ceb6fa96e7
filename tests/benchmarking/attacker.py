"""An attacker on the published benchmark, written apart from the code under test (issue 13).

It reads a snapshot the way any reader can (the public API, or the rows a published
snapshot would show: withheld cells without value or ``n``), writes down everything a
reader knows as linear constraints, and asks a linear-programming solver (HiGHS) how far
each withheld count can move. Nothing here comes from ``apps.benchmarking.anonymisation``
or ``apps.benchmarking.protection``: the equations are taken from how the test data is made
and from what the published format says, so that a mistake in the portal's equations
cannot hide itself.

What the reader knows (``issue13-contract.md``):

- every published figure of the snapshot: counts are equalities; a share ``s`` of a count
  ``x`` in a group of ``N`` is ``|100 x / N - s| <= 0.05`` (one decimal); every published
  ``n`` is an equality for the figure it names (the bundle's population, the adopting
  count behind a median, the reporting count behind a metric total or median, the rated
  count behind maturity quartiles);
- which bundles are listed (a listed bundle holds at least one organisation);
- whole numbers, ``0 <= count <= N``; the sums between bundles (everyone = the
  stakeholder groups = the regions = the levels; a region = its countries, by the
  country → region table the portal documents); within a bundle ``implementing <=
  adopting`` and, where status counts are published, for an action (one adoption per
  organisation) the status counts other than discontinued add up to ``adopting``, and for a
  goal or dimension (several adoptions per organisation) each such status count is at most
  ``adopting`` and together at least ``adopting``;
- what a withheld population's reason says: ``small_group`` means fewer than ``k``
  organisations, any other reason at least ``k``;
- with ``roadmap`` (as :func:`attack_population` always does), the roadmap's structure:
  in every bundle, each action's count <= its goal's (or dimension's) <= the sum of its
  actions' counts (:func:`roadmap_rows`);
- every figure published in an earlier snapshot whose true value has not changed since
  (the strongest reader guesses "unchanged", and the test knows the truth). Such a figure,
  withheld now, is public already: its own interval is not checked (nothing new is
  disclosed), its complement ``N - x`` and everything it helps pin are.

For every withheld count ``x`` (and ``N - x``), and every withheld population ``N``, the
interval ``[lo, hi]`` (LP bounds rounded inward to whole numbers) must satisfy
``hi - lo >= min(p, N)``. Published figures must obey the attribute rules (no count of 0,
1, N-1 or N; quantiles only from ``BENCHMARK_MIN_GROUP_QUANTILES`` organisations), come
from at least ``k`` organisations, and show no ``n`` that names a withheld figure. The
attacker checks itself too: the true values satisfy every constraint it writes, and lie in
every interval it computes; otherwise it raises :class:`AttackerError`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import highspy
import numpy as np
from django.conf import settings

from apps.adoption.models import (
    Adoption,
    AdoptionStatus,
    BarrierReport,
    MaturityAssessment,
    MaturityRating,
    Metric,
    MetricValue,
    ProgressEntry,
)
from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot
from apps.benchmarking.periods import period_get_or_create
from apps.benchmarking.services import snapshot_compile_and_publish
from apps.organisations.models import Organisation
from apps.organisations.regions import COUNTRY_REGION  # data: the documented table
from apps.roadmap.models import Action, BarrierCategory, Dimension, EndGoal, StakeholderGroup
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import (
    ActionFactory,
    BarrierCategoryFactory,
    DimensionFactory,
    EditionFactory,
    EndGoalFactory,
    IntermediateGoalFactory,
    StakeholderGroupFactory,
)

Key = tuple[str, str, str, str, str]  # subject type, code, breakdown, breakdown value, measure
Bundle = tuple[str, str]
Truth = Mapping[Key, int]

EVERYONE: Bundle = ("all", "")
STATUSES = tuple(s.value for s in AdoptionStatus)
DISCONTINUED = AdoptionStatus.DISCONTINUED.value
# The figure a maturity quartile's ``n`` names: how many organisations of the bundle have a
# rating (a count of its own, ``rated``; where the snapshot has no such cell, an unknown of
# the reader's all the same).
RATED = "rated"
# The attribute rule (no 0, 1, N-1 or N) covers every count but the population itself.
PARTICIPATION = frozenset({"organisations"})
# Tolerances: HiGHS's feasibility tolerance is 1e-7; a share is rounded to one decimal.
EPS = 1e-6
SHARE_HALF_STEP = 0.05 + 1e-9


def protection_level() -> int:
    """``p`` (``BENCHMARK_PROTECTION_LEVEL``; the contract's default, 3, until it exists)."""
    return int(getattr(settings, "BENCHMARK_PROTECTION_LEVEL", 3))


def min_group() -> int:
    return int(settings.BENCHMARK_MIN_GROUP)


def min_group_quantiles() -> int:
    """Quartiles and medians are published from this many organisations (default 2k)."""
    return int(getattr(settings, "BENCHMARK_MIN_GROUP_QUANTILES", 2 * min_group()))


def population_key(bundle: Bundle) -> Key:
    return ("population", "", bundle[0], bundle[1], "organisations")


def bundle_of(key: Key) -> Bundle:
    return (key[2], key[3])


def is_count(key: Key) -> bool:
    measure = key[4]
    return measure in ("organisations", "adopting", "implementing", "reporting", RATED) or (
        measure.startswith("status_")
    )


def is_quantile(key: Key) -> bool:
    measure = key[4]
    return measure == "median_percent" or measure.endswith(("_q1", "_median", "_q3"))


def named_by_n(key: Key) -> Key:
    """The figure a cell's ``n`` states: the group the cell comes from. A count's ``n`` is
    its bundle's population; a metric's total and median come from the organisations
    reporting it, a median percent from those adopting, maturity quartiles from those rated;
    shares and coverage quartiles from the whole bundle."""
    subject, code, breakdown, value, measure = key
    if subject == "population":
        return key
    if is_count(key):  # adopting, implementing, rated, reporting (barrier and metric)
        return population_key((breakdown, value))
    if subject == "metric":
        return (subject, code, breakdown, value, "reporting")
    if subject.startswith("maturity"):
        return (subject, code, breakdown, value, RATED)
    if measure == "median_percent":
        return (subject, code, breakdown, value, "adopting")
    return population_key((breakdown, value))


def describe(key: Key) -> str:
    subject, code, breakdown, value, measure = key
    where = "everyone" if breakdown == "all" else f"{breakdown}={value}"
    return f"{subject} {code} {measure} [{where}]".replace("  ", " ")


# --- What a reader sees -------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A cell as a reader sees it: a withheld one has neither value nor ``n``."""

    value: float | None
    n: int | None
    withheld: bool
    reason: str = ""


View = dict[Key, Shown]


def read_database(snapshot: BenchmarkSnapshot) -> View:
    """The snapshot's cells as publishing them would show them (withheld: no value, no n)."""
    rows = BenchmarkCell.objects.filter(snapshot=snapshot).values_list(
        "subject_type",
        "subject_code",
        "breakdown",
        "breakdown_value",
        "measure",
        "n",
        "value",
        "suppressed",
        "reason",
    )
    view: View = {}
    for *key, n, value, suppressed, reason in rows:
        if suppressed:
            view[tuple(key)] = Shown(None, None, True, reason)
        else:
            view[tuple(key)] = Shown(
                None if value is None else float(value), None if n is None else int(n), False
            )
    return view


def read_api(client: Any, label: str) -> View | None:
    """The snapshot's cells from the public API (``/api/v1/benchmarks/<period>/``), every
    page; None when the API does not show the period (not compiled, or not published)."""
    url: str | None = f"/api/v1/benchmarks/{label}/?page_size=1000"
    view: View = {}
    while url:
        response = client.get(url)
        if response.status_code == 404:
            return None
        assert response.status_code == 200, (url, response.status_code)
        data = response.json()
        for cell in data["results"]:
            key = (
                cell["subject_type"],
                cell["subject_code"],
                cell["breakdown"],
                cell["breakdown_value"],
                cell["measure"],
            )
            value, n = cell["value"], cell["n"]
            view[key] = Shown(
                None if value is None else float(value),
                None if n is None else int(n),
                bool(cell["suppressed"]),
                cell["reason"] or "",
            )
        url = data["next"]
    return view


# --- The reader's equations ---------------------------------------------------------------


@dataclass
class Row:
    """``lo <= sum(coef * x) <= hi``, and where the reader got it from."""

    coefs: dict[Key, float]
    lo: float
    hi: float
    label: str

    def unknowns(self) -> Iterable[Key]:
        return self.coefs


def _equal(key: Key, value: float, label: str) -> Row:
    return Row({key: 1.0}, value, value, label)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def fact_rows(view: View, where: str) -> list[Row]:
    """What the published figures of ``view`` say (``where`` names the snapshot)."""
    rows = []
    for key, shown in view.items():
        if shown.withheld:
            continue
        if is_count(key) and shown.value is not None:
            rows.append(_equal(key, shown.value, f"{where} {describe(key)} = {_fmt(shown.value)}"))
        if shown.n is not None:
            named = named_by_n(key)
            label = f"{where} n of {describe(key)} = {shown.n} (is {describe(named)})"
            rows.append(_equal(named, shown.n, label))
        if key[4].startswith("share_") and shown.value is not None:
            count = (*key[:4], key[4].removeprefix("share_"))
            total = population_key(bundle_of(key))
            s = shown.value
            label = f"{where} {describe(key)} = {_fmt(s)} % of {describe(total)}"
            # 100 x - (s + h) N <= 0 and 100 x - (s - h) N >= 0.
            rows.append(Row({count: 100.0, total: -(s + SHARE_HALF_STEP)}, -math.inf, 0.0, label))
            rows.append(Row({count: 100.0, total: -(s - SHARE_HALF_STEP)}, 0.0, math.inf, label))
    return rows


def listed_bundles(view: View) -> set[Bundle]:
    return {bundle_of(key) for key in view if key[0] == "population"}


def bundle_sums(bundles: set[Bundle]) -> list[tuple[Bundle, list[Bundle], str]]:
    """(parent, children, name) of every sum between bundles a reader knows."""
    sums = []
    for breakdown, name in (
        ("stakeholder_group", "the stakeholder groups"),
        ("region", "the regions"),
        ("level", "the levels"),
    ):
        children = sorted(b for b in bundles if b[0] == breakdown)
        if children and EVERYONE in bundles:
            sums.append((EVERYONE, children, f"everyone = {name}"))
    by_region: dict[str, list[Bundle]] = defaultdict(list)
    for bundle in bundles:
        if bundle[0] == "country":
            by_region[COUNTRY_REGION.get(bundle[1].upper(), "outside")].append(bundle)
    for region in rest_caps(bundles):
        if ("region", region) in bundles:
            by_region.setdefault(region, [])
    for region, countries in sorted(by_region.items()):
        tail = [("country_rest", region)] if region in rest_caps(bundles) else []
        sums.append(
            (("region", region), sorted(countries) + tail, f"region {region} = its countries")
        )
    return sums


def rest_caps(bundles: set[Bundle]) -> dict[str, float]:
    """Small countries: with BENCHMARK_MIN_GROUP_COUNTRY = t, a region's unlisted countries (each
    fewer than t organisations, by the published rule) are one unknown remainder."""
    t = int(getattr(settings, "BENCHMARK_MIN_GROUP_COUNTRY", 0))
    if not t:
        return {}
    listed = {b[1].upper() for b in bundles if b[0] == "country"}
    caps = {}
    for region in {b[1] for b in bundles if b[0] == "region"}:
        unlisted = [c for c, r in COUNTRY_REGION.items() if r == region and c not in listed]
        if region == "outside":
            caps[region] = math.inf
        elif unlisted:
            caps[region] = float((t - 1) * len(unlisted))
    return caps


def structure_rows(view: View, k: int) -> list[Row]:
    """What the reader knows from the shape of the data, whatever is published."""
    bundles = listed_bundles(view)
    rows = [
        Row({population_key(b): 1.0}, 1.0, math.inf, f"{describe(population_key(b))} >= 1 (listed)")
        for b in sorted(bundles)
    ]
    # A withheld population's reason says which side of k it lies: "fewer than k
    # organisations", or withheld for another reason (so not a small group).
    for bundle in sorted(bundles):
        key = population_key(bundle)
        shown = view[key]
        if shown.withheld and shown.reason == "small_group":
            rows.append(Row({key: 1.0}, -math.inf, k - 1.0, f"{describe(key)}: small_group, < {k}"))
        elif shown.withheld and shown.reason:
            label = f"{describe(key)}: withheld as {shown.reason}, so >= {k}"
            rows.append(Row({key: 1.0}, float(k), math.inf, label))
    # The additive families: each count measure of each subject, and the number of rated
    # organisations behind maturity quartiles.
    families: set[tuple[str, str, str]] = set()
    present: set[Key] = set()
    for key in view:
        if is_count(key):
            families.add((key[0], key[1], key[4]))
            present.add(key)
        elif key[0].startswith("maturity"):
            families.add((key[0], key[1], RATED))
            present.add((*key[:4], RATED))
    for subject, code, measure in sorted(families):
        family = [(subject, code, b[0], b[1], measure) for b in sorted(bundles)]
        for key in family:
            if key not in present:
                rows.append(_equal(key, 0.0, f"{describe(key)} = 0 (no such figure: nobody)"))
            if subject != "population":
                total = population_key(bundle_of(key))
                rows.append(
                    Row({key: 1.0, total: -1.0}, -math.inf, 0.0, f"{describe(key)} <= its group")
                )
        for region, cap in sorted(rest_caps(bundles).items()):
            rest = (subject, code, "country_rest", region, measure)
            rest_total = population_key(("country_rest", region))
            rows.append(Row({rest_total: 1.0}, 0.0, cap, f"unlisted countries of {region}"))
            if subject != "population":
                rows.append(Row({rest: 1.0, rest_total: -1.0}, -math.inf, 0.0, "rest <= group"))
        for parent, children, name in bundle_sums(bundles):
            coefs: dict[Key, float] = {(subject, code, *parent, measure): 1.0}
            for child in children:
                coefs[(subject, code, *child, measure)] = -1.0
            rows.append(
                Row(
                    coefs,
                    0.0,
                    0.0,
                    f"sum {' '.join(filter(None, (subject, code, measure)))}: {name}",
                )
            )
    rows.extend(_within_bundle_rows(view))
    rows.extend(hidden_n_rows(view))
    return rows


def hidden_n_rows(view: View) -> list[Row]:
    """Quantiles without n (BENCHMARK_QUANTILE_HIDDEN_N): a quantile shown with its n
    hidden says its basis count is >= the quantile threshold."""
    if not getattr(settings, "BENCHMARK_QUANTILE_HIDDEN_N", False):
        return []
    q = min_group_quantiles()
    rows = []
    for key, shown in sorted(view.items()):
        if not is_quantile(key):
            continue
        basis = named_by_n(key)
        if basis == population_key(bundle_of(key)):
            continue
        total = view.get(population_key(bundle_of(key)))
        if total is None or total.withheld:
            continue
        if not shown.withheld and shown.n is None:
            rows.append(Row({basis: 1.0}, float(q), math.inf, f"{describe(key)} shown: >= {q}"))
        # A withheld quantile says nothing: the protection may withhold one to protect others.
    return rows


def _within_bundle_rows(view: View) -> list[Row]:
    """Relations between the measures of one subject in one bundle."""
    rows = []
    for key in view:
        if key[4] != "adopting":
            continue
        base = key[:4]
        statuses = {s: (*base, f"status_{s}") for s in STATUSES if (*base, f"status_{s}") in view}
        active = [k for s, k in statuses.items() if s != DISCONTINUED]
        what = describe(key)
        if key[0] == "action" and len(statuses) == len(STATUSES):
            # One adoption per organisation: exactly one status each.
            coefs = {key: 1.0, **dict.fromkeys(active, -1.0)}
            rows.append(Row(coefs, 0.0, 0.0, f"{what} = its status counts but discontinued"))
            total = population_key(bundle_of(key))
            coefs = {key: 1.0, statuses[DISCONTINUED]: 1.0, total: -1.0}
            rows.append(Row(coefs, -math.inf, 0.0, f"{what} + discontinued <= its group"))
        elif active:
            for k in active:
                rows.append(Row({k: 1.0, key: -1.0}, -math.inf, 0.0, f"{describe(k)} <= {what}"))
            coefs = {key: 1.0, **dict.fromkeys(active, -1.0)}
            rows.append(Row(coefs, -math.inf, 0.0, f"{what} <= its status counts"))
        implementing = (*base, "implementing")
        if implementing in view:
            rows.append(
                Row({implementing: 1.0, key: -1.0}, -math.inf, 0.0, f"implementing <= {what}")
            )
    return rows


def roadmap_rows(view: View, roadmap: Mapping[tuple[str, str], frozenset[str]]) -> list[Row]:
    """What the roadmap's structure adds (beyond the contract's reader): an organisation
    adopts a goal or dimension when it adopts one of its actions, so in every bundle the
    goal's count lies between each action's count and their sum (``adopting`` and
    ``implementing`` alike)."""
    rows = []
    for key in view:
        actions = roadmap.get((key[0], key[1]))
        if key[0] == "action" or not actions or key[4] not in ("adopting", "implementing"):
            continue
        children = [("action", a, *key[2:]) for a in sorted(actions)]
        if not all(child in view for child in children):
            continue
        for child in children:
            label = f"roadmap: {describe(child)} <= {describe(key)}"
            rows.append(Row({child: 1.0, key: -1.0}, -math.inf, 0.0, label))
        label = f"roadmap: {describe(key)} <= the sum of its actions"
        rows.append(Row({key: 1.0, **dict.fromkeys(children, -1.0)}, -math.inf, 0.0, label))
    return rows


# --- The solver ---------------------------------------------------------------------------


class AttackerError(AssertionError):
    """The attacker's own model is wrong (a true value breaks one of its constraints)."""


class Solver:
    """One HiGHS model of the reader's constraints, solved for many objectives (each solve
    starts from the previous basis)."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = list(rows)
        self.keys = sorted({key for row in self.rows for key in row.unknowns()})
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        # Thousands of solves that differ in their objective only: each starts from the
        # last basis, which presolving would throw away.
        self.highs.setOptionValue("presolve", "off")
        inf = highspy.kHighsInf
        n = len(self.keys)
        self.highs.addVars(n, np.zeros(n), np.full(n, inf))
        starts, indices, values, lower, upper = [], [], [], [], []
        for row in self.rows:
            starts.append(len(indices))
            for key, coef in row.coefs.items():
                indices.append(self.index[key])
                values.append(coef)
            lower.append(-inf if row.lo == -math.inf else row.lo)
            upper.append(inf if row.hi == math.inf else row.hi)
        self.highs.addRows(
            len(self.rows),
            np.array(lower, dtype=float),
            np.array(upper, dtype=float),
            len(indices),
            np.array(starts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(values, dtype=float),
        )
        self._costs: list[int] = []
        self._intervals: dict[tuple, tuple[float, float]] = {}
        # Feasible points seen so far (the truth, then every optimum): two of them far enough
        # apart prove an interval wide enough without solving for it.
        self._points = np.zeros((64, n))
        self._count = 0

    def _remember(self, point: Sequence[float]) -> None:
        if self._count == len(self._points):
            self._points = np.vstack([self._points, np.zeros_like(self._points)])
        self._points[self._count] = point
        self._count += 1

    def wide_enough(self, objective: Mapping[Key, float], need: float) -> bool:
        """Whether two known feasible points already put the objective's whole-number
        interval at least ``need`` wide (a shortcut: no solve needed)."""
        columns = [self.index[k] for k in objective]
        values = self._points[: self._count, columns] @ np.array(list(objective.values()))
        return math.floor(values.max() + EPS) - math.ceil(values.min() - EPS) >= need

    def check_truth(self, truth: Truth) -> None:
        """Every constraint must hold for the true values: else the attacker is wrong."""
        for key in self.keys:
            if key not in truth:
                raise AttackerError(f"The attacker has no true value for {describe(key)}")
        self._remember([truth[key] for key in self.keys])
        for row in self.rows:
            total = sum(coef * truth[key] for key, coef in row.coefs.items())
            if not (row.lo - EPS <= total <= row.hi + EPS):
                values = ", ".join(f"{describe(k)}={truth[k]}" for k in row.coefs)
                raise AttackerError(
                    f"The attacker's constraint '{row.label}' is false for the true values "
                    f"({values}): {row.lo} <= {total} <= {row.hi} fails"
                )

    def _optimise(self, objective: Mapping[Key, float], sense: Any) -> float:
        if self._costs:
            size = len(self._costs)
            self.highs.changeColsCost(size, np.array(self._costs, dtype=np.int32), np.zeros(size))
        columns = [self.index[k] for k in objective]
        self.highs.changeColsCost(
            len(columns),
            np.array(columns, dtype=np.int32),
            np.array(list(objective.values()), dtype=float),
        )
        self._costs = columns
        self.highs.changeObjectiveSense(sense)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            self._remember(self.highs.getSolution().col_value)
            return float(self.highs.getInfo().objective_function_value)
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return math.inf if sense == highspy.ObjSense.kMaximize else -math.inf
        raise AttackerError(f"HiGHS could not solve the reader's model: {status}")

    def interval(self, objective: Mapping[Key, float]) -> tuple[float, float]:
        """Whole-number bounds of the objective: LP bounds rounded inward."""
        memo = tuple(sorted(objective.items()))
        if memo in self._intervals:
            return self._intervals[memo]
        lo = self._optimise(objective, highspy.ObjSense.kMinimize)
        hi = self._optimise(objective, highspy.ObjSense.kMaximize)
        lo = lo if lo == -math.inf else math.ceil(lo - EPS)
        hi = hi if hi == math.inf else math.floor(hi + EPS)
        self._intervals[memo] = (lo, hi)
        return lo, hi

    def binding(self, objective: Mapping[Key, float]) -> list[str]:
        """The constraints that bind at the objective's bounds (nonzero duals): the
        published figures and relations that pin it, most binding first."""
        labels: list[str] = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            self._optimise(objective, sense)
            if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                continue
            duals = np.abs(np.asarray(self.highs.getSolution().row_dual))
            order = np.argsort(-duals)
            labels += [self.rows[i].label for i in order[: int((duals > 1e-7).sum())]]
        return list(dict.fromkeys(labels))


# --- The attack ---------------------------------------------------------------------------


@dataclass
class Finding:
    kind: str  # too_narrow, attribute, quantile, small_group, n_leak
    key: Key
    detail: str
    interval: tuple[float, float] | None = None

    def __str__(self) -> str:
        return f"[{self.kind}] {describe(self.key)}: {self.detail}"


@dataclass
class Earlier:
    """An earlier snapshot as the reader saw it, and its true values (the test's)."""

    label: str
    view: View
    truth: Truth


def carried_over(earlier: Earlier, variables: set[Key], truth: Truth) -> list[Row]:
    """Figures published earlier that still hold: every figure they involve has the same
    true value now as then."""
    rows = []
    for row in fact_rows(earlier.view, f"earlier {earlier.label}:"):
        keys = list(row.unknowns())
        if all(k in variables and k in truth and earlier.truth.get(k) == truth[k] for k in keys):
            rows.append(row)
    return rows


def attack(
    view: View,
    truth: Truth,
    *,
    label: str,
    earlier: Sequence[Earlier] = (),
    k: int | None = None,
    p: int | None = None,
    quantiles: int | None = None,
    roadmap: Mapping[tuple[str, str], frozenset[str]] | None = None,
) -> list[Finding]:
    """Every rule the published ``view`` breaks, as findings (empty when it holds). With
    ``roadmap`` (each goal's or dimension's actions), the reader also uses the roadmap's
    structure: see :func:`roadmap_rows`."""
    k = min_group() if k is None else k
    p = protection_level() if p is None else p
    quantiles = min_group_quantiles() if quantiles is None else quantiles
    structure = structure_rows(view, k) + (roadmap_rows(view, roadmap) if roadmap else [])
    rows = [*structure, *fact_rows(view, f"{label}:")]
    variables = {key for row in rows for key in row.unknowns()}
    truth = dict(truth)
    listed = listed_bundles(view)
    for key in variables:  # small countries: the true remainder = region - its listed countries
        if key[2] == "country_rest" and key not in truth:
            region = key[3]
            value = truth.get((*key[:2], "region", region, key[4]), 0)
            for kind, code in listed:
                if kind == "country" and COUNTRY_REGION.get(code.upper(), "outside") == region:
                    value -= truth.get((*key[:2], kind, code, key[4]), 0)
            truth[key] = value
    earlier_rows = [row for before in earlier for row in carried_over(before, variables, truth)]
    rows.extend(earlier_rows)
    solver = Solver(rows)
    solver.check_truth(truth)
    findings: list[Finding] = []
    # What earlier periods alone tell (their unchanged figures and the structure, nothing of
    # this period): a figure they narrow down as far is not this period's disclosure, as
    # nothing this period could withhold would widen it (lead decision, issue 13).
    floor = Solver([*structure, *earlier_rows]) if earlier_rows else None

    def unavoidable(objective: dict[Key, float], width: float) -> bool:
        """Earlier periods alone pin the figure (or its complement) as narrowly."""
        if floor is None or not all(key in floor.index for key in objective):
            return False
        lo, hi = floor.interval(objective)
        return hi - lo <= width

    def check(target: Key, objective: dict[Key, float], what: str, group: int) -> None:
        need = min(p, group)
        if solver.wide_enough(objective, need):
            return
        lo, hi = solver.interval(objective)
        true = sum(coef * truth[key] for key, coef in objective.items())
        if not lo <= true <= hi:
            raise AttackerError(f"{what} of {describe(target)}: true {true} outside [{lo}, {hi}]")
        if hi - lo < need and not unavoidable(objective, hi - lo):
            pinned = "; ".join(solver.binding(objective)[:12]) or "bounds only"
            findings.append(
                Finding(
                    "too_narrow",
                    target,
                    f"withheld, but a reader infers {lo} <= {what} <= {hi} (width {hi - lo} < "
                    f"min(p={p}, N={group}) = {need}; true {true}). Pinned by: {pinned}",
                    (lo, hi),
                )
            )

    # A withheld figure whose own key an earlier published snapshot showed with the same true
    # value is public already: its own width is not a new disclosure (lead decision, 20:06),
    # but what it lets a reader work out anew (its complement, every other cell) still is.
    known = {
        key
        for before in earlier
        for key, shown in before.view.items()
        if not shown.withheld and is_count(key) and before.truth.get(key) == truth.get(key)
    }
    for key, shown in sorted(view.items()):
        if not shown.withheld or not is_count(key):
            continue
        total = population_key(bundle_of(key))
        group = truth[total]
        if key == total:
            if key not in known:
                check(key, {key: 1.0}, "N", group)
        else:
            if key not in known:
                check(key, {key: 1.0}, "x", group)
            check(key, {total: 1.0, key: -1.0}, "N - x", group)

    for key, shown in sorted(view.items()):
        if shown.withheld:
            continue
        findings.extend(_published_findings(key, shown, view, truth, solver, k, quantiles))
    return findings


def _published_findings(
    key: Key, shown: Shown, view: View, truth: Truth, solver: Solver, k: int, quantiles: int
) -> list[Finding]:
    found = []
    named = named_by_n(key)
    # A count comes from its whole group; a quartile, median or total from those it names.
    origin = truth[population_key(bundle_of(key))] if is_count(key) else truth[named]
    if origin < k:
        found.append(
            Finding("small_group", key, f"published from {origin} organisations (< k={k})")
        )
    if is_quantile(key):
        n = shown.n if shown.n is not None else origin
        if min(n, origin) < quantiles:
            found.append(
                Finding(
                    "quantile",
                    key,
                    f"a quartile or median published from {min(n, origin)} organisations "
                    f"(< {quantiles})",
                )
            )
    if shown.n is not None and named != key and named in view and view[named].withheld:
        found.append(
            Finding(
                "n_leak",
                key,
                f"published with n = {shown.n}, which states {describe(named)}, a withheld figure",
            )
        )
    if is_count(key) and key[4] not in PARTICIPATION and shown.value is not None:
        x = shown.value
        total = population_key(bundle_of(key))
        if view.get(total) is not None and not view[total].withheld:
            n = view[total].value
            if x < 2 or x > n - 2:
                found.append(
                    Finding("attribute", key, f"published count {_fmt(x)} of a group of {_fmt(n)}")
                )
        else:
            _lo, hi = solver.interval({total: 1.0})
            if x < 2 or hi - x < 2:
                found.append(
                    Finding(
                        "attribute",
                        key,
                        f"published count {_fmt(x)}; its group (withheld) is at most {hi}",
                    )
                )
    return found


def explain(findings: Sequence[Finding], *, limit: int = 15) -> str:
    """The findings, for an assertion message: how many of each kind, then the first ones."""
    kinds: dict[str, int] = defaultdict(int)
    for finding in findings:
        kinds[finding.kind] += 1
    head = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    lines = [f"{len(findings)} findings ({head}):"]
    lines += [f"  {finding}" for finding in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"  … and {len(findings) - limit} more")
    return "\n".join(lines)


# --- The test data: a population, its database rows and its true figures --------------------

GROUPS = ("patient-organisations", "industry", "hta-bodies")
LEVELS = ("national", "european", "local")
# The roadmap of the test edition: one end goal, two intermediate goals of two actions each,
# two dimensions across them.
GOALS = {"IG1.1": ("A1.1.1", "A1.1.2"), "IG1.2": ("A1.2.1", "A1.2.2")}
DIMENSIONS = {"culture": ("A1.1.1", "A1.2.1"), "processes": ("A1.1.2", "A1.2.2")}
ACTIONS = tuple(a for actions in GOALS.values() for a in actions)
END_GOAL = "EG1"
METRIC = "patients-involved"
BARRIER = "lack-of-resources"
PERIODS = ("2026-Q1", "2026-Q2")
IN_PERIOD = (dt.date(2026, 2, 10), dt.date(2026, 5, 10))
BEFORE_PERIODS = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
IMPLEMENTING = ("implemented", "embedded")
RATED_DIMENSION = "culture"


def subjects() -> dict[tuple[str, str], frozenset[str]]:
    """Each adoption subject of the test edition and its actions."""
    found = {("action", a): frozenset([a]) for a in ACTIONS}
    found.update({("intermediate_goal", ig): frozenset(a) for ig, a in GOALS.items()})
    found[("end_goal", END_GOAL)] = frozenset(ACTIONS)
    found.update({("dimension", d): frozenset(a) for d, a in DIMENSIONS.items()})
    return found


@dataclass(frozen=True)
class Org:
    """One organisation of the test population and what it reported in each period.

    ``adoptions[i]`` is the state of its adoptions at the end of period ``i`` (action code
    → (status, percent)); an organisation that ``joins`` is verified during the second
    period only."""

    group: str
    country: str
    level: str
    adoptions: tuple[Mapping[str, tuple[str, int]], Mapping[str, tuple[str, int]]]
    barrier: tuple[bool, bool] = (False, False)
    metric: tuple[bool, bool] = (False, False)
    joins: bool = False
    # Its maturity level (EG1 and the culture dimension), assessed in its first period.
    maturity: int | None = None

    def counts_in(self, period: int) -> bool:
        return period == 1 or not self.joins

    def reports_in(self, period: int) -> bool:
        """Barriers and metric values hang on a progress entry of the period."""
        return bool(self.adoptions[period])

    def bundles(self) -> list[Bundle]:
        return [
            EVERYONE,
            ("stakeholder_group", self.group),
            ("region", COUNTRY_REGION.get(self.country, "outside")),
            ("country", self.country),
            ("level", self.level),
        ]


def true_figures(
    orgs: Sequence[Org], period: int, *, metrics: Iterable[str], barriers: Iterable[str]
) -> dict[Key, int]:
    """Every count of the period as the test made it: computed here from the population,
    not read from the portal."""
    members = [o for o in orgs if o.counts_in(period)]
    bundles = sorted({b for o in members for b in o.bundles()})
    measures = ["adopting", "implementing", *(f"status_{s}" for s in STATUSES)]
    truth: dict[Key, int] = {}
    for bundle in bundles:
        truth[population_key(bundle)] = 0
        for subject, code in subjects():
            for measure in measures:
                truth[(subject, code, *bundle, measure)] = 0
        for slug in metrics:
            truth[("metric", slug, *bundle, "reporting")] = 0
        for slug in barriers:
            truth[("barrier", slug, *bundle, "reporting")] = 0
        truth[("maturity_goal", END_GOAL, *bundle, RATED)] = 0
        for slug in DIMENSIONS:
            truth[("maturity_dimension", slug, *bundle, RATED)] = 0
    for org in members:
        state = org.adoptions[period]
        for bundle in org.bundles():
            truth[population_key(bundle)] += 1
            for (subject, code), actions in subjects().items():
                statuses = {state[a][0] for a in actions if a in state}
                base = (subject, code, *bundle)
                truth[(*base, "adopting")] += bool(statuses - {DISCONTINUED})
                truth[(*base, "implementing")] += bool(statuses & set(IMPLEMENTING))
                for status in statuses:
                    truth[(*base, f"status_{status}")] += 1
            if org.metric[period] and org.reports_in(period):
                truth[("metric", METRIC, *bundle, "reporting")] += 1
            if org.barrier[period] and org.reports_in(period):
                truth[("barrier", BARRIER, *bundle, "reporting")] += 1
            if org.maturity is not None:
                truth[("maturity_goal", END_GOAL, *bundle, RATED)] += 1
                truth[("maturity_dimension", RATED_DIMENSION, *bundle, RATED)] += 1
    return truth


def build_edition() -> None:
    """The test edition (published) and what the population refers to."""
    edition = EditionFactory(published=True, version_label="attack")
    dimensions = {slug: DimensionFactory(slug=slug) for slug in DIMENSIONS}
    group = StakeholderGroupFactory(slug=GROUPS[0])
    for slug in GROUPS[1:]:
        StakeholderGroupFactory(slug=slug)
    end_goal = EndGoalFactory(edition=edition, code=END_GOAL)
    for ig_code, actions in GOALS.items():
        goal = IntermediateGoalFactory(end_goal=end_goal, code=ig_code)
        for code in actions:
            dimension = next(d for d, a in DIMENSIONS.items() if code in a)
            ActionFactory(
                intermediate_goal=goal,
                code=code,
                dimension=dimensions[dimension],
                stakeholder_groups=[group],
            )
    BarrierCategoryFactory(slug=BARRIER)


def build_population(orgs: Sequence[Org]) -> list[Organisation]:
    """The organisations and their dated reports, in bulk. Organisations that join stay
    pending until :func:`verify_joiners`."""
    groups = {g.slug: g for g in StakeholderGroup.objects.filter(slug__in=GROUPS)}
    actions = {
        a.code: a for a in Action.objects.filter(code__in=ACTIONS, edition__version_label="attack")
    }
    created = [
        OrganisationFactory(
            country=o.country,
            level=o.level,
            stakeholder_group=groups[o.group],
            status=Organisation.Status.PENDING if o.joins else Organisation.Status.VERIFIED,
            decided_at=None if o.joins else BEFORE_PERIODS,
        )
        for o in orgs
    ]
    adoptions = Adoption.objects.bulk_create(
        Adoption(organisation=row, action=actions[code])
        for o, row in zip(orgs, created, strict=True)
        for code in sorted({*o.adoptions[0], *o.adoptions[1]})
    )
    by_pair = {(a.organisation_id, a.action.code): a for a in adoptions}
    entries = ProgressEntry.objects.bulk_create(
        ProgressEntry(
            adoption=by_pair[(row.pk, code)],
            organisation=row,
            entry_date=IN_PERIOD[period],
            status_to=status,
            percent_complete=percent,
            narrative="Attacker test.",
        )
        for o, row in zip(orgs, created, strict=True)
        for period in (0, 1)
        for code, (status, percent) in sorted(o.adoptions[period].items())
    )
    first: dict[tuple[int, int], ProgressEntry] = {}
    for entry in entries:
        period = IN_PERIOD.index(entry.entry_date)
        first.setdefault((entry.adoption.organisation_id, period), entry)
    category = BarrierCategory.objects.get(slug=BARRIER)
    metric = Metric.objects.get(slug=METRIC)
    reports, values = [], []
    for o, row in zip(orgs, created, strict=True):
        for period in (0, 1):
            entry = first.get((row.pk, period))
            if entry is None:
                continue
            if o.barrier[period]:
                reports.append(BarrierReport(entry=entry, category=category))
            if o.metric[period]:
                values.append(MetricValue(entry=entry, metric=metric, value=Decimal(10 + period)))
    BarrierReport.objects.bulk_create(reports)
    MetricValue.objects.bulk_create(values)
    rated = [(o, row) for o, row in zip(orgs, created, strict=True) if o.maturity is not None]
    assessments = MaturityAssessment.objects.bulk_create(
        MaturityAssessment(organisation=row, assessed_on=IN_PERIOD[int(o.joins)])
        for o, row in rated
    )
    end_goal = EndGoal.objects.get(code=END_GOAL, edition__version_label="attack")
    dimension = Dimension.objects.get(slug=RATED_DIMENSION)
    MaturityRating.objects.bulk_create(
        MaturityRating(assessment=assessment, level=o.maturity, **subject)
        for (o, _row), assessment in zip(rated, assessments, strict=True)
        for subject in ({"end_goal": end_goal}, {"dimension": dimension})
    )
    return created


def verify_joiners(orgs: Sequence[Org], created: Sequence[Organisation]) -> None:
    """The organisations that join are verified during the second period."""
    joiners = [row.pk for o, row in zip(orgs, created, strict=True) if o.joins]
    Organisation.objects.filter(pk__in=joiners).update(
        status=Organisation.Status.VERIFIED,
        decided_at=dt.datetime.combine(IN_PERIOD[1], dt.time(12), tzinfo=dt.UTC),
    )


# --- A whole attack: two periods compiled, read and attacked --------------------------------


def compile_period(label: str) -> BenchmarkSnapshot:
    """The period's snapshot, compiled and then published or held back, as the portal
    does (its audit decides; readers see published snapshots only)."""
    return snapshot_compile_and_publish(period=period_get_or_create(label))


def reader_view(client: Any, snapshot: BenchmarkSnapshot) -> tuple[View, bool]:
    """What a reader sees of the snapshot, and whether it is public. A snapshot the API does
    not show (held back by the portal's own audit) is attacked all the same, from the rows
    it would publish: what the gate lets through must be safe, and what it holds back
    shows the protection failed."""
    view = read_api(client, snapshot.period.label)
    if view is not None:
        return view, True
    return read_database(snapshot), False


def attack_population(
    client: Any, orgs: Sequence[Org], *, views: dict[str, View] | None = None
) -> dict[str, list[Finding]]:
    """Build the population, compile both periods in turn (the joiners verified in between)
    and attack each as a reader who has every public snapshot so far and knows the test
    edition's roadmap (:func:`roadmap_rows`). ``views``, if given, receives what the reader
    saw of each period."""
    created = build_population(orgs)
    metrics = list(Metric.objects.values_list("slug", flat=True))
    barriers = list(BarrierCategory.objects.values_list("slug", flat=True))
    results: dict[str, list[Finding]] = {}
    earlier: list[Earlier] = []
    for period, label in enumerate(PERIODS):
        if period == 1:
            verify_joiners(orgs, created)
        snapshot = compile_period(label)
        view, public = reader_view(client, snapshot)
        if views is not None:
            views[label] = view
        truth = true_figures(orgs, period, metrics=metrics, barriers=barriers)
        results[label] = attack(view, truth, label=label, earlier=earlier, roadmap=subjects())
        if public:
            earlier.append(Earlier(label, view, truth))
    return results


def explain_all(results: Mapping[str, Sequence[Finding]]) -> str:
    return "\n".join(f"{label}: {explain(found)}" for label, found in results.items() if found)
