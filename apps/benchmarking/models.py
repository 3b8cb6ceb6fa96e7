"""Benchmarks: one immutable snapshot per reporting period, made of cells.

A :class:`BenchmarkCell` is one published figure: a measure (how many
organisations adopt, the median percent complete, …) of a subject (an action,
an intermediate goal, an end goal, a dimension, a metric, a barrier category)
for one breakdown value (everyone, a stakeholder group, a region, a country or
a level of operation). ``n`` is how many organisations the figure comes from.
A suppressed cell keeps no value, only the reason: see ``anonymisation.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.conf import settings
from django.db import connections, models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from apps.core.bulk import copy_rows
from apps.core.models import TimeStampedModel


class ReportingPeriod(TimeStampedModel):
    label = models.CharField(_("period"), max_length=12, unique=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="period_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class BenchmarkSnapshotQuerySet(models.QuerySet["BenchmarkSnapshot"]):
    def published(self) -> BenchmarkSnapshotQuerySet:
        """Snapshots whose audit found nothing: the only ones any page, the API or an
        export shows. A held snapshot (audited with findings, or not audited yet) is seen
        by portal admins in the Django admin only.

        Each has ``published_organisations``: how many organisations it counts, as its
        published population of everyone, or None when that figure is withheld (then
        ``organisation_count`` must not be shown either)."""
        everyone = BenchmarkCell.objects.filter(
            snapshot=models.OuterRef("pk"),
            subject_type=Subject.POPULATION,
            breakdown=Breakdown.ALL,
            suppressed=False,
        ).values("value")[:1]
        return self.filter(published_at__isnull=False).annotate(
            published_organisations=Cast(models.Subquery(everyone), models.IntegerField())
        )

    def held(self) -> BenchmarkSnapshotQuerySet:
        """Snapshots not published: audited with findings, or not audited yet."""
        return self.filter(published_at__isnull=True)


class BenchmarkSnapshot(models.Model):
    """The compiled benchmark of one period. Written once, in one transaction; then
    audited (``apps.benchmarking.protection.audit_snapshot``) and published only when the
    audit finds nothing (see ``services.snapshot_publish_or_hold``)."""

    period = models.OneToOneField(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="snapshot"
    )
    edition = models.ForeignKey(
        "roadmap.Edition", verbose_name=_("roadmap edition"), on_delete=models.PROTECT
    )
    compiled_at = models.DateTimeField(_("compiled at"), auto_now_add=True)
    min_group_size = models.PositiveSmallIntegerField(_("smallest group published"))
    organisation_count = models.PositiveIntegerField(_("verified organisations included"))
    audited_at = models.DateTimeField(_("audited at"), null=True, blank=True)
    audit_findings = models.JSONField(
        _("audit findings"),
        default=list,
        blank=True,
        help_text=_("What the last audit found: each too narrow interval or broken rule."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = BenchmarkSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-period__starts_on"]
        verbose_name = _("benchmark snapshot")
        verbose_name_plural = _("benchmark snapshots")

    def __str__(self) -> str:
        return str(self.period)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Subject(models.TextChoices):
    ACTION = "action", _("Action")
    INTERMEDIATE_GOAL = "intermediate_goal", _("Intermediate goal")
    END_GOAL = "end_goal", _("End goal")
    DIMENSION = "dimension", _("Dimension")
    MATURITY_GOAL = "maturity_goal", _("Maturity of an end goal")
    MATURITY_DIMENSION = "maturity_dimension", _("Maturity of a dimension")
    METRIC = "metric", _("Metric")
    BARRIER = "barrier", _("Barrier category")
    POPULATION = "population", _("Organisations")
    # Adoptions with a confirmed partner from another stakeholder group
    # (``compile_partnerships``).
    PARTNERSHIP = "partnership", _("Joint commitments")
    # The attitude pulse, one code per statement (``compile_pulse``).
    PULSE = "pulse", _("Attitude pulse")
    # The curators' figures (``compile_curation``): portal staff only, never public.
    CURATION_ACTION = "curation_action", _("Actions (curators)")
    CURATION_BARRIER = "curation_barrier", _("Barriers (curators)")
    CURATION_ASSUMPTION = "curation_assumption", _("Assumptions (curators)")


# Subjects only portal staff see (the curators' learning report): no public page, export
# or API response reads them (``BenchmarkCellQuerySet.public``).
STAFF_ONLY_SUBJECTS = frozenset(
    {Subject.CURATION_ACTION, Subject.CURATION_BARRIER, Subject.CURATION_ASSUMPTION}
)
PUBLIC_SUBJECT_CHOICES = [
    (v, label) for v, label in Subject.choices if v not in STAFF_ONLY_SUBJECTS
]


class Breakdown(models.TextChoices):
    ALL = "all", _("Everyone")
    STAKEHOLDER_GROUP = "stakeholder_group", _("Stakeholder group")
    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")
    LEVEL = "level", _("Level of operation")
    # The role people held when answering the pulse (its figures only: ``compile_pulse``).
    ROLE = "role", _("Role when answering")


class BenchmarkCellQuerySet(models.QuerySet["BenchmarkCell"]):
    def published(self) -> BenchmarkCellQuerySet:
        """Cells of published snapshots (see :meth:`BenchmarkSnapshotQuerySet.published`)."""
        return self.filter(snapshot__in=BenchmarkSnapshot.objects.published())

    def public(self) -> BenchmarkCellQuerySet:
        """Cells anyone may read: not the curators' (:data:`STAFF_ONLY_SUBJECTS`)."""
        return self.exclude(subject_type__in=sorted(STAFF_ONLY_SUBJECTS))

    # QuerySet's signature plus ``copy``; mypy compares it with the stubs' QuerySet whose
    # (covariant) model type it leaves unbound, hence the ignore and the explicit call below.
    def bulk_create(  # type: ignore[override]
        self,
        objs: Iterable[BenchmarkCell],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
        *,
        copy: bool = False,
    ) -> list[BenchmarkCell]:
        """``copy=True`` writes the cells with one ``COPY`` on PostgreSQL: a snapshot's tens
        of thousands of cells in about a second instead of several. The objects get no id,
        and their values are written as they are (no field conversion: the compile makes
        them ready). Elsewhere, or without it, Django's ``bulk_create``."""
        if not copy or connections[self.db].vendor != "postgresql":
            return models.QuerySet.bulk_create(
                self,
                objs,
                batch_size=batch_size,
                ignore_conflicts=ignore_conflicts,
                update_conflicts=update_conflicts,
                update_fields=update_fields,
                unique_fields=unique_fields,
            )
        objs = list(objs)
        fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        copy_rows(
            self.model,
            [f.column for f in fields if f.column],  # a concrete field always has one
            ([getattr(obj, f.attname) for f in fields] for obj in objs),
            using=self.db,
        )
        return objs


