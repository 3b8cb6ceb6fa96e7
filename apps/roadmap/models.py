"""The PARADIGM PE Sustainability Roadmap as living, versioned content.

An :class:`Edition` holds one version of the roadmap: its vision, mission and
the tree end goal → intermediate goal → action. Exactly one edition is
published at a time; admins work on a draft copy and publish it, which archives
the previous one. The taxonomies (stakeholder groups, dimensions, barrier
categories) and the resources (toolbox items) are shared by every edition.

Every text item records its provenance: whether it is the paper's own words,
our paraphrase of a named passage, or a title we had to reconstruct because the
paper's heading was lost. See ``fixtures/roadmap/README.md``; the paper's text is in
``fixtures/roadmap/source/``.

The texts readers see are translated, with English as the canonical text and the
fallback; ``translation.py`` declares which, and registers every model's history.
"""

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

from apps.core.models import TimeStampedModel

from .querysets import (
    ActionQuerySet,
    EditionQuerySet,
    EndGoalQuerySet,
    IntermediateGoalQuerySet,
    ResourceQuerySet,
    TaxonomyQuerySet,
)

if TYPE_CHECKING:
    from apps.accounts.models import User

# modeltranslation gives each translated model's custom managers a class it makes at run time
# (translator.patch_manager_class), which django-stubs cannot resolve; so each model declares
# its managers' static types, ``objects`` and ``_default_manager`` (which reverse relations
# read). ``Manager.from_queryset(qs)()`` is what ``qs.as_manager()`` builds. A model with
# Django's default manager declares the MultilingualManager modeltranslation turns it into.
TaxonomyManager = models.Manager.from_queryset(TaxonomyQuerySet)
EditionManager = models.Manager.from_queryset(EditionQuerySet)
EndGoalManager = models.Manager.from_queryset(EndGoalQuerySet)
IntermediateGoalManager = models.Manager.from_queryset(IntermediateGoalQuerySet)
ActionManager = models.Manager.from_queryset(ActionQuerySet)
ResourceManager = models.Manager.from_queryset(ResourceQuerySet)


class Provenance(models.TextChoices):
    VERBATIM = "verbatim", _("Verbatim from the paper")
    PARAPHRASE = "paraphrase", _("Paraphrased from the paper")
    RECONSTRUCTED = "reconstructed", _("Reconstructed by the portal editors")
    # The editors' own reading of a passage, not a lost heading or wording put back: an
    # assumption the paper implies without stating it (README.md in fixtures/roadmap).
    CURATED = "curated", _("Curated by the portal editors")


class TargetsBasis(models.TextChoices):
    """Why an action lists the stakeholder groups it does."""

    VERBATIM = "verbatim", _("Groups named in the paper's words")
    PARAPHRASE = "paraphrase", _("Groups named in the passage, paraphrased")
    ALL_STAKEHOLDERS = "all_stakeholders", _("The paper addresses all stakeholders")
    NO_ACTOR_NAMED = "no_actor_named", _("The paper names no actor; all groups recorded")


class SourcedText(models.Model):
    """Provenance of an item's text: how close it is to the paper, and the passage."""

    provenance = models.CharField(
        _("provenance"), max_length=16, choices=Provenance.choices, default=Provenance.VERBATIM
    )
    source_passage = models.TextField(
        _("source passage"),
        blank=True,
        help_text=_("The passage of the paper the text comes from, quoted as it appears."),
    )

    class Meta:
        abstract = True


class TranslatedContent(TimeStampedModel):
    """Content whose texts are translated (``translation.py``): English is canonical.

    modeltranslation saves, in a translated field's own column (``title``), the
    text of the language active at the time. Saving in English keeps that column
    the canonical English text whatever the language of the admin saving it; the
    per-language columns (``title_pl``) are saved as they are.
    """

    # Who made the change, for the history row django-simple-history writes on save.
    _history_user: "User | None"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save(*args, **kwargs)


