"""An independent attacker against the published benchmark (issue 13, item 6).

The attacker (``tests/benchmarking/attacker.py``) shares no code and no equation with the
protection it attacks: it builds its own constraints from the test data and what is
published, solves them with HiGHS, and reports every withheld count it can pin to an
interval narrower than the protection level, and every published figure that breaks the
attribute rules. Populations are generated (hypothesis): a big country and small ones
(1-3 organisations) in each region, three stakeholder groups and levels, four actions with
statuses (and their goals and dimensions), a barrier category, a metric and maturity
ratings, over two periods where most organisations report the same and a few change or
join. Each period is compiled and goes through the portal's publication gate; the reader
knows every snapshot published before. Fixed examples reproduce the cases the issue names.

Run: ``.venv/bin/python -m pytest -p no:xdist tests/benchmarking/test_attacker.py`` (add
``DATABASE_URL=postgres://…`` for PostgreSQL). A failure lists the findings: the cell, the
interval a reader infers, and the published figures and relations that pin it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from apps.roadmap.cache import forget_served

from .attacker import (
    ACTIONS,
    EVERYONE,
    GROUPS,
    LEVELS,
    PERIODS,
    AttackerError,
    Earlier,
    Finding,
    Org,
    Shown,
    View,
    attack,
    attack_population,
    build_edition,
    explain,
    explain_all,
    population_key,
    subjects,
)

pytestmark = pytest.mark.django_db

# Region → (its big country, its small ones).
REGIONS = {
    "western": ("BE", ("LU", "NL")),
    "cee": ("PL", ("HR", "SK", "CZ")),
    "northern": ("SE", ("DK", "FI")),
}
STATUS_CHOICES = ("in_progress", "in_progress", "planned", "implemented", "embedded", "paused")
STATUS_CHOICES += ("discontinued",)
PERCENTS = (0, 20, 50, 80, 100)


@pytest.fixture
def edition(db) -> None:
    build_edition()


@pytest.fixture
def fresh() -> Callable[[], AbstractContextManager[None]]:
    """Each example in its own savepoint, rolled back, with an empty cache (cached pages
    and the snapshot index would otherwise outlive the rows they describe)."""

    class Fresh:
        def __enter__(self) -> None:
            cache.clear()
            forget_served()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc: Any) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(*exc)
            cache.clear()
            forget_served()

    return Fresh


def org(
    country: str,
    adopts: dict[str, tuple[str, int]] | None = None,
    *,
    group: str = GROUPS[0],
    level: str = LEVELS[0],
    later: dict[str, tuple[str, int]] | None = None,
    barrier: bool = False,
    joins: bool = False,
) -> Org:
    """One organisation; ``later`` is its state in the second period (default: the same)."""
    adopts = adopts or {}
    state = adopts if later is None else later
    return Org(
        group=group,
        country=country,
        level=level,
        adoptions=({} if joins else adopts, state),
        barrier=(barrier and not joins, barrier),
        joins=joins,
    )


# --- Generated populations --------------------------------------------------------------------

state = st.tuples(st.integers(0, 9), st.sampled_from(STATUS_CHOICES), st.sampled_from(PERCENTS))
# An organisation's draw: group, level, one (roll, status, percent) per action, two rolls
# (barrier, metric) and its maturity level if it has one.
draw_org = st.tuples(
    st.sampled_from(GROUPS),
    st.sampled_from(LEVELS),
    st.tuples(*[state for _ in ACTIONS]),
    st.integers(0, 9),
    st.integers(0, 9),
    st.one_of(st.none(), st.integers(1, 4)),
)


def _adoptions(rolls: tuple, popularity: dict[str, int]) -> dict[str, tuple[str, int]]:
    return {
        action: (status, percent)
        for action, (roll, status, percent) in zip(ACTIONS, rolls, strict=True)
        if roll < popularity[action]
    }


@st.composite
def populations(draw: Any) -> list[Org]:
    countries = []
    for region, (big, small) in REGIONS.items():
        if region == "northern" and not draw(st.booleans()):
            continue
        countries += [big] * draw(st.integers(5, 9))
        for country in draw(st.lists(st.sampled_from(small), min_size=1, max_size=2, unique=True)):
            countries += [country] * draw(st.integers(1, 3))
    # How likely each action is adopted: 0 (nobody) to 10 (everyone).
    popularity = {a: draw(st.integers(0, 10)) for a in ACTIONS}
    barrier_rate, metric_rate = draw(st.integers(0, 10)), draw(st.integers(0, 10))
    orgs = []
    for country in countries:
        group, level, rolls, barrier, metric, maturity = draw(draw_org)
        adoptions = _adoptions(rolls, popularity)
        has = (barrier < barrier_rate, metric < metric_rate)
        orgs.append(
            Org(
                group,
                country,
                level,
                (adoptions, adoptions),
                (has[0], has[0]),
                (has[1], has[1]),
                maturity=maturity,
            )
        )
    # A few change in the second period: new statuses, new or dropped (discontinued) actions.
    for i in draw(st.sets(st.integers(0, len(orgs) - 1), max_size=3)):
        before = orgs[i]
        _group, _level, rolls, barrier, metric, _maturity = draw(draw_org)
        now = dict(_adoptions(rolls, popularity))
        for action, (_status, percent) in before.adoptions[0].items():
            now.setdefault(action, ("discontinued", percent))
        orgs[i] = Org(
            before.group,
            before.country,
            before.level,
            (before.adoptions[0], now),
            (before.barrier[0], barrier < barrier_rate),
            (before.metric[0], metric < metric_rate),
            maturity=before.maturity,
        )
    # A few join in the second period, in any country already there.
    for country in draw(st.lists(st.sampled_from(sorted(set(countries))), max_size=2)):
        group, level, rolls, barrier, metric, maturity = draw(draw_org)
        adoptions = _adoptions(rolls, popularity)
        orgs.append(
            Org(
                group,
                country,
                level,
                ({}, adoptions),
                (False, barrier < barrier_rate),
                (False, metric < metric_rate),
                joins=True,
                maturity=maturity,
            )
        )
    return orgs


def _layout(orgs: list[Org]) -> str:
    """The population in a line per organisation, for the report of a failing example."""
    return "\n".join(
        f"{i}: {o.country} {o.group} {o.level} Q1={dict(o.adoptions[0])} "
        f"Q2={dict(o.adoptions[1])} barrier={o.barrier} metric={o.metric} "
        f"maturity={o.maturity}{' joins in Q2' if o.joins else ''}"
        for i, o in enumerate(orgs)
    )


# An example takes a few seconds (two compiles and two attacks): no shrinking, which would
# take many minutes; a failure prints its population and the attacker's findings instead.
@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(orgs=populations())
def test_no_withheld_figure_can_be_pinned_and_no_published_one_discloses(
    orgs: list[Org], edition: None, client: Any, fresh: Any
) -> None:
    note(_layout(orgs))
    with fresh():
        results = attack_population(client, orgs)
    assert not any(results.values()), explain_all(results)


# --- The cases of the issue -------------------------------------------------------------------

ADOPTS = {"A1.1.1": ("in_progress", 50)}


def _mixed(country: str, size: int, adopting: int, **kwargs: Any) -> list[Org]:
    """``size`` organisations of ``country`` across the groups and levels, the first
    ``adopting`` of them adopting A1.1.1."""
    return [
        org(
            country,
            ADOPTS if i < adopting else {},
            group=GROUPS[i % 2],
            level=LEVELS[i % 2],
            **kwargs,
        )
        for i in range(size)
    ]


def _key(measure: str, breakdown: str, value: str, code: str = "A1.1.1") -> tuple:
    subject = "population" if measure == "organisations" else "action"
    return (subject, "" if subject == "population" else code, breakdown, value, measure)


def _about(findings: list[Finding], *keys: tuple) -> list[Finding]:
    return [f for f in findings if f.key in keys]


def _published(view: View, *keys: tuple) -> list[float | None]:
    """The published values of ``keys`` (None when withheld): the figures that keep a
    fixed example meaningful, whatever else the protection withholds."""
    return [None if view[key].withheld else view[key].value for key in keys]


def test_small_countries_are_not_pinned_to_all_of_them_by_their_siblings(
    edition: None, client: Any
) -> None:
    """2026-Q2, A2.1.3: the published countries of the region fell short of the region by
    exactly as many organisations as adopt there, so every Croatian and Slovak organisation
    provably adopted it."""
    orgs = [
        *_mixed("BE", 10, 6),
        *_mixed("PL", 8, 5),
        *_mixed("CZ", 6, 3),
        *_mixed("HR", 2, 2),
        *_mixed("SK", 2, 2),
    ]
    views: dict[str, View] = {}
    results = attack_population(client, orgs, views=views)
    everyone = (population_key(EVERYONE), _key("adopting", *EVERYONE))
    assert _published(views[PERIODS[0]], *everyone) == [28, 18]
    croatia = _key("adopting", "country", "HR")
    slovakia = _key("adopting", "country", "SK")
    assert _about(results[PERIODS[0]], croatia, slovakia) == [], explain(results[PERIODS[0]])
    assert not any(results.values()), explain_all(results)


def test_a_withheld_population_does_not_show_as_the_n_of_another_figure(
    edition: None, client: Any
) -> None:
    """A population withheld to protect a small sibling must not be published all the same
    as the ``n`` of the bundle's other figures (coverage quartiles, maturity, metrics)."""
    orgs = [*_mixed("BE", 10, 5), *_mixed("NL", 5, 3), *_mixed("LU", 1, 1), *_mixed("PL", 8, 4)]
    views: dict[str, View] = {}
    results = attack_population(client, orgs, views=views)
    assert _published(views[PERIODS[0]], population_key(EVERYONE)) == [24]
    luxembourg = population_key(("country", "LU"))
    found = results[PERIODS[0]]
    assert [f for f in found if f.key == luxembourg or f.kind == "n_leak"] == [], explain(found)
    assert not any(results.values()), explain_all(results)


