import factory
from django.conf import settings
from django.utils import translation

from apps.roadmap import models


class ContentFactory(factory.django.DjangoModelFactory):
    """Roadmap content for a test to stand on: English texts, and no history rows.

    Texts such as ``title="…"`` are written as the English text, whatever language is
    active: modeltranslation stores ``title`` in the active language's column (``title_pl``
    in a Polish request), so a factory running after a Polish request would otherwise
    write Polish texts and no English ones.

    django-simple-history writes a row for every save and every change of an action's
    links, and reads each of the item's links again for it: three quarters of the time a
    small roadmap takes to build (and the small roadmap is under hundreds of tests). What a
    factory builds is scaffolding, so it is written without those rows; what the code
    under test then writes gets its history as always (``tests/roadmap/test_history.py``
    and the editions' tests check it through the services and the loader). A factory
    with ``django_get_or_create`` (groups, dimensions) writes its rows as usual.
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> object:
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            if cls._meta.django_get_or_create:
                return super()._create(model_class, *args, **kwargs)
            instance = model_class(*args, **kwargs)
            instance.skip_history_when_saving = True  # until its links are set, below
            instance.save(force_insert=True)
            return instance

    @classmethod
    def _after_postgeneration(cls, instance: object, create: bool, results: object = None) -> None:
        super()._after_postgeneration(instance, create, results)
        vars(instance).pop("skip_history_when_saving", None)


class StakeholderGroupFactory(ContentFactory):
    class Meta:
        model = models.StakeholderGroup
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Stakeholder group {n}")
    short_name = factory.Sequence(lambda n: f"Group {n}")


class DimensionFactory(ContentFactory):
    class Meta:
        model = models.Dimension
        django_get_or_create = ("slug",)

    slug = factory.Iterator(["culture", "processes", "resources"])
    name = factory.LazyAttribute(lambda o: o.slug.title())
    purpose = "to drive stakeholder alignment."


class BarrierCategoryFactory(ContentFactory):
    class Meta:
        model = models.BarrierCategory

    slug = factory.Sequence(lambda n: f"barrier-{n}")
    name = factory.Sequence(lambda n: f"Barrier category {n}")


class ResourceFactory(ContentFactory):
    class Meta:
        model = models.Resource

    slug = factory.Sequence(lambda n: f"resource-{n}")
    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = models.Resource.Kind.GUIDANCE


class EditionFactory(ContentFactory):
    class Meta:
        model = models.Edition

    title = "PE Sustainability Roadmap"
    version_label = factory.Sequence(lambda n: f"test-{n}")
    status = models.Edition.Status.DRAFT
    vision = "Meaningful and sustainable PE for better health outcomes."
    vision_provenance = models.Provenance.RECONSTRUCTED
    mission = "Support systematic change in all stakeholder organisations."
    mission_provenance = models.Provenance.RECONSTRUCTED
    citation = "Cavaller-Bellaubi M, et al. Ther Innov Regul Sci 2021;55(5):936-953."
    doi = "10.1007/s43441-021-00282-z"

    class Params:
        published = factory.Trait(
            status=models.Edition.Status.PUBLISHED,
            published_at=factory.Faker("past_datetime", tzinfo=factory.Faker("pytimezone")),
        )


class EndGoalFactory(ContentFactory):
    class Meta:
        model = models.EndGoal

    # The published edition, made once: only one edition can be published at a time.
    edition = factory.LazyFunction(
        lambda: models.Edition.objects.current() or EditionFactory(published=True)
    )
    code = factory.Sequence(lambda n: f"EG{n + 1}")
    title = factory.Sequence(lambda n: f"End goal {n + 1}")
    provenance = models.Provenance.VERBATIM
    order = factory.Sequence(lambda n: n)


class IntermediateGoalFactory(ContentFactory):
    class Meta:
        model = models.IntermediateGoal

    end_goal = factory.SubFactory(EndGoalFactory)
    edition = factory.SelfAttribute("end_goal.edition")
    code = factory.Sequence(lambda n: f"IG{n + 1}.1")
    title = factory.Sequence(lambda n: f"Intermediate goal {n + 1}")
    provenance = models.Provenance.RECONSTRUCTED
    order = factory.Sequence(lambda n: n)


class ActionFactory(ContentFactory):
    class Meta:
        model = models.Action
        skip_postgeneration_save = True

    intermediate_goal = factory.SubFactory(IntermediateGoalFactory)
    edition = factory.SelfAttribute("intermediate_goal.edition")
    code = factory.Sequence(lambda n: f"A{n + 1}.1.1")
    title = factory.Sequence(lambda n: f"Action {n + 1}")
    description = "Do something that sustains patient engagement."
    provenance = models.Provenance.PARAPHRASE
    dimension = factory.SubFactory(DimensionFactory)
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def stakeholder_groups(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if not create:
            return
        groups = extracted if extracted is not None else [StakeholderGroupFactory()]
        self.stakeholder_groups.set(groups)


class AssumptionFactory(ContentFactory):
    """An assumption of an intermediate goal (pass ``end_goal=…, intermediate_goal=None`` for
    an end goal's); its code follows the goal's."""

    class Meta:
        model = models.Assumption

    intermediate_goal = factory.SubFactory(IntermediateGoalFactory)
    end_goal = None
    edition = factory.LazyAttribute(lambda o: (o.end_goal or o.intermediate_goal).edition)
    code = factory.LazyAttributeSequence(
        lambda o, n: f"AS-{(o.end_goal or o.intermediate_goal).code}-{n + 1}"
    )
    text = factory.Sequence(lambda n: f"Assumption {n + 1} holds.")
    provenance = models.Provenance.CURATED
    source_passage = "Trust is one of the critical underlying factors."
    order = factory.Sequence(lambda n: n)


class PulseStatementFactory(ContentFactory):
    """A statement of an edition's attitude pulse: ``PU-1``, ``PU-2``, …"""

    class Meta:
        model = models.PulseStatement

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"PU-{n + 1}")
    text = factory.Sequence(lambda n: f"Statement {n + 1} holds for us.")
    provenance = models.Provenance.CURATED
    source_passage = "Trust is one of the critical underlying factors."
    order = factory.Sequence(lambda n: n)


