"""Reads for the attitude pulse: the current period, its statements, who still has to answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.benchmarking.periods import bounds_for
from apps.organisations.models import Organisation
from apps.roadmap.cache import cached_with_versions
from apps.roadmap.models import Edition, PulseStatement

from .models import PulseSubmission


@dataclass(frozen=True)
class Period:
    """A reporting period as the pulse names it, and the day the next one starts."""

    label: str
    starts_on: dt.date
    ends_on: dt.date

    @property
    def next_starts_on(self) -> dt.date:
        return self.ends_on + dt.timedelta(days=1)


def current_period(*, today: dt.date | None = None) -> Period:
    """The reporting period of today (``BENCHMARK_PERIOD_MONTHS``: quarters by default)."""
    return Period(*bounds_for(today or timezone.localdate()))


def pulse_statements() -> QuerySet[PulseStatement]:
    """The statements of the published edition, in their order."""
    return PulseStatement.objects.filter(edition__in=Edition.objects.published()).order_by(
        "order", "code"
    )


def has_answered(*, user: User | AnonymousUser, period: Period) -> bool:
    if not user.is_authenticated:
        return False
    return PulseSubmission.objects.filter(user=user, period=period.label).exists()


def answers_version_key(user_id: int) -> str:
    """The cache key of a version token of the person's pulse answers, renewed when they
    answer (``services.pulse_submit``): what :func:`pulse_due` keeps is stamped with it."""
    return f"pulse:answers-version:{user_id}"


def pulse_due(*, user: User | AnonymousUser, today: dt.date | None = None) -> bool:
    """Whether the person has a pulse to answer: the published edition has statements and
    they have not answered in this period. One query, kept in the cache per person and
    period, stamped with the roadmap content version (the statements) and their answers'
    version (``answers_version_key``): answering makes it a miss at once."""
    if not user.is_authenticated:
        return False
    period = current_period(today=today).label

    def due() -> bool:
        answered = PulseSubmission.objects.filter(user=user, period=period)
        return pulse_statements().filter(~Exists(answered)).exists()

    is_due: bool = cached_with_versions(
        f"pulse:due:{user.pk}:{period}", due, tokens=[answers_version_key(user.pk)]
    )
    return is_due


def answering_organisations(*, user: User) -> QuerySet[Organisation]:
    """The organisations the person may answer for: every one they are a member of."""
    return Organisation.objects.filter(memberships__user=user).order_by("name")
