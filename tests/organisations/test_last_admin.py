"""The last-admin rule, written once (``MembershipQuerySet.left_without_admin``) and used by
role changes, removals, leaving and account deletion alike.

The race between two of these is tested on PostgreSQL in ``test_last_admin_concurrency.py``.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.organisations import permissions, services
from apps.organisations.models import Membership
from apps.organisations.permissions import Perm, Role
from apps.organisations.selectors import organisations_left_without_admin
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_admins_are_the_roles_the_registry_lets_manage_members() -> None:
    organisation = OrganisationFactory()
    for role in Role.values:
        MembershipFactory(organisation=organisation, role=role)

    roles = set(Membership.objects.filter(organisation=organisation).admins().values_list("role"))

    assert roles == {(Role.ADMIN,)}


def test_a_role_that_manages_members_counts_as_an_admin(monkeypatch) -> None:
    monkeypatch.setitem(
        permissions.ROLE_PERMISSIONS,
        Role.PE_LEAD,
        permissions.ROLE_PERMISSIONS[Role.PE_LEAD] | {Perm.MEMBERS_WRITE},
    )
    admin = MembershipFactory(role=Role.ADMIN)
    MembershipFactory(organisation=admin.organisation, role=Role.PE_LEAD)

    services.membership_change_role(membership=admin, by=admin.user, role=Role.VIEWER)

    admin.refresh_from_db()
    assert admin.role == Role.VIEWER


def test_it_checks_several_organisations_in_one_query() -> None:
    user = UserFactory()
    alone = MembershipFactory(user=user, role=Role.ADMIN, organisation__name="Alone")
    MembershipFactory(organisation=alone.organisation, role=Role.PE_LEAD)
    shared = MembershipFactory(user=user, role=Role.ADMIN, organisation__name="Shared")
    MembershipFactory(organisation=shared.organisation, role=Role.ADMIN)
    viewer = MembershipFactory(user=user, role=Role.VIEWER, organisation__name="Viewed")
    MembershipFactory(organisation=viewer.organisation, role=Role.ADMIN)
    also_alone = MembershipFactory(user=user, role=Role.ADMIN, organisation__name="Also alone")

    with CaptureQueriesContext(connection) as queries:
        orphaned = Membership.objects.left_without_admin([alone, shared, viewer, also_alone])

    assert orphaned == {alone.organisation_id, also_alone.organisation_id}
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_it_reads_roles_from_the_database_not_from_a_stale_object() -> None:
    admin = MembershipFactory(role=Role.ADMIN)
    stale = Membership.objects.get(pk=admin.pk)
    stale.role = Role.VIEWER  # as read before someone made them the admin

    with pytest.raises(ValidationError, match="needs at least one admin"):
        services.membership_remove(membership=stale, by=UserFactory())

    assert Membership.objects.filter(pk=admin.pk).exists()


def test_it_names_the_organisations_left_without_admin_in_order() -> None:
    user = UserFactory()
    departing = [
        MembershipFactory(user=user, role=Role.ADMIN, organisation__name=name)
        for name in ("Zeta Patients", "Alpha Patients")
    ]

    names = [o.name for o in organisations_left_without_admin(departing=departing, lock=True)]

    assert names == ["Alpha Patients", "Zeta Patients"]


def test_nothing_departs_nothing_is_left_without_admin() -> None:
    assert organisations_left_without_admin(departing=[]) == []


def test_promoting_needs_no_other_admin() -> None:
    admin = MembershipFactory(role=Role.ADMIN)
    viewer = MembershipFactory(organisation=admin.organisation, role=Role.VIEWER)

    services.membership_change_role(membership=viewer, by=admin.user, role=Role.ADMIN)
    services.membership_change_role(membership=admin, by=admin.user, role=Role.VIEWER)

    roles = dict(Membership.objects.values_list("pk", "role"))
    assert roles == {admin.pk: Role.VIEWER, viewer.pk: Role.ADMIN}


def test_a_member_who_is_not_an_admin_may_always_leave() -> None:
    admin = MembershipFactory(role=Role.ADMIN)
    viewer = MembershipFactory(organisation=admin.organisation, role=Role.VIEWER)

    services.membership_remove(membership=viewer, by=viewer.user)

    assert not Membership.objects.filter(pk=viewer.pk).exists()