def action_admin_form(action: models.Action, **changes: object) -> dict:
    """The admin's change form data for ``action``, English texts and all, with ``changes``.

    Translations (``title_pl``…) are posted as they are, empty when there are none.
    """
    translated = ("title", "description", "other_actors")
    data = {
        "intermediate_goal": action.intermediate_goal_id,
        "code": action.code,
        "order": action.order,
        "stakeholder_groups": [g.pk for g in action.stakeholder_groups.all()],
        "targets_basis": action.targets_basis,
        "dimension": action.dimension_id,
        "resources": [],
        "provenance": action.provenance,
        "source_passage": action.source_passage,
    }
    for field in translated:
        for code, _name in settings.LANGUAGES:
            name = f"{field}_{code}"
            data[name] = getattr(action, name) or ""
    data.update(changes)
    return data


def build_small_roadmap(edition: models.Edition | None = None) -> models.Edition:
    """A published edition (the one given, else a new "2021") with 2 end goals × 2
    intermediate goals × 2 actions: the ``small_roadmap`` fixture's, and a module-scoped
    world's."""
    published_edition = edition or EditionFactory(published=True, version_label="2021")
    groups = [
        StakeholderGroupFactory(slug="patient-organisations", name="Patients and POs"),
        StakeholderGroupFactory(slug="hta-bodies", name="HTA bodies"),
    ]
    dims = [DimensionFactory(slug=s, name=s.title()) for s in ("culture", "processes")]
    for e in (1, 2):
        eg = EndGoalFactory(edition=published_edition, code=f"EG{e}", title=f"End goal {e}")
        for i in (1, 2):
            ig = IntermediateGoalFactory(
                end_goal=eg, code=f"IG{e}.{i}", title=f"Intermediate goal {e}.{i}"
            )
            for a in (1, 2):
                ActionFactory(
                    intermediate_goal=ig,
                    code=f"A{e}.{i}.{a}",
                    title=f"Action {e}.{i}.{a}",
                    dimension=dims[a - 1],
                    stakeholder_groups=[groups[(e + a) % 2]],
                )
    return published_edition
