"""seed_demo: the demo data that `make run` loads. Slow (it writes 18 months of
history through the services and compiles six quarters), so one test checks everything on
one seeding."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.adoption.dashboard import dashboard_for
from apps.adoption.models import (
    Adoption,
    MaturityAssessment,
    Partnership,
    PartnershipState,
    ProgressEntry,
)
from apps.benchmarking.compile import adoptions_at_end
from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot
from apps.benchmarking.selectors import NO_DATA, latest_snapshot, organisation_position
from apps.devdata.demo import STAGES
from apps.devdata.management.commands.seed_demo import (
    DEMO_BENCHMARK_QUARTERS,
    DEMO_ORGANISATIONS,
)
from apps.organisations.models import Membership, Organisation
from apps.organisations.permissions import Role
from apps.practices.models import CaseStudy
from apps.roadmap.loader import load_roadmap

pytestmark = pytest.mark.django_db


def test_the_demo(settings, client) -> None:
    load_roadmap()
    settings.DEBUG = True
    call_command("seed_demo")

    demo = Organisation.objects.filter(name__in=[d.name for d in DEMO_ORGANISATIONS])
    assert demo.count() == 6
    assert all(o.status == Organisation.Status.VERIFIED for o in demo)
    groups = set(demo.values_list("stakeholder_group__slug", flat=True))
    assert {
        "patient-organisations",
        "medicines-developers",
        "hta-bodies",
        "regulators",
        "academia",
        "payers",
    } <= groups
    assert len(set(demo.values_list("country", flat=True))) >= 5
    for organisation in demo:
        roles = set(organisation.memberships.values_list("role", flat=True))
        assert roles == set(Role.values)
        assert organisation.adoptions.count() >= 8
        assessments = MaturityAssessment.objects.filter(organisation=organisation)
        assert assessments.count() == 3
        # Checkpoints every six months; the latest one reflects on two end goals.
        assert organisation.review_every_months == 6
        assert assessments.first().reflections.count() == 2
    # Synthetic peers make groups large enough for benchmarks to publish figures.
    assert Organisation.objects.verified().count() >= 90
    # A snapshot for each of the story's last past quarters.
    assert BenchmarkSnapshot.objects.count() == DEMO_BENCHMARK_QUARTERS
    # Every demo snapshot passed its audit (apps/benchmarking/services.py): published.
    assert not BenchmarkSnapshot.objects.held().exists()
    assert BenchmarkCell.objects.filter(suppressed=False, breakdown="region").exists()
    # The practice library shows two published case studies.
    assert CaseStudy.objects.published().count() == 2

    _check_the_story(demo.get(name="Demo Patients' Alliance Poland"))
    _check_the_joint_commitment(demo)

    response = client.post(
        "/account/login/",
        {"login": "lead.patients@demo.pe-roadmap.test", "password": "demo-portal-2026"},
    )
    assert response.status_code == 302
    assert client.get("/o/demo-patients-alliance-poland/").status_code == 200
    # The patient organisation shows its commitments in public, with a signed statement.
    client.logout()
    profile = client.get("/organisations/demo-patients-alliance-poland/").content.decode()
    assert "Leadership statement" in profile
    assert "Chair of the board" in profile

    counts = (Organisation.objects.count(), Membership.objects.count(), Adoption.objects.count())
    call_command("seed_demo")
    assert (
        Organisation.objects.count(),
        Membership.objects.count(),
        Adoption.objects.count(),
    ) == counts


def _check_the_joint_commitment(demo) -> None:
    """The medicines developer and the patient organisation act on one adoption together:
    an objective and an entry confirmed, an entry by each; another request waits."""
    patients = demo.get(name=DEMO_ORGANISATIONS[0].name)
    developer = demo.get(name=DEMO_ORGANISATIONS[1].name)
    joint = Partnership.objects.get(state=PartnershipState.ACCEPTED)
    assert (joint.adoption.organisation, joint.partner) == (developer, patients)
    assert joint.objectives.get().is_confirmed
    writers = {
        e.organisation: e
        for e in joint.adoption.entries.filter(
            entry_date__gte=dt.date.today() - dt.timedelta(days=2)
        )
    }
    assert set(writers) == {developer, patients}
    assert writers[developer].confirmations.get().organisation == patients
    waiting = Partnership.objects.get(state=PartnershipState.PENDING)
    assert waiting.partner == patients
    assert waiting.adoption.organisation == demo.get(name=DEMO_ORGANISATIONS[2].name)


def _check_the_story(lead_org: Organisation) -> None:
    """The PE lead's organisation: 18 months of entries, statuses moving forward, dated in
    the past everywhere the portal shows a date; the dashboard, the latest snapshot's state
    of each adoption and the benchmark position agree."""
    today = timezone.localdate()
    entries = list(ProgressEntry.objects.filter(adoption__organisation=lead_org))
    dates = [e.entry_date for e in entries]
    assert min(dates) <= today - dt.timedelta(days=500)
    assert max(dates) >= today - dt.timedelta(days=120)
    assert all(timezone.localtime(e.created_at).date() == e.entry_date for e in entries)
    order = [stage.value for stage in STAGES]
    for adoption in lead_org.adoptions.select_related("action"):
        moves = [e.status_to for e in adoption.entries.order_by("entry_date", "pk") if e.status_to]
        assert moves == order[: len(moves)], adoption.action.code  # forward, one step at a time
        assert adoption.status == moves[-1]
        assert timezone.localtime(adoption.created_at).date() == adoption.start_date
        assert adoption.last_activity_at == max(e.created_at for e in adoption.entries.all())
    assert {s for a in lead_org.adoptions.all() for s in [a.status]} - {"planned"}

    # The dashboard's recent activity: the latest entries, from the story's days.
    activity = dashboard_for(organisation=lead_org)["activity"]
    assert len({item.entry.entry_date for item in activity}) > 1
    assert all(item.entry.entry_date < today for item in activity)

    snapshot = latest_snapshot()
    assert snapshot is not None
    end = snapshot.period.ends_on
    assert end < today <= end + dt.timedelta(days=92)  # the last quarter closed
    at_end = {
        a.action.code: a.status_at
        for a in adoptions_at_end(snapshot.period, snapshot.edition)
        .filter(organisation=lead_org)
        .select_related("action")
    }
    agreeing = 0
    for adoption in lead_org.adoptions.select_related("action"):
        if adoption.start_date > end:
            assert adoption.action.code not in at_end
        elif not adoption.entries.filter(entry_date__gt=end).exclude(status_to="").exists():
            assert at_end[adoption.action.code] == adoption.status  # dashboard = snapshot
            agreeing += 1
    assert agreeing
    position = organisation_position(organisation=lead_org, snapshot=snapshot)
    assert position.recorded
    adopting = [s for s in at_end.values() if s != "discontinued"]
    assert sum(p.adopted for p in position.end_goals) == len(adopting)
    # Enough peers: the group's medians are published and every end goal has a band.
    assert all(p.group_median.value is not None for p in position.end_goals)
    assert all(p.band_key and p.band_key != NO_DATA for p in position.end_goals)
    cells = BenchmarkCell.objects.filter(snapshot=snapshot, breakdown="stakeholder_group")
    assert cells.filter(suppressed=False).count() >= cells.count() / 4


def test_seed_demo_refuses_without_debug(settings) -> None:
    load_roadmap()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