def test_a_population_published_last_quarter_does_not_reveal_this_quarters(
    edition: None, client: Any
) -> None:
    """Czechia's population is published in Q1; in Q2 one Croatian organisation joins and
    Czechia's population (unchanged) is withheld to protect it: last quarter's figure must
    not give Croatia away."""
    orgs = [
        *_mixed("BE", 8, 4),
        *_mixed("PL", 6, 3),
        *_mixed("CZ", 5, 3),
        org("HR", ADOPTS, joins=True),
    ]
    views: dict[str, View] = {}
    results = attack_population(client, orgs, views=views)
    # (In Q2 even the total may be withheld: with Belgium, Poland and Czechia known from Q1,
    # it alone would give the newcomer away.)
    assert _published(views[PERIODS[0]], population_key(EVERYONE)) == [19]
    croatia = population_key(("country", "HR"))
    found = results[PERIODS[1]]
    assert _about(found, croatia) == [], explain(found)
    assert not any(results.values()), explain_all(results)


def test_no_count_of_none_one_all_but_one_or_all_and_no_quartiles_from_five(
    edition: None, client: Any
) -> None:
    """Five organisations: all adopt A1.1.1, one adopts A1.1.2, four report a barrier. A
    member who knows its own answer must not learn the others' from "5 of 5", "1 of 5" or
    "4 of 5"; quartiles from five organisations are three organisations' own values."""
    orgs = [
        org(
            "BE",
            {"A1.1.1": ("in_progress", 10 * i), **({"A1.1.2": ("planned", 0)} if i == 0 else {})},
            barrier=i < 4,
        )
        for i in range(5)
    ]
    results = attack_population(client, orgs)
    found = results[PERIODS[0]]
    kinds = {(f.kind, f.key[4]) for f in found}
    assert not kinds & {("attribute", "adopting"), ("attribute", "reporting")}, explain(found)
    assert not [f for f in found if f.kind == "quantile"], explain(found)
    assert not any(results.values()), explain_all(results)


