"""Data the browser journeys build inside each test (the live server's transactional
database is emptied after each one)."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import User
from apps.benchmarking.models import BenchmarkSnapshot
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import Edition
from tests.accounts.factories import VerifiedUserFactory
from tests.benchmarking.conftest import build_population, compile_published, standard_layout
from tests.organisations.factories import MembershipFactory

PERIOD = "2026-Q2"


def benchmark_for_pe_lead(email: str) -> dict[str, Any]:
    """Twelve verified organisations adopting actions of the published roadmap, with the
    2026-Q2 benchmark published; the first, "Patients Together", has a PE lead ``email``.
    Needs the real roadmap (the ``roadmap`` fixture) and the metric catalogue (restored
    by the journeys' serialized rollback). Returns ``organisation``, ``lead`` and ``snapshot``."""
    edition = Edition.objects.current()
    orgs = build_population(
        edition,
        standard_layout(12),
        names={0: ("Patients Together", "patients-together")},
    )
    snapshot: BenchmarkSnapshot = compile_published(PERIOD)
    organisation: Organisation = orgs[0]
    lead: User = VerifiedUserFactory(email=email, full_name="Petra Lead")
    MembershipFactory(organisation=organisation, user=lead, role=Role.PE_LEAD)
    return {"organisation": organisation, "lead": lead, "snapshot": snapshot}
