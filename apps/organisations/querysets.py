"""Reads of organisations, as chainable QuerySet methods."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from apps.accounts.models import User


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


class OrganisationQuerySet(models.QuerySet):
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

    def in_directory(self) -> OrganisationQuerySet:
        """The public directory: verified organisations that opted in."""
        return self.verified().filter(in_directory=True)

    def for_user(self, user: User) -> OrganisationQuerySet:
        """Organisations the user is a member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def visible_to(self, user: User) -> OrganisationQuerySet:
        """The directory plus the user's own organisations."""
        if not user.is_authenticated:
            return self.in_directory()
        mine = Q(memberships__user=user)
        return self.filter(Q(status="verified", in_directory=True) | mine).distinct()

    def likely_duplicates(self, *, name: str, country: str) -> OrganisationQuerySet:
        """Organisations with the same name (ignoring case and punctuation) and country."""
        return self.filter(name_key=name_key(name), country=country).exclude(status="rejected")

    def for_listing(self) -> OrganisationQuerySet:
        return self.select_related("stakeholder_group")
