import factory

from apps.roadmap import models


class StakeholderGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StakeholderGroup
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Stakeholder group {n}")
    short_name = factory.Sequence(lambda n: f"Group {n}")


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Dimension
        django_get_or_create = ("slug",)

    slug = factory.Iterator(["culture", "processes", "resources"])
    name = factory.LazyAttribute(lambda o: o.slug.title())
    purpose = "to drive stakeholder alignment."


class BarrierCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BarrierCategory

    slug = factory.Sequence(lambda n: f"barrier-{n}")
    name = factory.Sequence(lambda n: f"Barrier category {n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Resource

    slug = factory.Sequence(lambda n: f"resource-{n}")
    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = models.Resource.Kind.GUIDANCE


class EditionFactory(factory.django.DjangoModelFactory):
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


class EndGoalFactory(factory.django.DjangoModelFactory):
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


class IntermediateGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IntermediateGoal

    end_goal = factory.SubFactory(EndGoalFactory)
    edition = factory.SelfAttribute("end_goal.edition")
    code = factory.Sequence(lambda n: f"IG{n + 1}.1")
    title = factory.Sequence(lambda n: f"Intermediate goal {n + 1}")
    provenance = models.Provenance.RECONSTRUCTED
    order = factory.Sequence(lambda n: n)


class ActionFactory(factory.django.DjangoModelFactory):
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