# A population hypothesis found (on the engine of commit a457d76): one organisation changes
# in Q2 and two join; Q2 withholds figures that Q1 published with the same true value (EG1
# adopting, everyone = 16). Those are public since Q1 (not a new disclosure), but their
# complements and everything they help pin must still be protected.
# (country, group, level, Q1 adoptions, Q2 adoptions, barrier, metric, maturity, joins)
FOUND_BY_HYPOTHESIS = [
    (
        "BE",
        "patient-organisations",
        "national",
        {"A1.2.1": ("planned", 80)},
        {"A1.2.1": ("planned", 80)},
        (True, True),
        (True, True),
        4,
        False,
    ),
    ("BE", "industry", "european", {}, {}, (True, True), (True, True), None, False),
    (
        "BE",
        "hta-bodies",
        "european",
        {"A1.2.1": ("in_progress", 20)},
        {"A1.2.1": ("in_progress", 20)},
        (False, False),
        (True, True),
        None,
        False,
    ),
    ("BE", "patient-organisations", "european", {}, {}, (True, True), (True, True), 1, False),
    (
        "BE",
        "hta-bodies",
        "local",
        {"A1.2.2": ("paused", 0)},
        {"A1.2.2": ("paused", 0)},
        (False, False),
        (True, True),
        None,
        False,
    ),
    (
        "BE",
        "hta-bodies",
        "national",
        {"A1.2.2": ("in_progress", 0)},
        {"A1.2.1": ("implemented", 50), "A1.2.2": ("planned", 50)},
        (True, True),
        (True, True),
        None,
        False,
    ),
    (
        "LU",
        "industry",
        "national",
        {"A1.2.1": ("embedded", 50)},
        {"A1.2.1": ("in_progress", 20)},
        (True, True),
        (True, True),
        1,
        False,
    ),
    (
        "LU",
        "industry",
        "local",
        {"A1.2.1": ("discontinued", 50)},
        {"A1.2.1": ("discontinued", 50)},
        (True, True),
        (True, True),
        None,
        False,
    ),
    ("LU", "industry", "local", {}, {}, (False, False), (True, True), None, False),
    ("PL", "patient-organisations", "national", {}, {}, (True, True), (False, False), None, False),
    (
        "PL",
        "patient-organisations",
        "national",
        {"A1.2.1": ("planned", 0)},
        {"A1.2.1": ("planned", 0)},
        (True, True),
        (True, True),
        None,
        False,
    ),
    ("PL", "patient-organisations", "european", {}, {}, (True, True), (False, False), 1, False),
    (
        "PL",
        "patient-organisations",
        "local",
        {"A1.2.2": ("planned", 50)},
        {"A1.2.2": ("planned", 50)},
        (True, True),
        (True, True),
        None,
        False,
    ),
    ("PL", "industry", "national", {}, {}, (True, True), (True, True), None, False),
    (
        "PL",
        "industry",
        "local",
        {"A1.2.1": ("implemented", 50)},
        {"A1.2.1": ("implemented", 50)},
        (True, True),
        (True, True),
        4,
        False,
    ),
    (
        "SK",
        "industry",
        "national",
        {"A1.2.1": ("in_progress", 100)},
        {"A1.2.1": ("in_progress", 100)},
        (True, True),
        (True, True),
        None,
        False,
    ),
    (
        "SK",
        "industry",
        "local",
        {"A1.2.1": ("implemented", 100), "A1.2.2": ("in_progress", 80)},
        {"A1.2.1": ("implemented", 100), "A1.2.2": ("in_progress", 80)},
        (False, False),
        (True, True),
        2,
        False,
    ),
    (
        "SK",
        "patient-organisations",
        "european",
        {"A1.2.1": ("planned", 0), "A1.2.2": ("paused", 50)},
        {"A1.2.1": ("planned", 0), "A1.2.2": ("paused", 50)},
        (True, True),
        (True, True),
        None,
        False,
    ),
    (
        "SE",
        "patient-organisations",
        "local",
        {"A1.2.1": ("embedded", 0), "A1.2.2": ("in_progress", 0)},
        {"A1.2.1": ("embedded", 0), "A1.2.2": ("in_progress", 0)},
        (True, True),
        (True, True),
        None,
        False,
    ),
    ("SE", "industry", "national", {}, {}, (False, False), (True, True), None, False),
    ("SE", "hta-bodies", "national", {}, {}, (False, False), (True, True), 3, False),
    ("SE", "industry", "european", {}, {}, (False, False), (True, True), 1, False),
    (
        "SE",
        "industry",
        "local",
        {"A1.2.2": ("planned", 80)},
        {"A1.2.2": ("planned", 80)},
        (True, True),
        (True, True),
        None,
        False,
    ),
    (
        "DK",
        "hta-bodies",
        "european",
        {"A1.2.2": ("embedded", 0)},
        {"A1.2.2": ("discontinued", 0)},
        (False, True),
        (False, False),
        None,
        False,
    ),
    (
        "DK",
        "hta-bodies",
        "local",
        {"A1.2.2": ("in_progress", 50)},
        {"A1.2.2": ("in_progress", 50)},
        (True, True),
        (True, True),
        None,
        False,
    ),
    ("DK", "patient-organisations", "european", {}, {}, (False, False), (True, True), 4, False),
    (
        "FI",
        "hta-bodies",
        "european",
        {"A1.2.2": ("in_progress", 100)},
        {"A1.2.2": ("in_progress", 100)},
        (True, True),
        (True, True),
        1,
        False,
    ),
    ("FI", "patient-organisations", "european", {}, {}, (False, False), (True, True), None, False),
    ("DK", "industry", "national", {}, {}, (False, True), (False, True), 3, True),
    (
        "DK",
        "industry",
        "national",
        {},
        {"A1.2.1": ("planned", 100)},
        (False, True),
        (False, True),
        None,
        True,
    ),
]


