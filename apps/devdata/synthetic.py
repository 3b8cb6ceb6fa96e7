"""Synthetic data at community scale, for the benchmarks under ``bench/`` (issue 8).

:func:`seed_synthetic` writes verified organisations (every stakeholder group, every
European country and a few beyond, the five levels) with members, about 40 adoptions
each, about five progress entries per adoption over three years (with metric values and
barriers), and two to four maturity checkpoints. The same seed gives the same data.

Speed comes first, on purpose. The services and ``full_clean`` run per row and would take
hours for 2,000,000 entries; here rows are generated valid by construction and written in
bulk, one chunk of organisations per transaction, so memory stays bounded whatever the
size. What the services and ``save()`` would derive is computed the same way here: the
organisation's region and name key, and each adoption's status, percent complete and last
activity from its latest entries. Primary keys are handed out here (reserved from the
sequences on PostgreSQL), so rows refer to each other without reading anything back. On
PostgreSQL the rows go in with ``COPY``; on other databases with ``bulk_create``.

Every synthetic organisation's slug starts with ``syn-`` and every synthetic account's
email ends in ``@synthetic.pe-roadmap.test``: :func:`synthetic_clear` removes exactly those.
Synthetic accounts have no usable password; the benchmarks sign in with sessions.

The parts: ``synthetic_population`` (the shares and the catalogue), ``synthetic_generation``
(one organisation's rows), ``synthetic_writes`` (keys, ``COPY``/``bulk_create``); this module
holds the entry points.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.adoption.models import (
    Adoption,
    BarrierReport,
    EntryConfirmation,
    Evidence,
    MaturityAssessment,
    MaturityRating,
    MetricValue,
    Partnership,
    ProgressEntry,
    SharedObjective,
)
from apps.audit.models import AuditEvent
from apps.benchmarking.models import ExportJob
from apps.organisations.models import Invitation, Membership, Organisation
from apps.pulse.models import PulseAnswer, PulseSubmission

from .synthetic_generation import GenerationContext, add_organisation
from .synthetic_population import (
    EMAIL_DOMAIN,
    HISTORY_DAYS,
    SLUG_PREFIX,
    SyntheticDataError,
    load_catalogue,
)
from .synthetic_writes import IdAllocator, SeedReport, analyze_tables, given_timestamps, write_rows


def synthetic_organisations() -> models.QuerySet[Organisation]:
    return Organisation.objects.filter(slug__startswith=SLUG_PREFIX)


def seed_synthetic(
    *,
    organisations: int,
    seed: int,
    chunk_size: int = 200,
    today: dt.date | None = None,
    progress: Callable[[int, SeedReport], None] | None = None,
    joined_days: tuple[int, int] = (90, HISTORY_DAYS),
    adoptions_scale: float = 1.0,
) -> SeedReport:
    """Write ``organisations`` synthetic organisations and everything they own.

    Reproducible: organisation ``n`` of seed ``s`` is the same whatever the chunk size
    (its random generator is seeded with both). One transaction per chunk; a failure leaves
    the chunks before it, which :func:`synthetic_clear` removes. ``joined_days``: between
    how many days ago the organisations join (the newest, the oldest; the history reaches
    back to the oldest); ``adoptions_scale``: how many adoptions, against the community's
    usual (``GROUP_ADOPTIONS``).
    """
    if synthetic_organisations().exists():
        raise SyntheticDataError("Synthetic data exists already: clear it first (--clear).")
    started = time.perf_counter()
    report = SeedReport()
    ctx = GenerationContext(
        seed,
        load_catalogue(),
        IdAllocator(),
        today or timezone.localdate(),
        {},
        joined_days,
        adoptions_scale,
    )
    with given_timestamps():
        for start in range(0, organisations, chunk_size):
            ctx.rows = defaultdict(list)
            stop = min(organisations, start + chunk_size)
            for index in range(start, stop):
                add_organisation(index, ctx)
            with transaction.atomic():
                write_rows(ctx.rows, report)
            report.organisations = stop
            if progress:
                progress(stop, report)
    if report.organisations:  # after a bare --clear, autovacuum updates the statistics
        analyze_tables()
    report.seconds = time.perf_counter() - started
    return report


def synthetic_clear() -> dict[str, int]:
    """Delete every synthetic organisation and account, and what they own. Nothing else.

    The big tables are emptied with one ``DELETE`` each (no per-row collection: millions of
    rows); organisations and accounts go through the ORM so that references from other
    rows are handled as the models say (``SET_NULL``, ``CASCADE``).
    """
    orgs = synthetic_organisations()
    users = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    partnerships = Partnership.objects.filter(
        Q(adoption__organisation__in=orgs) | Q(partner__in=orgs)
    )
    steps = [
        MaturityRating.objects.filter(assessment__organisation__in=orgs),
        MaturityAssessment.objects.filter(organisation__in=orgs),
        EntryConfirmation.objects.filter(
            Q(entry__adoption__organisation__in=orgs) | Q(organisation__in=orgs)
        ),
        SharedObjective.objects.filter(partnership__in=partnerships),
        MetricValue.objects.filter(entry__adoption__organisation__in=orgs),
        BarrierReport.objects.filter(entry__adoption__organisation__in=orgs),
        Evidence.objects.filter(entry__adoption__organisation__in=orgs),
        ProgressEntry.objects.filter(adoption__organisation__in=orgs),
        partnerships,
        Adoption.objects.filter(organisation__in=orgs),
        AuditEvent.objects.filter(organisation__in=orgs),
        Membership.objects.filter(organisation__in=orgs),
        Invitation.objects.filter(organisation__in=orgs),
        ExportJob.objects.filter(organisation__in=orgs),
        PulseAnswer.objects.filter(submission__organisation__in=orgs),
        PulseSubmission.objects.filter(organisation__in=orgs),
        EmailAddress.objects.filter(user__in=users),
    ]
    counts: dict[str, int] = {}
    with transaction.atomic():
        for queryset in steps:
            counts[queryset.model._meta.label] = queryset._raw_delete(queryset.db)
        Organisation.objects.filter(possible_duplicate_of__in=orgs).update(
            possible_duplicate_of=None
        )
        counts[Organisation._meta.label] = orgs.delete()[0]
        counts[User._meta.label] = users.delete()[0]
    return counts
