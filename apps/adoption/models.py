"""What organisations do with the roadmap: adoptions, progress, maturity.

An :class:`Adoption` says "we adopt action A2.1.4". Its history is a log of
:class:`ProgressEntry` rows, append-only: a correction is a new version that
supersedes the old one, and a status change always leaves an entry. Entries
hold evidence, metric values and the barriers met. :class:`MaturityAssessment`
rates the organisation's PE maturity per end goal and dimension at checkpoints.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

from .querysets import AdoptionQuerySet, ProgressEntryQuerySet


class AdoptionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    EMBEDDED = "embedded", _("Embedded (sustained)")
    PAUSED = "paused", _("Paused")
    DISCONTINUED = "discontinued", _("Discontinued")


class Adoption(TimeStampedModel):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    action = models.ForeignKey(
        "roadmap.Action",
        verbose_name=_("action"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AdoptionStatus.choices, default=AdoptionStatus.PLANNED
    )
    # The paper warns of the "mere-urgency trap": urgency and importance are rated apart.
    is_urgent = models.BooleanField(_("urgent"), default=False)
    is_important = models.BooleanField(_("important"), default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_adoptions",
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MaxValueValidator(100)]
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("owner last reminded"), null=True, blank=True)
    action_removed = models.BooleanField(
        _("action removed from the roadmap"),
        default=False,
        help_text=_("The action is not in the published edition any more: read-only."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["action__code"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "action"],
                name="adoption_once_per_action",
                violation_error_message=_("Your organisation has already adopted this action."),
            ),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(target_date__gte=F("start_date")),
                name="adoption_target_after_start",
                violation_error_code="target_before_start",
                violation_error_message=_("The target date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100), name="adoption_percent_at_most_100"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["target_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.action.code}"

    def get_absolute_url(self) -> str:
        return reverse("adoption:detail", kwargs={"slug": self.organisation.slug, "pk": self.pk})

    @property
    def is_read_only(self) -> bool:
        return self.action_removed


class ProgressEntry(models.Model):
    """One dated report on an adoption. Never edited: corrected by a new version."""

    adoption = models.ForeignKey(
        Adoption, verbose_name=_("adoption"), on_delete=models.CASCADE, related_name="entries"
    )
    entry_date = models.DateField(_("date"))
    narrative = models.TextField(_("what was done"), max_length=10000)
    status_from = models.CharField(
        _("status before"), max_length=16, choices=AdoptionStatus.choices, blank=True
    )
    status_to = models.CharField(
        _("status after"), max_length=16, choices=AdoptionStatus.choices, blank=True
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Who wrote it: the adoption's organisation, or a partner in a joint commitment (issue 17).
    # The entry stays, attributed, when the partnership ends; and an organisation that wrote on
    # another's adoption cannot be deleted from under that log (RESTRICT: its own entries go
    # with its own adoptions).
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("written by"),
        on_delete=models.RESTRICT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    is_current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Issue 16: an adoption discontinued because an assumption of the theory of change did not
    # hold says which. Only with a status change to discontinued, and only an assumption of the
    # adopted action's edition (services._validate_entry). SET_NULL: curating the roadmap never
    # waits on members' reports, which keep their text when the link goes.
    challenged_assumption = models.ForeignKey(
        "roadmap.Assumption",
        verbose_name=_("assumption challenged"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discontinuations",
        help_text=_("The assumption that discontinuing the adoption shows did not hold."),
    )

    objects = ProgressEntryQuerySet.as_manager()

    # Not stored: the versions this entry corrects, newest first, which the adoption page
    # sets for its template (``views.entries_with_history``).
    older_versions: list[ProgressEntry]

    class Meta:
        ordering = ["-entry_date", "-created_at"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100),
                name="entry_percent_at_most_100",
            ),
        ]
        indexes = [models.Index(fields=["adoption", "is_current", "-entry_date"])]

    def __str__(self) -> str:
        return f"{self.adoption} · {self.entry_date}"

    # The entry's rows of each relation in ``DETAILS``, in the order given, as plain lists:
    # read with the entries by ``ProgressEntryQuerySet.with_details`` (``Prefetch(to_attr=…)``,
    # which builds no queryset per entry and relation, unlike a prefetch read through
    # ``.all()``), or held by the service that wrote them (``hold_rows``); else read on first
    # use.
    DETAILS = ("evidence", "metrics", "barriers", "confirmations")

    @staticmethod
    def rows_attribute(relation: str) -> str:
        return f"_{relation}_rows"

    def _rows(self, relation: str) -> list[Any]:
        attribute = self.rows_attribute(relation)
        if attribute not in self.__dict__:
            self.__dict__[attribute] = list(getattr(self, relation).order_by("pk"))
        rows: list[Any] = self.__dict__[attribute]
        return rows

    def hold_rows(self, **rows: list[Any]) -> None:
        """Rows just written with the entry (``evidence=[…]``, ``metrics=[…]``…), which its
        lists then answer without a query."""
        for relation, items in rows.items():
            assert relation in self.DETAILS, relation
            self.__dict__[self.rows_attribute(relation)] = list(items)

    @property
    def evidence_list(self) -> list[Evidence]:
        return self._rows("evidence")

    @property
    def metric_list(self) -> list[MetricValue]:
        return self._rows("metrics")

    @property
    def barrier_list(self) -> list[BarrierReport]:
        return self._rows("barriers")

    @property
    def confirmation_list(self) -> list[EntryConfirmation]:
        return self._rows("confirmations")

    @property
    def linked_evidence(self) -> list[Evidence]:
        """The entry's evidence given as links, in the order given."""
        return [evidence for evidence in self.evidence_list if not evidence.file]

    @property
    def file_evidence(self) -> list[Evidence]:
        """The entry's evidence given as uploaded files, in the order given."""
        return [evidence for evidence in self.evidence_list if evidence.file]

    @property
    def changes_status(self) -> bool:
        return bool(self.status_to) and self.status_to != self.status_from


