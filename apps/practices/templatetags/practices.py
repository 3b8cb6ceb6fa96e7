"""The case studies of an action, on pages outside the practice library (the public action
page, which the roadmap app renders without knowing of this one).

``{% case_studies_of action.code as case_studies %}`` gives the published case studies of
the action with that code (in whichever edition it was adopted), newest first, at most
``ACTION_PAGE_LIMIT``, with their organisations. One query.
"""

from __future__ import annotations

from django import template

from ..models import CaseStudy

register = template.Library()

ACTION_PAGE_LIMIT = 10


@register.simple_tag
def case_studies_of(code: str) -> list[CaseStudy]:
    published = CaseStudy.objects.published().for_action_code(code)
    return list(
        published.select_related("organisation").order_by("-published_at")[:ACTION_PAGE_LIMIT]
    )