# --- Taxonomies shared by every edition ---------------------------------------------


class StakeholderGroup(TranslatedContent):
    """One of the eight stakeholder groups the roadmap addresses."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects: ClassVar["TaxonomyManager[StakeholderGroup]"] = TaxonomyManager()
    _default_manager: ClassVar["TaxonomyManager[StakeholderGroup]"]

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")

    def __str__(self) -> str:
        return self.name


class Dimension(TranslatedContent):
    """A sustainability dimension: culture, processes or resources."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    purpose = models.TextField(_("purpose"), help_text=_("Verbatim from the paper."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects: ClassVar["TaxonomyManager[Dimension]"] = TaxonomyManager()
    _default_manager: ClassVar["TaxonomyManager[Dimension]"]

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return self.name


class BarrierCategory(TranslatedContent):
    """One of the seven categories of barriers to PE (the paper's Table 2)."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects: ClassVar["MultilingualManager[BarrierCategory]"]

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("barrier category")
        verbose_name_plural = _("barrier categories")

    def __str__(self) -> str:
        return self.name


class Resource(TranslatedContent):
    """A toolbox item or guidance document that helps carry out actions."""

    class Kind(models.TextChoices):
        TOOLBOX = "toolbox", _("PARADIGM toolbox")
        TOOL = "tool", _("Toolbox tool")
        GUIDANCE = "guidance", _("Guidance")
        FRAMEWORK = "framework", _("Framework")

    slug = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    publisher = models.CharField(_("publisher"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    phase = models.CharField(
        _("toolbox phase"),
        max_length=60,
        blank=True,
        help_text=_("For PARADIGM tools: planning, conducting, or reporting and evaluation."),
    )
    url = models.URLField(_("link"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects: ClassVar["ResourceManager[Resource]"] = ResourceManager()
    _default_manager: ClassVar["ResourceManager[Resource]"]

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title


# --- Editions and their goal tree --------------------------------------------------------


class Edition(TranslatedContent):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    # The English column modeltranslation adds (``translation.py``), which services read.
    title_en: str | None
    version_label = models.CharField(
        _("version label"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")],
        help_text=_("A short, unique label such as 2021.1."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    vision = models.TextField(_("vision"))
    vision_provenance = models.CharField(
        _("vision provenance"), max_length=16, choices=Provenance.choices
    )
    vision_source = models.TextField(_("vision source passage"), blank=True)
    mission = models.TextField(_("mission"))
    mission_provenance = models.CharField(
        _("mission provenance"), max_length=16, choices=Provenance.choices
    )
    mission_source = models.TextField(_("mission source passage"), blank=True)
    citation = models.TextField(_("citation"))
    doi = models.CharField(_("DOI"), max_length=100, blank=True)
    licence = models.CharField(_("licence"), max_length=60, default="CC BY 4.0")
    licence_url = models.URLField(
        _("licence link"), default="https://creativecommons.org/licenses/by/4.0/"
    )
    changelog = models.TextField(
        _("changelog"), blank=True, help_text=_("What changed since the previous edition.")
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_editions",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects: ClassVar["EditionManager[Edition]"] = EditionManager()
    _default_manager: ClassVar["EditionManager[Edition]"]

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="roadmap_one_published_edition",
                violation_error_message=_("Only one edition can be published at a time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version_label})"

    @property
    def is_editable(self) -> bool:
        """Only drafts change: published and archived editions are a record."""
        return self.status == self.Status.DRAFT


class GoalTreeItem(TranslatedContent, SourcedText):
    """What end goals, intermediate goals and actions share: a code, a title and a text."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE)
    code = models.CharField(_("code"), max_length=16)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # The edition is derived from the parent in clean(), so forms leave it
        # out; still check the per-edition unique code against it.
        if exclude and self.edition_id:
            exclude = set(exclude) - {"edition"}
        super().validate_constraints(exclude=exclude)


