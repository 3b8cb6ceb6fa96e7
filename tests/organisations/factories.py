"""Factories for organisations, memberships and invitations."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from apps.organisations.models import Invitation, Level, Membership, Organisation
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.roadmap.factories import StakeholderGroupFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A pending organisation; use ``verified=True`` or ``listed=True`` for the directory."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    stakeholder_group = factory.SubFactory(StakeholderGroupFactory)
    country = "BE"
    level = Level.NATIONAL
    website = ""
    description = ""
    in_directory = False
    status = Organisation.Status.PENDING

    class Params:
        verified = factory.Trait(status=Organisation.Status.VERIFIED)
        rejected = factory.Trait(
            status=Organisation.Status.REJECTED, rejection_reason="Not a real organisation."
        )
        # Verified and opted in: shown in the public directory.
        listed = factory.Trait(status=Organisation.Status.VERIFIED, in_directory=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation; traits ``accepted``, ``revoked`` and ``expired`` end it."""

    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.CONTRIBUTOR
    invited_by = None

    class Params:
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
        )
