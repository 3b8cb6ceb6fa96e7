"""Demo data for running the portal locally: accounts and organisations.

Idempotent: what exists is left alone. Organisations are made through the same
services as the pages (registration, invitations, verification), so their audit
logs read like real ones. Emails are kept in memory, not printed.
"""

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import User
from apps.benchmarking.services import compile_closed_periods
from apps.devdata.demo import seed_adoptions
from apps.organisations import services
from apps.organisations.models import Level, Organisation
from apps.organisations.permissions import Role
from apps.roadmap.models import StakeholderGroup

DEMO_DOMAIN = "demo.pe-roadmap.test"
DEMO_ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
DEMO_PASSWORD = "demo-portal-2026"
# Benchmarks count an organisation from the period it was verified in; the demo history
# reaches 18 months back, so the demo organisations count as verified two years ago.
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


# Peers without demo sign-ins, so that benchmarks have groups of five or more to publish.
PEER_GROUPS = ["patient-organisations", "medicines-developers", "hta-bodies"]
PEER_COUNTRIES = ["DE", "FR", "NL", "IE", "PL", "HU", "CZ", "RO"]


def _peer_specs() -> list[DemoOrganisation]:
    return [
        DemoOrganisation(
            f"peer-{group}-{country.lower()}",
            f"Demo peer: {group.replace('-', ' ')} ({country})",
            group,
            country,
            Level.NATIONAL,
            "A fictional peer organisation, so that the demo benchmarks have something to show.",
        )
        for group in PEER_GROUPS
        for country in PEER_COUNTRIES
    ]


def demo_email(role: str, key: str) -> str:
    return f"{ROLE_PREFIX[role]}.{key}@{DEMO_DOMAIN}"


def _user(email: str, full_name: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _peer(spec: DemoOrganisation, portal_admin: User) -> Organisation | None:
    if Organisation.objects.filter(name=spec.name).exists():
        return None
    owner, _ = User.objects.get_or_create(
        email=f"{spec.key}@{DEMO_DOMAIN}", defaults={"full_name": f"{spec.name} admin"}
    )
    organisation = services.organisation_register(
        user=owner,
        name=spec.name,
        stakeholder_group=StakeholderGroup.objects.get(slug=spec.group),
        country=spec.country,
        level=spec.level,
        description=spec.description,
        in_directory=False,
    )
    services.organisation_verify(organisation=organisation, by=portal_admin)
    return organisation


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
        with transaction.atomic():
            portal_admin = _user(
                DEMO_ADMIN_EMAIL, "Demo portal admin", is_staff=True, is_superuser=True
            )
            created = [o for spec in DEMO_ORGANISATIONS if (o := _organisation(spec, portal_admin))]
            created += [o for spec in _peer_specs() if (o := _peer(spec, portal_admin))]
            names = [spec.name for spec in [*DEMO_ORGANISATIONS, *_peer_specs()]]
            adopted = sum(
                seed_adoptions(organisation=o) for o in Organisation.objects.filter(name__in=names)
            )
            Organisation.objects.filter(name__in=names, status=Organisation.Status.VERIFIED).update(
                decided_at=timezone.now() - dt.timedelta(days=DEMO_VERIFIED_DAYS_AGO)
            )
        snapshots = compile_closed_periods()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({len(created)} organisations and {adopted} adoptions "
                f"created, {len(snapshots)} benchmark periods compiled). "
                f"Every demo password is {DEMO_PASSWORD} (local use only). "
                f"Portal admin: {DEMO_ADMIN_EMAIL}; organisation members: "
                f"<admin|lead|contributor|viewer>.<{'|'.join(s.key for s in DEMO_ORGANISATIONS)}>"
                f"@{DEMO_DOMAIN}"
            )
        )