def test_a_figure_published_last_quarter_is_not_pinned_by_it_this_quarter(
    edition: None, client: Any
) -> None:
    orgs = [
        Org(group, country, level, (q1, q2), barrier, metric, joins, maturity)
        for country, group, level, q1, q2, barrier, metric, maturity, joins in FOUND_BY_HYPOTHESIS
    ]
    results = attack_population(client, orgs)
    assert not any(results.values()), explain_all(results)


# --- The attacker itself, on views made by hand -----------------------------------------------


def _view(cells: dict[tuple, tuple[float | None, int | None, str]]) -> View:
    """``{key: (value, n, reason)}``; a value of None is a withheld cell."""
    return {
        key: Shown(value, n, value is None, reason) for key, (value, n, reason) in cells.items()
    }


def _croatia_view(*, withhold_warsaw: bool, western: int = 6) -> tuple[View, dict]:
    """Everyone = CEE (PL 16, HR 2, SK 2) + Western (BE 10), one action adopted by 11 in
    Poland, every Croatian and Slovak organisation, and ``western`` in Belgium."""
    pops = {EVERYONE: 30, ("region", "cee"): 20, ("region", "western"): 10}
    pops |= {("country", "PL"): 16, ("country", "HR"): 2, ("country", "SK"): 2}
    pops[("country", "BE")] = 10
    adopting = {EVERYONE: 15 + western, ("region", "cee"): 15, ("region", "western"): western}
    adopting |= {("country", "PL"): 11, ("country", "HR"): 2, ("country", "SK"): 2}
    adopting[("country", "BE")] = western
    small = {("country", "HR"), ("country", "SK")}
    if withhold_warsaw:
        small |= {("country", "PL")}
    cells: dict[tuple, tuple[float | None, int | None, str]] = {}
    truth: dict[tuple, int] = {}
    for bundle, n in pops.items():
        hidden = (None, None, "small_group" if n < 5 else "complementary")
        pop = population_key(bundle)
        count = ("action", "A1.1.1", *bundle, "adopting")
        cells[pop] = hidden if bundle in small else (n, n, "")
        cells[count] = hidden if bundle in small else (adopting[bundle], n, "")
        truth[pop], truth[count] = n, adopting[bundle]
    return _view(cells), truth