class EndGoal(GoalTreeItem):
    code = models.CharField(
        _("code"), max_length=16, validators=[RegexValidator(r"^EG\d+$", _("Use EG1, EG2, …"))]
    )

    objects: ClassVar["EndGoalManager[EndGoal]"] = EndGoalManager()
    _default_manager: ClassVar["EndGoalManager[EndGoal]"]

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("end goal")
        verbose_name_plural = _("end goals")
        default_related_name = "end_goals"
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="roadmap_endgoal_code"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("roadmap:end-goal", kwargs={"code": self.code})


class IntermediateGoal(GoalTreeItem):
    code = models.CharField(
        _("code"),
        max_length=16,
        validators=[RegexValidator(r"^IG\d+\.\d+$", _("Use IG1.1, IG1.2, …"))],
    )
    end_goal = models.ForeignKey(EndGoal, verbose_name=_("end goal"), on_delete=models.CASCADE)

    objects: ClassVar["IntermediateGoalManager[IntermediateGoal]"] = IntermediateGoalManager()
    _default_manager: ClassVar["IntermediateGoalManager[IntermediateGoal]"]

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("intermediate goal")
        verbose_name_plural = _("intermediate goals")
        default_related_name = "intermediate_goals"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"], name="roadmap_intermediategoal_code"
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("roadmap:intermediate-goal", kwargs={"code": self.code})

    def clean(self) -> None:
        # An intermediate goal always belongs to its end goal's edition.
        if self.end_goal_id:
            self.edition_id = self.end_goal.edition_id


class Action(GoalTreeItem):
    code = models.CharField(
        _("code"),
        max_length=16,
        validators=[RegexValidator(r"^A\d+\.\d+\.\d+$", _("Use A1.2.3"))],
    )
    intermediate_goal = models.ForeignKey(
        IntermediateGoal, verbose_name=_("intermediate goal"), on_delete=models.CASCADE
    )
    stakeholder_groups = models.ManyToManyField(
        StakeholderGroup, verbose_name=_("stakeholder groups"), related_name="actions"
    )
    targets_basis = models.CharField(
        _("why these groups"),
        max_length=20,
        choices=TargetsBasis.choices,
        default=TargetsBasis.VERBATIM,
    )
    other_actors = models.CharField(
        _("other actors"),
        max_length=300,
        blank=True,
        help_text=_(
            "Actors outside the eight groups that the paper names, such as learned societies."
        ),
    )
    dimension = models.ForeignKey(
        Dimension,
        verbose_name=_("dimension"),
        on_delete=models.PROTECT,
        related_name="actions",
        help_text=_("The paper does not tag actions: the dimension is the editors' judgement."),
    )
    resources = models.ManyToManyField(
        Resource, verbose_name=_("resources"), related_name="actions", blank=True
    )
    contributes_to = models.ManyToManyField(
        IntermediateGoal,
        verbose_name=_("contributes to"),
        related_name="contributing_actions",
        blank=True,
        help_text=_(
            "Intermediate goals of other branches of the same edition that this action also "
            "helps reach (besides its own, which it leads to)."
        ),
    )
    addresses_barriers = models.ManyToManyField(
        BarrierCategory,
        verbose_name=_("addresses barriers"),
        related_name="actions",
        blank=True,
        help_text=_(
            "The barrier categories this action helps overcome: the curators' mapping, per "
            "edition, read by the readiness summaries of the country and region pages."
        ),
    )
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("derived from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_actions",
        help_text=_("The action of an earlier edition this one was copied from."),
    )

    objects: ClassVar["ActionManager[Action]"] = ActionManager()
    _default_manager: ClassVar["ActionManager[Action]"]

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        default_related_name = "actions"
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="roadmap_action_code"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("roadmap:action", kwargs={"code": self.code})

    def clean(self) -> None:
        # An action always belongs to its intermediate goal's edition.
        if self.intermediate_goal_id:
            self.edition_id = self.intermediate_goal.edition_id


