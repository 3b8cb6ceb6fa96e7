"""The joint-commitment figure of a snapshot (apps/benchmarking/compile_partnerships.py):
the share of adoptions with a confirmed partner from another stakeholder group, by group and
region, computed in SQL the same on SQLite and PostgreSQL (run this module on both), and
never from fewer than k organisations on either side, nor by subtraction."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from apps.adoption.models import Partnership, PartnershipState
from apps.benchmarking import compile as compiling
from apps.benchmarking.anonymisation import Cell
from apps.benchmarking.compile import compile_snapshot
from apps.benchmarking.compile_partnerships import (
    CROSS_GROUP,
    MEASURE,
    Counts,
    earlier_figures,
    withhold_rests,
)
from apps.benchmarking.exports.aggregate import AggregateExporter
from apps.benchmarking.models import BenchmarkCell, Subject
from apps.benchmarking.periods import period_get_or_create
from apps.organisations.models import Organisation
from tests.adoption.factories import AdoptionFactory, ProgressEntryFactory
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import StakeholderGroupFactory

from .conftest import GROUPS, compile_protected, page_tables

pytestmark = pytest.mark.django_db
K = 5
IN_Q2 = dt.date(2026, 5, 10)
PATIENTS, HTA = GROUPS
ACCEPTED, DECLINED = PartnershipState.ACCEPTED, PartnershipState.DECLINED
PENDING, WITHDRAWN = PartnershipState.PENDING, PartnershipState.WITHDRAWN


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


MAY, JUNE, JULY = at(dt.date(2026, 5, 12)), at(dt.date(2026, 6, 1)), at(dt.date(2026, 7, 5))


def population(edition) -> list[Organisation]:
    """24 verified organisations, each adopting A1.1.1 and A1.1.2 (48 adoptions): even ones
    patient organisations, odd ones HTA bodies; the first 12 in Belgium, the rest in
    Poland. Partnerships on A1.1.1:

    - counted: 0-11 (Belgium) each with its neighbour of the other group (0 with two), 13
      with 12, and 19 with 20, withdrawn after the period's end: 6 patient organisations and
      8 HTA bodies, 12 in Belgium and 2 in Poland;
    - not counted: 12 with 14 (same group), 14 pending, 15 declined, 16 withdrawn before the
      end, 17 accepted after it, 18 withdrawn before an answer.
    """
    actions = {a.code: a for a in edition.actions.all()}
    orgs, adoptions = [], []
    for i in range(24):
        org = OrganisationFactory(
            verified=True,
            country="BE" if i < 12 else "PL",
            stakeholder_group=StakeholderGroupFactory(slug=GROUPS[i % 2]),
        )
        orgs.append(org)
        for code in ("A1.1.1", "A1.1.2"):
            adoption = AdoptionFactory(organisation=org, action=actions[code])
            ProgressEntryFactory(adoption=adoption, entry_date=IN_Q2, status_to="in_progress")
            if code == "A1.1.1":
                adoptions.append(adoption)

    def partner(i: int, j: int, state: str, answered=MAY, withdrawn=None) -> None:
        Partnership.objects.create(
            adoption=adoptions[i],
            partner=orgs[j],
            state=state,
            answered_at=answered,
            withdrawn_at=withdrawn,
        )

    for i in range(12):
        partner(i, i + 1 if i % 2 == 0 else i - 1, ACCEPTED)
    partner(0, 3, ACCEPTED)  # a second partner: the adoption counts once
    partner(13, 12, ACCEPTED)
    partner(19, 20, WITHDRAWN, withdrawn=JULY)  # withdrawn after the end: counts
    partner(12, 14, ACCEPTED)  # the same stakeholder group
    partner(14, 15, PENDING, answered=None)
    partner(15, 16, DECLINED)
    partner(16, 17, WITHDRAWN, withdrawn=JUNE)
    partner(17, 18, ACCEPTED, answered=JULY)
    partner(18, 19, WITHDRAWN, answered=None, withdrawn=MAY)
    return orgs


def figures(snapshot) -> dict[tuple[str, str], tuple[Decimal | None, str, int | None]]:
    cells = BenchmarkCell.objects.filter(snapshot=snapshot, subject_type=Subject.PARTNERSHIP)
    assert {(c.subject_code, c.measure) for c in cells} == {(CROSS_GROUP, MEASURE)}
    return {(c.breakdown, c.breakdown_value): (c.value, c.reason, c.n) for c in cells}


@pytest.fixture
def public_rules_off(monkeypatch):
    """The figure's own rules alone (the public ones are applied in the last test)."""
    monkeypatch.setattr(compiling, "anonymise", lambda cells, **_kwargs: cells)