def test_the_attacker_pins_small_countries_from_their_published_siblings() -> None:
    view, truth = _croatia_view(withhold_warsaw=False)
    findings = attack(view, truth, label="hand", k=5, p=3, quantiles=10)
    pinned = {(f.key[3], f.key[4], f.interval) for f in findings if f.kind == "too_narrow"}
    # Adopting is pinned to the group: N - x lies in [0, 0] for both countries.
    assert ("HR", "adopting", (0, 0)) in pinned
    assert ("SK", "adopting", (0, 0)) in pinned
    text = explain(findings)
    assert "region cee = its countries" in text
    assert "hand: action A1.1.1 adopting [country=PL]" in text


def test_the_attacker_accepts_small_countries_hidden_among_enough_siblings() -> None:
    view, truth = _croatia_view(withhold_warsaw=True)
    assert attack(view, truth, label="hand", k=5, p=3, quantiles=10) == []


def test_the_attacker_checks_itself_against_the_truth() -> None:
    view, truth = _croatia_view(withhold_warsaw=True)
    truth[("action", "A1.1.1", "country", "HR", "adopting")] = 3  # more than the group
    with pytest.raises(AttackerError, match="is false for the true values"):
        attack(view, truth, label="hand", k=5, p=3, quantiles=10)


def test_the_attacker_flags_counts_of_all_and_quartiles_from_few() -> None:
    view, truth = _croatia_view(withhold_warsaw=True, western=10)
    median = ("action", "A1.1.1", "country", "BE", "median_percent")
    view[median] = Shown(50, 10, False)
    share = ("action", "A1.1.1", "region", "western", "share_adopting")
    view[share] = Shown(100.0, 10, False)
    findings = attack(view, truth, label="hand", k=5, p=3, quantiles=11)
    kinds = {(f.kind, f.key[3], f.key[4]) for f in findings}
    assert ("attribute", "western", "adopting") in kinds  # 10 of 10
    assert ("quantile", "BE", "median_percent") in kinds  # from 10 < 11
    assert {f.kind for f in findings} == {"attribute", "quantile"}, explain(findings)


