"""The personas of the tests: an organisation's owner (its admin), PE lead, contributor and
viewer, and an outsider who is none of these.

``tests/conftest.py`` makes them fixtures for whichever ``org`` a test folder defines; a folder
may override one (the API's outsider is the admin of another organisation). Each persona is
one user, whatever the organisation: ``add_members`` makes the same people members of a
second one.
"""

from __future__ import annotations

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory

MEMBERS = {
    "owner": ("owner@example.org", Role.ADMIN),
    "pe_lead": ("lead@example.org", Role.PE_LEAD),
    "contributor": ("contributor@example.org", Role.CONTRIBUTOR),
    "viewer": ("viewer@example.org", Role.VIEWER),
}
OUTSIDER = "outsider@example.org"
# A partner organisation's own people (joint commitments, issue 17): other users than the
# personas, so that who may act for which side stays clear.
PARTNER_MEMBERS = {
    "partner_admin": ("partner-admin@example.org", Role.ADMIN),
    "partner_lead": ("partner-lead@example.org", Role.PE_LEAD),
    "partner_contributor": ("partner-contributor@example.org", Role.CONTRIBUTOR),
    "partner_viewer": ("partner-viewer@example.org", Role.VIEWER),
}
# Portal staff (not a superuser): reads the curators' learning report.
CURATOR = "curator@example.org"


def add_member(org: Organisation, persona: str) -> User:
    email, role = MEMBERS[persona]
    return MembershipFactory(organisation=org, user=UserFactory(email=email), role=role).user


def add_members(org: Organisation) -> dict[str, User]:
    """The four member personas, as members of ``org``."""
    return {persona: add_member(org, persona) for persona in MEMBERS}


def add_partner_members(org: Organisation) -> dict[str, User]:
    """The partner's four people (``PARTNER_MEMBERS``), as members of ``org``."""
    return {
        persona: MembershipFactory(organisation=org, user=UserFactory(email=email), role=role).user
        for persona, (email, role) in PARTNER_MEMBERS.items()
    }


def curator() -> User:
    """A member of the portal's staff: the curators' report is theirs."""
    return UserFactory(email=CURATOR, full_name="Cora Curator", is_staff=True)