class BenchmarkCell(models.Model):
    snapshot = models.ForeignKey(BenchmarkSnapshot, on_delete=models.CASCADE, related_name="cells")
    subject_type = models.CharField(max_length=20, choices=Subject.choices)
    subject_code = models.CharField(max_length=80, blank=True)
    breakdown = models.CharField(max_length=20, choices=Breakdown.choices)
    breakdown_value = models.CharField(max_length=80, blank=True)
    measure = models.CharField(max_length=30)
    n = models.PositiveIntegerField(
        null=True, help_text="How many organisations the figure comes from (null: hidden)."
    )
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    suppressed = models.BooleanField(default=False)
    reason = models.CharField(max_length=30, blank=True)

    objects = BenchmarkCellQuerySet.as_manager()

    # A figure as it is stored and read back (the audit, the API, the tests): its key, n,
    # value, and whether and why it is withheld.
    FIGURE_FIELDS = (
        "subject_type",
        "subject_code",
        "breakdown",
        "breakdown_value",
        "measure",
        "n",
        "value",
        "suppressed",
        "reason",
    )

    class Meta:
        verbose_name = _("benchmark figure")
        verbose_name_plural = _("benchmark figures")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "snapshot",
                    "subject_type",
                    "subject_code",
                    "breakdown",
                    "breakdown_value",
                    "measure",
                ],
                name="one_figure_per_cell",
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=False) | models.Q(value__isnull=True),
                name="suppressed_cells_hold_no_value",
            ),
        ]
        indexes = [
            models.Index(fields=["snapshot", "subject_type", "breakdown"]),
        ]

    def __str__(self) -> str:
        where = f"{self.breakdown}={self.breakdown_value}" if self.breakdown_value else "all"
        return f"{self.subject_type}:{self.subject_code} {self.measure} [{where}]"


class ExportJob(TimeStampedModel):
    """A report export running in the background: its progress, file and expiry."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        help_text=_("Empty for the full aggregate, which only portal admins export."),
    )
    snapshot = models.ForeignKey(BenchmarkSnapshot, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=4, choices=Format.choices)
    # The language the file is written in: the requester's, when they asked (the worker
    # that makes it has its own).
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.snapshot} ({self.get_status_display()})"