def contribution_problems(action: Action, goals: Collection[IntermediateGoal]) -> list[str]:
    """Why ``action`` cannot contribute to ``goals``: each must be of the action's edition
    and not its own intermediate goal (which it already leads to). Empty when it can."""
    problems = []
    for goal in goals:
        if goal.edition_id != action.edition_id:
            problems.append(
                _("%(code)s is not a goal of this action's edition.") % {"code": goal.code}
            )
        elif goal.pk == action.intermediate_goal_id:
            problems.append(
                _("%(code)s is the action's own intermediate goal: it already leads to it.")
                % {"code": goal.code}
            )
    return problems


class Assumption(TranslatedContent, SourcedText):
    """What must hold for a goal to be reached: an assumption of the theory of change.

    It sits under exactly one end goal or intermediate goal of its edition. Its code names
    that goal and a number, ``AS-EG1-1`` or ``AS-IG2.1-1``, so that a barrier report or a
    discontinued adoption can name it in any language.
    """

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="assumptions"
    )
    code = models.CharField(
        _("code"),
        max_length=24,
        validators=[
            RegexValidator(
                r"^AS-(EG\d+|IG\d+\.\d+)-\d+$",
                _("Use AS-EG1-1 or AS-IG1.2-1: AS-, the goal, a number."),
            )
        ],
    )
    end_goal = models.ForeignKey(
        EndGoal,
        verbose_name=_("end goal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assumptions",
    )
    intermediate_goal = models.ForeignKey(
        IntermediateGoal,
        verbose_name=_("intermediate goal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assumptions",
    )
    text = models.TextField(_("assumption"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects: ClassVar["MultilingualManager[Assumption]"]

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("assumption")
        verbose_name_plural = _("assumptions")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="roadmap_assumption_code"),
            models.CheckConstraint(
                condition=Q(end_goal__isnull=True, intermediate_goal__isnull=False)
                | Q(end_goal__isnull=False, intermediate_goal__isnull=True),
                name="roadmap_assumption_one_goal",
                violation_error_message=_(
                    "An assumption belongs to exactly one goal: an end goal or an "
                    "intermediate goal."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def goal(self) -> EndGoal | IntermediateGoal | None:
        return self.end_goal or self.intermediate_goal

    def clean(self) -> None:
        # An assumption belongs to its goal's edition, and its code names that goal.
        goal = self.goal
        if goal is None:
            return
        self.edition_id = goal.edition_id
        if self.code and not self.code.startswith(f"AS-{goal.code}-"):
            raise ValidationError(
                {
                    "code": _("The code of an assumption of %(goal)s starts with AS-%(goal)s-.")
                    % {"goal": goal.code}
                }
            )

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # As for the goal tree: the edition comes from the goal, so check the code against it.
        if exclude and self.edition_id:
            exclude = set(exclude) - {"edition"}
        super().validate_constraints(exclude=exclude)


class PulseStatement(TranslatedContent, SourcedText):
    """A statement of the attitude pulse, answered on a scale of 1 (strongly disagree) to 5.

    The pulse follows action A2.2.3: "a regular benchmarking exercise … to assess changing
    attitudes to the value of PE". Its statements are the editors' (``curated``) or the
    paper's, with the passage they come from, and are part of an edition like its goal tree.
    Members answer them in ``apps.pulse``; ``PU-1`` names a statement in every language.
    """

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="pulse_statements",
    )
    code = models.CharField(
        _("code"),
        max_length=12,
        validators=[RegexValidator(r"^PU-\d+$", _("Use PU- and a number: PU-1."))],
    )
    text = models.TextField(_("statement"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects: ClassVar["MultilingualManager[PulseStatement]"]

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("pulse statement")
        verbose_name_plural = _("pulse statements")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="roadmap_pulse_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"
