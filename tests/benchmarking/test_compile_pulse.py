"""The attitude pulse's figures of a snapshot (apps/benchmarking/compile_pulse.py): the mean
answer and the share agreeing per statement, by group, region, country, level and role,
computed in SQL the same on SQLite and PostgreSQL (run this module on both), never from
fewer than k organisations or answers, never dominated by one organisation, never
unanimous, and never by subtraction; the counts of answering organisations go through the
public rules as a family of their own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.benchmarking import compile as compiling
from apps.benchmarking.anonymisation import Cell
from apps.benchmarking.compile import compile_snapshot
from apps.benchmarking.compile_pulse import AGREE, ANSWERING, MEAN, Answers, withhold_rests
from apps.benchmarking.models import BenchmarkCell, Subject
from apps.benchmarking.periods import period_get_or_create
from apps.benchmarking.protection import audit_snapshot
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from apps.pulse.models import PulseAnswer, PulseSubmission
from apps.roadmap.models import Edition, PulseStatement
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import PulseStatementFactory, StakeholderGroupFactory

from .conftest import GROUPS, compile_protected, page_tables

pytestmark = pytest.mark.django_db
K = 5
PATIENTS, HTA = GROUPS
# Organisations 0-11 are in Belgium, 12-23 in Poland. Ten Belgian (0-9) and eight Polish
# ones (12-19) answer PU-1, one person each, these values in this order; every third of
# them as a viewer (the first, the fourth…), the others as contributors.
ANSWERING_ORGS = [*range(10), *range(12, 20)]
VALUES = [5, 4, 4, 3, 2, 4, 5, 1, 4, 3, 4, 5, 2, 4, 3, 4, 4, 2]


def population() -> list[Organisation]:
    return [
        OrganisationFactory(
            verified=True,
            country="BE" if i < 12 else "PL",
            stakeholder_group=StakeholderGroupFactory(slug=GROUPS[i % 2]),
        )
        for i in range(24)
    ]


def answer(edition: Edition, org: Organisation, value: int, role: str, times: int = 1) -> None:
    statement = PulseStatement.objects.get(edition=edition, code="PU-1")
    for _ in range(times):
        submission = PulseSubmission.objects.create(
            organisation=org, edition=edition, period="2026-Q2", role=role
        )
        PulseAnswer.objects.create(submission=submission, statement=statement, value=value)


def answered(edition: Edition, orgs: list[Organisation], who: list[int] = ANSWERING_ORGS) -> None:
    PulseStatementFactory(edition=edition, code="PU-1")
    for i, (index, value) in enumerate(zip(who, VALUES, strict=True)):
        role = Role.VIEWER if i % 3 == 0 else Role.CONTRIBUTOR
        answer(edition, orgs[index], value, role)


def figures(snapshot) -> dict[tuple[str, str, str], tuple[Decimal | None, int | None]]:
    cells = BenchmarkCell.objects.filter(snapshot=snapshot, subject_type=Subject.PULSE)
    return {(c.breakdown, c.breakdown_value, c.measure): (c.value, c.n) for c in cells}


def mean(values: list[int]) -> Decimal:
    return Decimal(str(round(sum(values) / len(values), 2)))


def agree(values: list[int]) -> Decimal:
    return Decimal(str(round(100 * sum(v >= 4 for v in values) / len(values), 1)))


@pytest.fixture
def public_rules_off(monkeypatch):
    """The pulse's own rules alone (the public ones are applied in the last test)."""
    monkeypatch.setattr(compiling, "anonymise", lambda cells, **_kwargs: cells)


def test_the_mean_and_the_share_agreeing_per_bundle(small_roadmap, public_rules_off):
    answered(small_roadmap, population())
    found = figures(compile_snapshot(period=period_get_or_create("2026-Q2"), k=K))
    belgium, poland = VALUES[:10], VALUES[10:]
    assert found[("all", "", ANSWERING)] == (18, 24)
    assert found[("all", "", MEAN)] == (mean(VALUES), 18)
    assert found[("all", "", AGREE)] == (agree(VALUES), 18)
    assert found[("country", "BE", MEAN)] == (mean(belgium), 10)
    assert found[("country", "PL", ANSWERING)] == (8, 12)
    assert found[("country", "PL", MEAN)] == (mean(poland), 8)
    assert found[("region", "cee", AGREE)] == (agree(poland), 8)
    patients = [v for i, v in zip(ANSWERING_ORGS, VALUES, strict=True) if i % 2 == 0]
    assert found[("stakeholder_group", PATIENTS, MEAN)] == (mean(patients), 9)
    # Roles: people's, not organisations' (no count of answering organisations).
    viewers = VALUES[0::3]
    assert found[("role", Role.VIEWER, MEAN)] == (mean(viewers), 6)
    assert ("role", Role.VIEWER, ANSWERING) not in found
    assert ("role", Role.ADMIN, MEAN) not in found  # nobody answered as an admin


def test_one_organisation_never_makes_a_figure(small_roadmap, public_rules_off):
    orgs = population()
    answered(small_roadmap, orgs)
    # Eight more answers from one Polish organisation: 9 of Poland's 16.
    answer(small_roadmap, orgs[12], 5, Role.CONTRIBUTOR, times=8)
    found = figures(compile_snapshot(period=period_get_or_create("2026-Q2"), k=K))
    assert found[("country", "PL", MEAN)][0] is None
    assert found[("region", "cee", AGREE)][0] is None
    # Everyone's (9 of 26) stands; then Belgium's and western Europe's would give Poland's
    # by subtraction, so they go too.
    assert found[("all", "", MEAN)][0] is not None
    assert found[("region", "western", MEAN)][0] is None
    assert found[("country", "BE", MEAN)][0] is None


