import factory
from django.utils import timezone

from apps.adoption import models
from tests.organisations.factories import OrganisationFactory
from tests.roadmap.factories import ActionFactory


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Adoption

    organisation = factory.SubFactory(OrganisationFactory)
    action = factory.SubFactory(ActionFactory)
    status = models.AdoptionStatus.IN_PROGRESS


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgressEntry

    adoption = factory.SubFactory(AdoptionFactory)
    organisation = factory.LazyAttribute(lambda entry: entry.adoption.organisation)
    entry_date = factory.LazyFunction(timezone.localdate)
    narrative = "Held a workshop with the patient advisory board."


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Metric
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"metric-{n}")
    name = factory.Sequence(lambda n: f"Metric {n}")
    kind = models.Metric.Kind.COUNT
    component = models.Metric.Component.ACTIVITIES
