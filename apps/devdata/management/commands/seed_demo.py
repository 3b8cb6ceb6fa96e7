"""Demo data for running the portal locally: accounts and organisations.

Idempotent: what exists is left alone. Organisations are made through the same
services as the pages (registration, invitations, verification), so their audit
logs read like real ones. Emails are kept in memory, not printed.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import QuerySet
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.benchmarking.periods import closed_periods
from apps.benchmarking.services import snapshot_compile_and_publish
from apps.devdata.demo import (
    DAYS_PER_MONTH,
    HISTORY_MONTHS,
    seed_adoptions,
    seed_case_studies,
    seed_partnerships,
    seed_public_profile,
)
from apps.devdata.synthetic import seed_synthetic, synthetic_organisations
from apps.organisations import services
from apps.organisations.models import Level, Membership, Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import StakeholderGroup

DEMO_DOMAIN = "demo.pe-roadmap.test"
DEMO_ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
DEMO_PASSWORD = "demo-portal-2026"
# Benchmarks count an organisation from the period it was verified in; the demo history
# reaches 18 months back, so the demo organisations were registered and verified two years ago.
DEMO_VERIFIED_DAYS_AGO = 730
ROLE_PREFIX: dict[str, str] = {
    Role.ADMIN: "admin",
    Role.PE_LEAD: "lead",
    Role.CONTRIBUTOR: "contributor",
    Role.VIEWER: "viewer",
}


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    group: str
    country: str
    level: str
    description: str


# Fictional organisations, one for each kind the issue names, in several regions.
DEMO_ORGANISATIONS = [
    DemoOrganisation(
        "patients",
        "Demo Patients' Alliance Poland",
        "patient-organisations",
        "PL",
        Level.NATIONAL,
        "An umbrella of patient organisations working on access to medicines.",
    ),
    DemoOrganisation(
        "pharma",
        "Demo Pharma Europe",
        "medicines-developers",
        "BE",
        Level.EUROPEAN,
        "A medicines developer with a patient engagement office.",
    ),
    DemoOrganisation(
        "hta",
        "Demo HTA Agency Spain",
        "hta-bodies",
        "ES",
        Level.NATIONAL,
        "A national health technology assessment body.",
    ),
    DemoOrganisation(
        "regulator",
        "Demo Medicines Agency Sweden",
        "regulators",
        "SE",
        Level.NATIONAL,
        "A national medicines regulator.",
    ),
    DemoOrganisation(
        "academia",
        "Demo University Medical Centre",
        "academia",
        "NL",
        Level.REGIONAL,
        "A university medical centre with a patient partnership programme.",
    ),
    DemoOrganisation(
        "payer",
        "Demo Health Insurance Fund Romania",
        "payers",
        "RO",
        Level.NATIONAL,
        "A public health insurance fund.",
    ),
]


# Peers without demo sign-ins, so that benchmarks have groups large enough to publish: the
# synthetic community (apps.devdata.synthetic, slugs syn-…), written in bulk in seconds. They
# join in the first quarter of the demo's 18 months (its history reaches no further back, so
# that the quarters compiled are the story's six), all verified by its second quarter's end.
# A fixed seed: every demo has the same peers.
DEMO_PEERS = 90
# How many of the story's past quarters have a benchmark (the latest ones).
DEMO_BENCHMARK_QUARTERS = 4
DEMO_PEER_SEED = 2026
# About 16 adoptions each, as many as the demo organisations have, in 18 months (the
# community's usual 40 take three years): the demo organisations land in every band.
DEMO_PEERS_ADOPTIONS_SCALE = 0.4
DEMO_PEERS_JOINED_DAYS = (
    int(HISTORY_MONTHS * DAYS_PER_MONTH) - 90,
    int(HISTORY_MONTHS * DAYS_PER_MONTH),
)


def demo_email(role: str, key: str) -> str:
    return f"{ROLE_PREFIX[role]}.{key}@{DEMO_DOMAIN}"


@functools.cache
def _demo_password_hash() -> str:
    """Every demo account has the same password: hashed once (a hash takes a third of a
    second, on purpose)."""
    return make_password(DEMO_PASSWORD)


def _user(email: str, full_name: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, **extra}
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _organisation(spec: DemoOrganisation, portal_admin: User) -> Organisation | None:
    if Organisation.objects.filter(name=spec.name).exists():
        return None
    owner = _user(demo_email(Role.ADMIN, spec.key), f"{spec.name} admin")
    organisation = services.organisation_register(
        user=owner,
        name=spec.name,
        stakeholder_group=StakeholderGroup.objects.get(slug=spec.group),
        country=spec.country,
        level=spec.level,
        website=f"https://{spec.key}.example.org/",
        description=spec.description,
        in_directory=True,
    )
    for role in (Role.PE_LEAD, Role.CONTRIBUTOR, Role.VIEWER):
        email = demo_email(role, spec.key)
        member = _user(email, f"{spec.name} {ROLE_PREFIX[role]}")
        invitation = services.invitation_create(
            organisation=organisation, by=owner, email=email, role=role
        )
        services.invitation_accept(invitation=invitation, user=member)
    services.organisation_verify(organisation=organisation, by=portal_admin)
    return organisation


def _backdate_organisations(organisations: QuerySet[Organisation]) -> None:
    """Registered and verified two years ago, as the demo history needs (benchmarks count
    an organisation from the period it was verified in): the organisation, its members and
    its audit log say so."""
    verified = timezone.now() - dt.timedelta(days=DEMO_VERIFIED_DAYS_AGO)
    registered = verified - dt.timedelta(days=2)
    organisations.update(created_at=registered, decided_at=verified)
    Membership.objects.filter(organisation__in=organisations).update(
        created_at=registered, updated_at=registered
    )
    events = AuditEvent.objects.filter(organisation__in=organisations)
    events.exclude(verb="organisation.verified").update(created_at=registered)
    events.filter(verb="organisation.verified").update(created_at=verified)


class Command(BaseCommand):
    help = "Create demo accounts and organisations for local use. Idempotent. Never in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even when DEBUG is off (for a throwaway demo server only).",
        )

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def handle(self, *args: object, allow_production: bool, **options: object) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates well-known passwords: it runs only with DEBUG on."
            )
        if not StakeholderGroup.objects.exists():
            raise CommandError("Load the roadmap first: python manage.py load_roadmap")
        today = timezone.localdate()
        with transaction.atomic():
            portal_admin = _user(
                DEMO_ADMIN_EMAIL, "Demo portal admin", is_staff=True, is_superuser=True
            )
            created = [o for spec in DEMO_ORGANISATIONS if (o := _organisation(spec, portal_admin))]
            demo = Organisation.objects.filter(name__in=[s.name for s in DEMO_ORGANISATIONS])
            adopted = sum(seed_adoptions(organisation=o, today=today) for o in demo)
            seed_case_studies(organisations=list(demo.order_by("name")), staff=portal_admin)
            # The patient organisation shows its commitments in public (/organisations/<slug>/).
            for patients in demo.filter(name=DEMO_ORGANISATIONS[0].name):
                seed_public_profile(organisation=patients)
                # A joint commitment with the medicines developer, and a request to answer.
                seed_partnerships(
                    developer=demo.get(name=DEMO_ORGANISATIONS[1].name),
                    patients=patients,
                    asking=demo.get(name=DEMO_ORGANISATIONS[2].name),
                )
            _backdate_organisations(demo.filter(pk__in=[o.pk for o in created]))
        peers = 0
        if not synthetic_organisations().exists():
            peers = seed_synthetic(
                organisations=DEMO_PEERS,
                seed=DEMO_PEER_SEED,
                today=today,
                joined_days=DEMO_PEERS_JOINED_DAYS,
                adoptions_scale=DEMO_PEERS_ADOPTIONS_SCALE,
            ).organisations
        # The last past quarters, oldest first, compiled from the history just written, then
        # audited and published: the benchmark pages and exports tell the dashboards' story.
        # The last four (a year): the story's first two, while the peers are still joining,
        # take most of a minute each to protect and audit (the four together take about 20 s),
        # and `make run` and CI load the demo. The scheduled compile fills in the rest where a
        # worker runs.
        start = today - dt.timedelta(days=int(HISTORY_MONTHS * DAYS_PER_MONTH))
        periods = closed_periods(since=start, today=today)[-DEMO_BENCHMARK_QUARTERS:]
        snapshots = [snapshot_compile_and_publish(period=p) for p in periods]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({len(created)} organisations and {adopted} adoptions "
                f"created, {peers} synthetic peers, {len(snapshots)} benchmark periods "
                "compiled). "
                f"Every demo password is {DEMO_PASSWORD} (local use only). "
                f"Portal admin: {DEMO_ADMIN_EMAIL}; organisation members: "
                f"<admin|lead|contributor|viewer>.<{'|'.join(s.key for s in DEMO_ORGANISATIONS)}>"
                f"@{DEMO_DOMAIN}"
            )
        )