def test_the_attacker_can_read_the_roadmap_structure_too() -> None:
    """Beyond the contract's reader: a goal's published count bounds its actions' withheld
    counts (an organisation adopting an action adopts its goal). The population tests
    above read it too (:func:`attack_population`); this shows what it adds on a view made
    by hand, and the next test that the protection closes it."""
    bundle = ("level", "local")
    pop = population_key(bundle)
    goal = ("intermediate_goal", "IG1.1", *bundle, "adopting")
    actions = [("action", a, *bundle, "adopting") for a in ("A1.1.1", "A1.1.2")]
    view = {
        pop: Shown(7, 7, False),
        goal: Shown(2, 7, False),
        **{key: Shown(None, None, True, "attribute") for key in actions},
    }
    truth = {pop: 7, goal: 2, actions[0]: 2, actions[1]: 0}
    rules = {"k": 5, "p": 3, "quantiles": 10}
    assert [f.kind for f in attack(view, truth, label="hand", **rules)] == []
    findings = attack(view, truth, label="hand", roadmap=subjects(), **rules)
    narrow = {(f.key[1], f.interval) for f in findings if f.kind == "too_narrow"}
    assert ("A1.1.2", (0, 2)) in narrow, explain(findings)
    assert "roadmap: action A1.1.2 adopting [level=local] <=" in explain(findings)


def test_a_goal_of_all_is_not_pinned_by_an_action_of_all_but_two(
    edition: None, client: Any
) -> None:
    """Regression (the roadmap's structure, at 1,000 organisations ~870 such intervals):
    every organisation adopts IG1.1, all but two of each country A1.1.1, the other two
    A1.1.2. The goal, N of N, is withheld (attribute); A1.1.1, N - 2, was published, and
    since an organisation adopting an action adopts its goal, it pinned the goal to
    [N - 2, N]. Now what pins it is withheld too, and the reader who knows the roadmap
    learns nothing."""
    adopts = {"A1.1.1": ("in_progress", 50)}
    others = {"A1.1.2": ("planned", 0)}
    orgs = [
        org(country, adopts if i < size - 2 else others, group=GROUPS[i % 2])
        for country, size in (("BE", 10), ("PL", 9), ("CZ", 8))
        for i in range(size)
    ]
    views: dict[str, View] = {}
    results = attack_population(client, orgs, views=views)
    view = views[PERIODS[0]]
    goal = ("intermediate_goal", "IG1.1", "country", "BE", "adopting")
    action = _key("adopting", "country", "BE")
    assert _published(view, population_key(("country", "BE")), goal) == [10, None]
    assert view[action].withheld  # 8 of 10: published on its own, it would pin the goal
    assert not any(results.values()), explain_all(results)


def test_a_figure_known_from_last_quarter_still_protects_its_complement() -> None:
    """5 of 7 adopt in Q1 (published); 5 of 6 in Q2, the count withheld. The 5 is public
    since Q1 and is not reported itself, but "one does not adopt" is new: it is."""
    pop, count = population_key(EVERYONE), ("action", "A1.1.1", *EVERYONE, "adopting")
    q1 = Earlier("Q1", {pop: Shown(7, 7, False), count: Shown(5, 7, False)}, {pop: 7, count: 5})
    view = {pop: Shown(6, 6, False), count: Shown(None, None, True, "attribute")}
    rules = {"k": 5, "p": 3, "quantiles": 10}
    assert attack(view, {pop: 6, count: 5}, label="Q2", **rules) == []
    findings = attack(view, {pop: 6, count: 5}, label="Q2", earlier=[q1], **rules)
    assert [(f.kind, f.interval) for f in findings] == [("too_narrow", (1, 1))], explain(findings)
    assert "N - x" in findings[0].detail
    assert "earlier Q1: action A1.1.1 adopting [everyone] = 5" in findings[0].detail
