import factory
from django.utils import timezone

from apps.practices.models import CaseStudy, CaseStudyState
from tests.adoption.factories import AdoptionFactory


class CaseStudyFactory(factory.django.DjangoModelFactory):
    """A draft case study; ``published=True`` makes one in the practice library."""

    class Meta:
        model = CaseStudy

    class Params:
        published = factory.Trait(
            state=CaseStudyState.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )

    adoption = factory.SubFactory(AdoptionFactory)
    organisation = factory.SelfAttribute("adoption.organisation")
    title = factory.Sequence(lambda n: f"Patient panel number {n}")
    what_was_done = "We set up a patient panel that meets every quarter."
    for_whom = "People living with rare diseases and their carers."
    outcomes = "Three protocols changed after the panel's advice."
    lessons = "Pay panel members for their time from the first meeting."
    cost = "About 4,000 euros a year, and two days of staff time a month."