def test_fewer_than_k_organisations_and_unanimity_are_withheld(small_roadmap, public_rules_off):
    orgs = population()
    PulseStatementFactory(edition=small_roadmap, code="PU-1")
    for i in range(12):  # Belgium: everyone answers 5
        answer(small_roadmap, orgs[i], 5, Role.CONTRIBUTOR)
    for i in range(12, 16):  # Poland: four organisations
        answer(small_roadmap, orgs[i], 3, Role.CONTRIBUTOR, times=2)
    found = figures(compile_snapshot(period=period_get_or_create("2026-Q2"), k=K))
    assert found[("country", "BE", MEAN)][0] is None  # 5.0: every answer the same
    assert found[("country", "BE", AGREE)][0] is None  # 100%: everyone agrees
    assert found[("country", "PL", MEAN)][0] is None  # four organisations (eight answers)
    assert found[("all", "", MEAN)] == (Decimal("4.20"), 16)
    # Everyone less Belgium's would be Poland's, but Belgium's is withheld: everyone's
    # stands (12 of 20 answers agree).
    assert found[("all", "", AGREE)] == (Decimal("60.0"), 16)


def test_rests_are_withheld_until_they_pass():
    def cell(breakdown: str, value: str) -> Cell:
        return Cell(Subject.PULSE, "PU-1", breakdown, value, MEAN, 10, 3.0)

    roles = [("role", r) for r in (Role.ADMIN, Role.PE_LEAD, Role.VIEWER)]
    cells = [cell("all", ""), *(cell(*r) for r in roles)]
    answers = {
        ("all", ""): Answers(20, 30, 90, 12, 2),
        roles[0]: Answers(8, 12, 36, 5, 2),
        roles[1]: Answers(6, 14, 42, 5, 3),
        roles[2]: Answers(3, 4, 12, 2, 2),
    }
    cells[3].suppress("small_group")
    withhold_rests(cells, {"PU-1": answers}, k=5)
    # The viewers (4 answers) would be everyone's less the admins' and the PE leads': the
    # PE leads' go too (the fewer answers first), leaving a rest of 18 answers.
    assert [c.suppressed for c in cells] == [False, True, False, True]


def test_on_the_public_rules_the_snapshot_passes_its_audit(small_roadmap):
    answered(small_roadmap, population())
    snapshot = compile_protected("2026-Q2")
    assert audit_snapshot(snapshot) == []
    found = figures(snapshot)
    assert found[("all", "", ANSWERING)] == (18, 24)
    assert found[("all", "", MEAN)] == (mean(VALUES), 18)
    assert found[("country", "BE", MEAN)] == (mean(VALUES[:10]), 10)


def test_the_counts_of_answering_organisations_are_a_family_of_the_public_rules(
    small_roadmap,
):
    # Every Belgian organisation and six Polish ones answer.
    answered(small_roadmap, population(), who=list(range(18)))
    snapshot = compile_protected("2026-Q2")
    found = figures(snapshot)
    # Belgium's 12 of 12 ("all of them") is withheld, and everyone's with it (less
    # Poland's it would give Belgium's), and their means with their counts.
    withheld = [("country", "BE", ANSWERING), ("all", "", ANSWERING)]
    withheld += [("country", "BE", MEAN), ("all", "", MEAN)]
    assert [found[key][0] for key in withheld] == [None] * 4
    assert audit_snapshot(snapshot) == []


def test_a_country_page_shows_its_pulse_beside_europe(small_roadmap, client):
    answered(small_roadmap, population())
    compile_protected("2026-Q2")
    html = client.get("/countries/be/").content.decode()
    section = html[html.index('id="pulse"') : html.index('id="trend"')]
    assert 'id="be-pulse-caption"' in section
    assert f"{float(agree(VALUES[:10])):g}%" in section  # Belgium's share agreeing
    assert f"{float(agree(VALUES)):g}%" in section  # Europe's
    assert 'href="/data/2026-Q2/"' in html  # the period's open data
    csv = client.get("/countries/be/data/be-pulse.csv")
    assert csv.status_code == 200
    assert "PU-1" in csv.content.decode()


def test_the_public_benchmark_shows_the_pulse_by_group_region_and_role(small_roadmap, client):
    answered(small_roadmap, population())
    compile_protected("2026-Q2")
    html = client.get("/benchmarks/").content.decode()
    section = html[html.index('<section id="pulse"') : html.index('<section id="trend"')]
    for chart in ("pulse-by-group", "pulse-by-region", "pulse-by-role"):
        assert f'id="{chart}-caption"' in section, chart
    tables = page_tables(html)
    roles = tables["pulse-by-role-caption"]
    assert roles[0][1:] == ["Everyone", "Contributor", "Viewer"]  # the roles answered in
    assert roles[1][1].startswith(f"{float(agree(VALUES)):g}%")


def test_without_statements_there_is_no_pulse_section(small_roadmap, client):
    compile_protected("2026-Q2")
    assert 'id="pulse"' not in client.get("/benchmarks/").content.decode()
