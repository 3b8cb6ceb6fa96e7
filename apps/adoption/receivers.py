from typing import Any

from django.dispatch import receiver

from apps.roadmap.signals import edition_published

from .carry_over import adoptions_carry_over


@receiver(edition_published)
def carry_adoptions_over(
    sender: Any, edition: Any, previous: Any, mapping: Any, by: Any, **kwargs: Any
) -> None:
    if previous is not None:
        adoptions_carry_over(previous=previous, edition=edition, mapping=mapping, by=by)
