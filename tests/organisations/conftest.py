"""Personas: an organisation with owner (admin), pe_lead, contributor and viewer; an outsider."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.organisations.permissions import Role
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def org(db) -> Organisation:
    return OrganisationFactory(name="Patients Together", slug="patients-together")


def _member(org: Organisation, role: str, email: str) -> User:
    return MembershipFactory(organisation=org, user=UserFactory(email=email), role=role).user


@pytest.fixture
def owner(org: Organisation) -> User:
    return _member(org, Role.ADMIN, "owner@example.org")


@pytest.fixture
def pe_lead(org: Organisation) -> User:
    return _member(org, Role.PE_LEAD, "lead@example.org")


@pytest.fixture
def contributor(org: Organisation) -> User:
    return _member(org, Role.CONTRIBUTOR, "contributor@example.org")


@pytest.fixture
def viewer(org: Organisation) -> User:
    return _member(org, Role.VIEWER, "viewer@example.org")


@pytest.fixture
def outsider(db) -> User:
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def personas(owner: User, pe_lead: User, contributor: User, viewer: User, outsider: User) -> dict:
    return {
        "owner": owner,
        "pe_lead": pe_lead,
        "contributor": contributor,
        "viewer": viewer,
        "outsider": outsider,
    }


@pytest.fixture
def client_as(client: Client) -> Callable[[User], Client]:
    """The test client, signed in as the given user."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in
