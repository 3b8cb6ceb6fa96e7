"""Peer uptake of an action on pages outside the benchmarks (the public action page).

``{% action_uptake_of action.code as uptake %}`` gives the :class:`~apps.benchmarking.uptake.Uptake`
of the latest published snapshot, or None when no snapshot is published or the action has
no figure in it. One query.
"""

from __future__ import annotations

from django import template

from ..uptake import Uptake, action_uptake

register = template.Library()


@register.simple_tag
def action_uptake_of(code: str) -> Uptake | None:
    return action_uptake().get(code)
