"""Reads of organisations that several interfaces share."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from .models import Membership, Organisation

if TYPE_CHECKING:
    from apps.accounts.models import User

    from .querysets import OrganisationQuerySet


def organisation_directory() -> OrganisationQuerySet:
    """The public directory: what anyone, signed in or not, may read of the organisations.

    Verified organisations listed at their request (``Organisation.objects.listed()``), with
    what a row of the directory shows. The directory page lists them, and the API shows each
    to non-members; any other organisation stays visible to its members alone.
    """
    return Organisation.objects.listed().for_listing()


def organisations_left_without_admin(
    *, departing: Collection[Membership], lock: bool = False
) -> list[Organisation]:
    """The organisations, by name, that would keep no admin once ``departing`` stop being admins.

    The last-admin rule (``MembershipQuerySet.left_without_admin``), for all the organisations
    of ``departing`` in one query. Services pass ``lock=True`` inside the transaction that makes
    the change, so that the admin rows stay locked until it commits; pages that only warn read
    without locks.
    """
    memberships = Membership.objects.select_for_update() if lock else Membership.objects
    orphaned = memberships.left_without_admin(departing)
    if not orphaned:
        return []
    return list(Organisation.objects.filter(pk__in=orphaned).order_by("name"))


def organisations_only_admin_of(*, user: User) -> list[Organisation]:
    """The organisations of which ``user`` is the only admin: what stops them leaving them all."""
    return organisations_left_without_admin(departing=list(Membership.objects.filter(user=user)))