def test_the_share_of_adoptions_with_a_partner_from_another_group(small_roadmap, public_rules_off):
    population(small_roadmap)
    found = figures(compile_snapshot(period=period_get_or_create("2026-Q2"), k=K))
    # 14 of 48 adoptions: same-group, pending, declined, withdrawn before the end and
    # accepted after it do not count; withdrawn after the end does.
    assert found[("all", "")] == (Decimal("29.2"), "", 24)
    assert found[("stakeholder_group", PATIENTS)] == (Decimal("25.0"), "", 12)  # 6 of 24
    assert found[("stakeholder_group", HTA)] == (Decimal("33.3"), "", 12)  # 8 of 24
    # Poland: 2 organisations with a partner (< k), withheld; Belgium (12 of 24) with it,
    # or everyone's less Belgium's would give Poland's. (Outside a small bundle every
    # withheld figure gives one reason: anonymisation.public_reason.)
    assert found[("region", "cee")] == (None, "complementary", 12)
    assert found[("region", "western")] == (None, "complementary", 12)


def test_nothing_is_published_below_k_on_either_side(small_roadmap, public_rules_off):
    population(small_roadmap)
    found = figures(compile_snapshot(period=period_get_or_create("2026-Q2"), k=13))
    # 14 organisations with a partner and 24 without for everyone: published; no group or
    # region has 13 with one.
    assert found[("all", "")][0] == Decimal("29.2")
    assert all(value is None for bundle, (value, *_r) in found.items() if bundle[0] != "all")


def test_rests_are_withheld_until_they_reach_k():
    def cell(breakdown: str, value: str) -> Cell:
        return Cell(Subject.PARTNERSHIP, CROSS_GROUP, breakdown, value, MEASURE, 10, 20.0)

    cells = [cell("all", ""), cell("stakeholder_group", "a"), cell("stakeholder_group", "b")]
    cells += [cell("stakeholder_group", "c")]
    cells[3].suppress("small_group")
    population = {("all", ""): 30, **{("stakeholder_group", g): 10 for g in "abc"}}
    counts = {
        ("all", ""): Counts(60, 20, 14, 30),
        ("stakeholder_group", "a"): Counts(20, 8, 6, 10),
        ("stakeholder_group", "b"): Counts(20, 9, 6, 10),
        ("stakeholder_group", "c"): Counts(20, 3, 2, 10),
    }
    withhold_rests(cells, counts, population, k=5)
    # c alone (2 with a partner) would be everyone less a and b: a goes too (the smaller
    # bundle first, then by name), and the rest a + c has 8 on each side.
    assert [c.suppressed for c in cells] == [False, True, False, True]
    # Everyone withheld, the groups known: nothing to subtract from.
    cells = [cell("all", ""), cell("stakeholder_group", "a"), cell("stakeholder_group", "b")]
    cells += [cell("stakeholder_group", "c")]
    cells[0].suppress("complementary")
    cells[3].suppress("small_group")
    withhold_rests(cells, counts, population, k=5)
    assert [c.suppressed for c in cells] == [True, False, False, True]


