"""The role registry and the one check."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.organisations.models import Membership
from apps.organisations.permissions import (
    ALL_PERMISSIONS,
    ROLE_PERMISSIONS,
    Perm,
    Role,
    authorise,
    has_org_permission,
    role_has_permission,
)
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory


def test_every_role_has_a_set_of_known_codes() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    for codes in ROLE_PERMISSIONS.values():
        assert codes <= ALL_PERMISSIONS


def test_roles_are_nested_from_viewer_to_admin() -> None:
    viewer, contributor, lead, admin = (
        ROLE_PERMISSIONS[r] for r in (Role.VIEWER, Role.CONTRIBUTOR, Role.PE_LEAD, Role.ADMIN)
    )
    assert viewer < contributor < lead < admin


@pytest.mark.parametrize(
    ("role", "code", "allowed"),
    [
        (Role.VIEWER, Perm.ADOPTION_VIEW, True),
        (Role.VIEWER, Perm.ADOPTION_WRITE, False),
        (Role.CONTRIBUTOR, Perm.ADOPTION_WRITE, True),
        (Role.CONTRIBUTOR, Perm.BENCHMARK_VIEW, False),
        (Role.CONTRIBUTOR, Perm.ASSESSMENT_WRITE, False),
        (Role.PE_LEAD, Perm.ASSESSMENT_WRITE, True),
        (Role.PE_LEAD, Perm.ORG_EDIT, False),
        (Role.PE_LEAD, Perm.BENCHMARK_EXPORT, True),
        (Role.PE_LEAD, Perm.MEMBERS_WRITE, False),
        (Role.PE_LEAD, Perm.AUDIT_VIEW, False),
        (Role.ADMIN, Perm.MEMBERS_WRITE, True),
        (Role.ADMIN, Perm.AUDIT_VIEW, True),
    ],
)
def test_role_permissions(role, code, allowed) -> None:
    assert role_has_permission(role, code) is allowed


def test_an_unknown_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown permission"):
        role_has_permission(Role.ADMIN, "adoption:wirte")


@pytest.mark.django_db
def test_authorise_hides_the_organisation_from_outsiders() -> None:
    organisation = OrganisationFactory()
    for user in (UserFactory(), AnonymousUser()):
        assert not has_org_permission(user, organisation, Perm.ORG_VIEW)
        with pytest.raises(Http404):
            authorise(user, organisation, Perm.ORG_VIEW)


@pytest.mark.django_db
def test_authorise_forbids_members_without_the_permission() -> None:
    membership = MembershipFactory(role="viewer")
    with pytest.raises(PermissionDenied):
        authorise(membership.user, membership.organisation, Perm.ADOPTION_WRITE)
    assert authorise(membership.user, membership.organisation, Perm.ORG_VIEW) == membership


@pytest.mark.django_db
def test_membership_of_one_organisation_grants_nothing_in_another() -> None:
    membership = MembershipFactory(role="admin")
    other = OrganisationFactory()
    with pytest.raises(Http404):
        authorise(membership.user, other, Perm.ORG_VIEW)


@pytest.mark.django_db
def test_with_permission_finds_exactly_the_members_the_registry_allows() -> None:
    """For every code, ``Membership.objects.with_permission`` agrees with the one check."""
    organisation = OrganisationFactory()
    memberships = [MembershipFactory(organisation=organisation, role=role) for role in Role]
    MembershipFactory(role=Role.ADMIN)  # another organisation's member, filtered out below
    found = Membership.objects.filter(organisation=organisation)
    for code in sorted(ALL_PERMISSIONS):
        allowed = {m.pk for m in memberships if has_org_permission(m.user, organisation, code)}
        assert set(found.with_permission(code).values_list("pk", flat=True)) == allowed, code
    with pytest.raises(ValueError, match="Unknown permission"):
        found.with_permission("adoption:wirte")