class Evidence(models.Model):
    """A link or an uploaded file backing a progress entry. Files are served only
    to members of the organisation, never from static/ or MEDIA_URL."""

    entry = models.ForeignKey(
        ProgressEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="evidence"
    )
    url = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", blank=True, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    title = models.CharField(_("title"), max_length=200, blank=True)

    # Not stored: the file's kind in a word (PDF, DOCX), which the adoption page sets for
    # its template (``views._label_evidence``).
    kind_label: str

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="evidence_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.original_name or self.url


class Metric(TimeStampedModel):
    """The metric catalogue (after the PARADIGM Monitoring and Evaluation framework).

    Admins can extend it; a metric is retired by making it inactive, never deleted.
    """

    class Kind(models.TextChoices):
        COUNT = "count", _("Count")
        MONEY = "money", _("Amount in euros")
        HOURS = "hours", _("Hours")
        PERCENT = "percent", _("Percentage")
        YES_NO = "yes_no", _("Yes (1) or no (0)")

    class Component(models.TextChoices):
        INPUT = "input", _("Input")
        ACTIVITIES = "activities", _("Activities and process")
        LEARNINGS = "learnings", _("Learnings and changes")
        IMPACTS = "impacts", _("Impacts")

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    component = models.CharField(_("framework component"), max_length=12, choices=Component.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The name and description are translated (``translation.py``): saved in English,
        # the untranslated column keeps the English text whatever language is active.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save(*args, **kwargs)


class MetricValue(models.Model):
    entry = models.ForeignKey(
        ProgressEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="metrics"
    )
    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        constraints = [
            models.UniqueConstraint(fields=["entry", "metric"], name="one_value_per_metric"),
            models.CheckConstraint(condition=Q(value__gte=0), name="metric_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value}"


class BarrierReport(models.Model):
    entry = models.ForeignKey(
        ProgressEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="barriers"
    )
    category = models.ForeignKey(
        "roadmap.BarrierCategory",
        verbose_name=_("barrier category"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # Issue 16: the assumption of the theory of change the barrier challenges, if the member
    # names one: an assumption of the adopted action's edition (services._validate_entry).
    assumption = models.ForeignKey(
        "roadmap.Assumption",
        verbose_name=_("assumption challenged"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="barrier_reports",
    )

    class Meta:
        verbose_name = _("barrier met")
        verbose_name_plural = _("barriers met")
        constraints = [
            models.UniqueConstraint(fields=["entry", "category"], name="one_report_per_barrier"),
        ]

    def __str__(self) -> str:
        return str(self.category)


# --- Maturity ---------------------------------------------------------------------------


class MaturityLevel(models.IntegerChoices):
    """The five levels, each with a written descriptor shown next to the scale."""

    AD_HOC = 1, _("1 · Ad hoc: PE happens occasionally, driven by individuals.")
    EMERGING = 2, _("2 · Emerging: some PE activities are planned, with little structure.")
    DEFINED = 3, _("3 · Defined: PE has agreed processes, roles and some resources.")
    MANAGED = 4, _("4 · Managed: PE is planned, resourced, monitored and evaluated.")
    EMBEDDED = 5, _("5 · Embedded: PE is business as usual, sustained and improved.")


class MaturityAssessment(TimeStampedModel):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    assessed_on = models.DateField(_("date of the checkpoint"))
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("maturity assessment")
        verbose_name_plural = _("maturity assessments")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.assessed_on}"


class MaturityRating(models.Model):
    """One rating of an assessment: for an end goal, or for a dimension."""

    assessment = models.ForeignKey(
        MaturityAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    end_goal = models.ForeignKey(
        "roadmap.EndGoal",
        verbose_name=_("end goal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dimension = models.ForeignKey(
        "roadmap.Dimension",
        verbose_name=_("dimension"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=MaturityLevel.choices)

    class Meta:
        verbose_name = _("maturity rating")
        verbose_name_plural = _("maturity ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_goal__isnull=True, dimension__isnull=False)
                | Q(end_goal__isnull=False, dimension__isnull=True),
                name="rating_for_goal_or_dimension",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["assessment", "end_goal"],
                condition=Q(end_goal__isnull=False),
                name="one_rating_per_goal",
            ),
            models.UniqueConstraint(
                fields=["assessment", "dimension"],
                condition=Q(dimension__isnull=False),
                name="one_rating_per_dimension",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.end_goal or self.dimension}: {self.level}"


REFLECTION_MAX_LENGTH = 2000


class GoalReflection(models.Model):
    """A checkpoint's short reflection on one end goal: what worked, what did not."""

    assessment = models.ForeignKey(
        MaturityAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="reflections",
    )
    end_goal = models.ForeignKey(
        "roadmap.EndGoal",
        verbose_name=_("end goal"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    worked = models.TextField(_("what worked"), blank=True, max_length=REFLECTION_MAX_LENGTH)
    did_not_work = models.TextField(
        _("what did not work"), blank=True, max_length=REFLECTION_MAX_LENGTH
    )

    class Meta:
        verbose_name = _("reflection on an end goal")
        verbose_name_plural = _("reflections on end goals")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "end_goal"], name="one_reflection_per_goal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.end_goal}"


# Joint commitments live in their own module; imported here, they belong to this app.
from .partnerships.models import (  # noqa: E402
    EntryConfirmation,
    Partnership,
    PartnershipState,
    SharedObjective,
)

__all__ = [
    "Adoption",
    "AdoptionStatus",
    "BarrierReport",
    "EntryConfirmation",
    "Evidence",
    "GoalReflection",
    "MaturityAssessment",
    "MaturityLevel",
    "MaturityRating",
    "Metric",
    "MetricValue",
    "Partnership",
    "PartnershipState",
    "ProgressEntry",
    "SharedObjective",
]
