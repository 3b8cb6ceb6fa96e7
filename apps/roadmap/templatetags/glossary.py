"""Links from any page to a term of the glossary (``/glossary/#slug``).

    {% load glossary %}
    {% glossary_link "hta" %}                                  → the term's own name
    {% glossary_link "stakeholder-group" _("What is a stakeholder group?") %}
    {% glossary_link action.dimension|glossary_slug %}         → a dimension or group entry

The link is an ordinary underlined link (not colour alone), and its accessible name
ends in "(glossary)" for screen-reader users who list the page's links.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..glossary import TERMS_BY_SLUG, TermList, dimension_anchor, group_anchor, term_lists
from ..models import Dimension, StakeholderGroup

register = template.Library()


@register.simple_tag
def glossary_url(slug: str) -> str:
    """The address of a glossary entry."""
    return f"{reverse('roadmap:glossary')}#{slug}"


@register.filter
def glossary_slug(value: object) -> str:
    """The glossary anchor of a stakeholder group or a dimension; a string is kept as it is."""
    if isinstance(value, StakeholderGroup):
        return group_anchor(value.slug)
    if isinstance(value, Dimension):
        return dimension_anchor(value.slug)
    return str(value)


@register.simple_tag
def glossary_link(slug: str, label: object = None) -> SafeString:
    """A link to the glossary entry ``slug``, labelled with the term itself unless given."""
    if label is None:
        term = TERMS_BY_SLUG.get(slug)
        label = term.term if term is not None else slug
    return format_html(
        '<a class="glossary-link" href="{}">{}<span class="visually-hidden"> ({})</span></a>',
        glossary_url(slug),
        label,
        _("glossary"),
    )


@register.simple_tag
def glossary_term_lists() -> list[TermList]:
    """Each language's term list, the reader's first: ``{% glossary_term_lists as lists %}``."""
    return term_lists()