def test_a_figure_unchanged_since_an_earlier_period_counts_as_known():
    def cell(breakdown: str, value: str, suppressed: bool = False) -> Cell:
        found = Cell(Subject.PARTNERSHIP, CROSS_GROUP, breakdown, value, MEASURE, 10, 20.0)
        if suppressed:
            found.suppress("small_group")
        return found

    groups = [("stakeholder_group", "a"), ("stakeholder_group", "b")]
    regions = [("region", "north"), ("region", "south")]
    population = {("all", ""): 20, **dict.fromkeys(groups, 10), ("region", "north"): 8}
    population[("region", "south")] = 12
    counts = {
        ("all", ""): Counts(40, 10, 8, 20),
        groups[0]: Counts(20, 8, 6, 10),
        groups[1]: Counts(20, 2, 2, 10),
        regions[0]: Counts(16, 4, 3, 8),
        regions[1]: Counts(24, 6, 5, 12),
    }
    # a's figure is unchanged since it was published before: everyone's less a's gives b's,
    # and withholding a would protect nothing, so everyone's goes.
    earlier = {groups[0]: 20.0}
    cells = [cell("all", ""), cell(*groups[0]), cell(*groups[1], suppressed=True)]
    withhold_rests(cells, counts, population, k=5, earlier=earlier)
    assert [c.suppressed for c in cells] == [True, False, True]
    # With the regions, which add up to everyone, the smaller region goes too.
    cells = [cell("all", ""), cell(*groups[0]), cell(*groups[1], suppressed=True)]
    cells += [cell(*regions[0]), cell(*regions[1])]
    withhold_rests(cells, counts, population, k=5, earlier=earlier)
    assert [c.suppressed for c in cells] == [True, False, True, True, False]
    # Without the earlier figure, a goes instead (the rest a + b has 8 and 20).
    cells = [cell("all", ""), cell(*groups[0]), cell(*groups[1], suppressed=True)]
    withhold_rests(cells, counts, population, k=5)
    assert [c.suppressed for c in cells] == [False, True, True]


def test_on_the_public_rules_it_is_published_on_the_page_the_api_and_the_aggregate(
    small_roadmap, client
):
    population(small_roadmap)
    snapshot = compile_protected("2026-Q2")  # published: its audit found nothing
    found = figures(snapshot)
    assert found[("stakeholder_group", HTA)][0] == Decimal("33.3")
    assert found[("region", "cee")][0] is None
    # What the next period's compile takes as known (published, unchanged).
    assert earlier_figures(dt.date(2026, 7, 1))[("all", "")] == 29.2
    assert ("region", "cee") not in earlier_figures(dt.date(2026, 7, 1))

    tables = page_tables(client.get("/benchmarks/").content)
    by_group = tables["joint-commitments-by-group-caption"]
    assert by_group[0] == ["Adoptions", "Everyone", "Patients and POs", "HTA bodies"]
    assert by_group[1][1:] == ["29.2%", "25%", "33.3%"]
    by_region = tables["joint-commitments-by-region-caption"]
    assert by_region[1][1] == "29.2%"
    assert all(cell.startswith("—Suppressed") for cell in by_region[1][2:])
    csv = client.get("/benchmarks/2026-Q2/data/joint-commitments-by-group.csv")
    assert csv.status_code == 200
    assert "partnered_percent" in csv.content.decode("utf-8-sig").splitlines()[0]

    api = client.get("/api/v1/benchmarks/2026-Q2/", {"subject_type": Subject.PARTNERSHIP})
    cells = {(c["breakdown"], c["breakdown_value"]): c for c in api.json()["results"]}
    assert cells[("all", "")]["value"] == 29.2
    assert cells[("region", "cee")]["value"] is cells[("region", "cee")]["n"] is None

    workbook = load_workbook(io.BytesIO(AggregateExporter(snapshot).render("xlsx").content))
    rows = list(workbook["Joint commitments"].iter_rows(values_only=True))[1:]
    title = "Adoptions with a partner from another group"
    assert (rows[0][:3], rows[0][4]) == ((CROSS_GROUP, title, "all"), MEASURE)
    assert rows[0][5] == pytest.approx(0.292)  # a percentage, as a fraction
