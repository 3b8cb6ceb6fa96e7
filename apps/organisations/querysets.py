"""Reads of organisations, as chainable QuerySet methods."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .permissions import ADMIN_PERMISSION, roles_with_permission

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from apps.accounts.models import User

    from .models import Membership, Organisation

# Which organisations the public directory shows: verified by a portal admin and listed at
# their own request. Decided here only: the directory page and the API ask ``listed()`` (through
# ``selectors.organisation_directory``), and a page about one organisation asks ``is_listed``.
LISTED_WHEN = {"status": "verified", "in_directory": True}
LISTED = Q(**LISTED_WHEN)

# What anyone may read of a listed organisation: the columns of the public directory. The API
# shows non-members the same, with the slug and the address of the record to find it by.
PUBLIC_FIELDS = ("name", "stakeholder_group", "country", "region", "level", "website")


def is_listed(organisation: Organisation) -> bool:
    """Whether the public directory shows ``organisation``: ``LISTED``, read on one object."""
    return all(getattr(organisation, name) == value for name, value in LISTED_WHEN.items())


def verified_before(day: dt.date) -> dt.datetime:
    """The instant ``day`` ends (midnight after it, in the portal's time zone): an
    organisation verified before it was verified on ``day``."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(midnight) if timezone.is_naive(midnight) else midnight


def name_key(name: str) -> str:
    """A name reduced to what tells organisations apart: letters and digits, folded.

    "European Patients' Forum", "european patients forum" and
    "EUROPEAN PATIENTS’ FORUM " share one key.
    """
    text = unicodedata.normalize("NFKD", name).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def verified(self) -> OrganisationQuerySet:
        """Organisations a portal admin has vouched for; only these count in benchmarks."""
        return self.filter(status="verified")

    def verified_on(self, day: dt.date) -> OrganisationQuerySet:
        """Organisations verified at the end of ``day``, and still verified: what a period's
        benchmark counts (its last day), so that compiling a period again later gives the
        same snapshot. A verified organisation with no decision date (loaded as verified)
        counts on every day."""
        return self.verified().filter(
            Q(decided_at__isnull=True) | Q(decided_at__lt=verified_before(day))
        )

    def listed(self) -> OrganisationQuerySet:
        """The public directory: verified organisations that opted in (``LISTED``).

        Anyone may read these, with the public fields only; every other organisation is
        visible to its members alone.
        """
        return self.filter(LISTED)

    def for_user(self, user: User | AnonymousUser) -> OrganisationQuerySet:
        """Organisations the user is a member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def visible_to(self, user: User | AnonymousUser) -> OrganisationQuerySet:
        """The directory plus the user's own organisations."""
        if not user.is_authenticated:
            return self.listed()
        mine = Q(memberships__user=user)
        return self.filter(LISTED | mine).distinct()

    def likely_duplicates(self, *, name: str, country: str) -> OrganisationQuerySet:
        """Organisations with the same name (ignoring case and punctuation) and country."""
        return self.filter(name_key=name_key(name), country=country).exclude(status="rejected")

    def for_listing(self) -> OrganisationQuerySet:
        return self.select_related("stakeholder_group")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def with_permission(self, code: str) -> MembershipQuerySet:
        """Memberships whose role grants ``code``: who may do it, asked of the registry
        (``permissions.ROLE_PERMISSIONS``), so that no caller spells out a list of roles.

        An unknown code raises ValueError, as ``role_has_permission`` does.
        """
        return self.filter(role__in=roles_with_permission(code))

    def admins(self) -> MembershipQuerySet:
        """Memberships whose role manages the organisation's members (the registry says which)."""
        return self.with_permission(ADMIN_PERMISSION)

    def left_without_admin(self, departing: Collection[Membership]) -> set[int]:
        """Ids of the organisations that would have no admin once ``departing`` stop being admins.

        ``departing`` are memberships about to be demoted or to end (removed, left, or deleted
        with their account). One query reads the admin memberships of all their organisations,
        in id order; roles are taken from those rows, not from ``departing``, which may be stale.
        Chain it after ``select_for_update()`` to guard a write: the rows stay locked until the
        transaction ends, always in the same order, so concurrent guards cannot deadlock.
        """
        organisation_ids = {m.organisation_id for m in departing}
        if not organisation_ids:
            return set()
        departing_ids = {m.pk for m in departing}
        rows = (
            self.admins()
            .filter(organisation_id__in=organisation_ids)
            .order_by("pk")
            .values_list("pk", "organisation_id")
        )
        losing: set[int] = set()
        keeping: set[int] = set()
        for pk, organisation_id in rows:
            (losing if pk in departing_ids else keeping).add(organisation_id)
        return losing - keeping
