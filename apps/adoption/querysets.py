"""Reads of adoptions and progress, as chainable QuerySet methods."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

if TYPE_CHECKING:
    from apps.organisations.models import Organisation

    from .models import Adoption, ProgressEntry

OPEN_STATUSES = ("planned", "in_progress", "implemented", "paused")


def _accepted_partner(organisation: Organisation) -> Exists:
    from .models import Partnership

    return Exists(
        Partnership.objects.accepted().filter(adoption=OuterRef("pk"), partner=organisation)
    )


class AdoptionQuerySet(models.QuerySet["Adoption"]):
    def for_organisation(self, organisation: Organisation) -> AdoptionQuerySet:
        return self.filter(organisation=organisation)

    def visible_to(self, organisation: Organisation) -> AdoptionQuerySet:
        """The organisation's own adoptions and those it acts on as an accepted partner."""
        return self.filter(Q(organisation=organisation) | _accepted_partner(organisation))

    def visible_one(self, organisation: Organisation, pk: int) -> Adoption | None:
        """``visible_to(organisation).filter(pk=pk).first()``, read the cheap way round: the
        adoption by its key, then, only when it is another organisation's, whether this one
        is an accepted partner (an organisation's own adoption, the usual case, costs one
        plain query and no partners' subquery, and holds ``organisation``)."""
        found = list(self.filter(pk=pk).order_by()[:1])  # by its key: no ORDER BY to build
        adoption = found[0] if found else None
        if adoption is None:
            return None
        if adoption.organisation_id == organisation.pk:
            adoption.organisation = organisation
            return adoption
        return adoption if self.joint_with(organisation).filter(pk=pk).exists() else None

    def joint_with(self, organisation: Organisation) -> AdoptionQuerySet:
        """Other organisations' adoptions the organisation acts on as an accepted partner."""
        return self.filter(_accepted_partner(organisation))

    def for_listing(self) -> AdoptionQuerySet:
        """Everything an adoption list shows, without a query per row."""
        return self.select_related(
            "action",
            "action__dimension",
            "action__intermediate_goal",
            "action__intermediate_goal__end_goal",
            "owner",
        )

    def open(self) -> AdoptionQuerySet:
        """Adoptions still being worked on (not embedded nor discontinued)."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> AdoptionQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(target_date__lt=today)

    def due_within(self, days: int, today: date | None = None) -> AdoptionQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(target_date__gte=today, target_date__lte=today + timedelta(days))

    def dormant(self, now: datetime | None = None) -> AdoptionQuerySet:
        """Open adoptions with no activity for ADOPTION_DORMANT_DAYS: shown, not hidden."""
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.ADOPTION_DORMANT_DAYS)
        return self.open().filter(
            Q(last_activity_at__lt=cutoff) | Q(last_activity_at__isnull=True, created_at__lt=cutoff)
        )


def _rows(relation: str, queryset: models.QuerySet[Any]) -> Prefetch[str]:
    """An entry relation's rows into the entry's plain list (``ProgressEntry.DETAILS``)."""
    from .models import ProgressEntry

    return Prefetch(relation, queryset=queryset, to_attr=ProgressEntry.rows_attribute(relation))


class ProgressEntryQuerySet(models.QuerySet["ProgressEntry"]):
    def current(self) -> ProgressEntryQuerySet:
        """The latest version of each entry (corrections replace what they correct)."""
        return self.filter(is_current=True)

    def with_details(self, *, labels: bool = True) -> ProgressEntryQuerySet:
        """With the organisation that wrote each entry, the author and the challenged
        assumption, and the evidence, metric values and barriers each in the order they were
        given (as a new entry holds them), in the entries' lists (``evidence_list``,
        ``metric_list``, ``barrier_list``).

        ``labels=False`` reads of the related rows only what the API names them by (the
        organisation's slug, the author's email, a metric's or category's slug, an
        assumption's code), not their names and statements in five languages: a third of
        the columns to select, read and build. Anything else of them is then a query each."""
        from .models import BarrierReport, Evidence, MetricValue, ProgressEntry

        entries = self.select_related("organisation", "author", "challenged_assumption")
        barriers = BarrierReport.objects.select_related("category", "assumption").order_by("pk")
        metrics = MetricValue.objects.select_related("metric").order_by("pk")
        if not labels:
            own = [f.attname for f in ProgressEntry._meta.concrete_fields]
            entries = entries.only(
                *own, "organisation__slug", "author__email", "challenged_assumption__code"
            )
            barriers = barriers.only("entry_id", "note", "category__slug", "assumption__code")
            metrics = metrics.only("entry_id", "value", "metric__slug")
        return entries.prefetch_related(
            _rows("evidence", Evidence.objects.order_by("pk")),
            _rows("metrics", metrics),
            _rows("barriers", barriers),
        )

    def with_confirmations(self, *, labels: bool = True) -> ProgressEntryQuerySet:
        """With the other sides' confirmations and who confirmed, in ``confirmation_list``
        (``labels=False``: the confirming organisation's slug and the time, as the API
        shows them)."""
        from .partnerships.models import EntryConfirmation

        confirmations = EntryConfirmation.objects.select_related("organisation", "confirmed_by")
        if not labels:
            confirmations = EntryConfirmation.objects.select_related("organisation").only(
                "entry_id", "confirmed_at", "organisation__slug"
            )
        return self.prefetch_related(_rows("confirmations", confirmations.order_by("pk")))
