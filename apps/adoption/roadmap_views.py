"""An organisation's own roadmap: the theory of change with where it stands on each action."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from apps.organisations.mixins import OrganisationPermissionMixin
from apps.organisations.permissions import Perm
from apps.roadmap.tocmap import theory_of_change

from .roadmap_overlay import ActionState, Overlay, published_overlay


def _action_note(action: ActionState) -> str:
    if action.adopted:
        return f"{action.percent}%{' ⏸' if action.dormant else ''}"
    if action.joint:  # another organisation's adoption, acted on together: not ours
        return "⇄ " + _("joint")
    return "–"


def overlay_notes(overlay: Overlay) -> dict[str, str]:
    """The short text each box of the picture carries: an action's status and percent
    complete ("not adopted" as a dash, "⇄ joint" where the organisation acts on another's
    adoption of it as a partner), a goal's progress."""
    notes = {a.code: _action_note(a) for a in overlay.actions}
    notes |= {
        g.code: f"{g.percent}% · {g.adopted}/{g.actions}"
        for g in [*overlay.goals, *overlay.end_goals]
    }
    return notes


class OrganisationRoadmapView(OrganisationPermissionMixin, TemplateView):
    """The published edition as a picture, with the organisation's own status on every
    action rolled up to the goals, a table of the same, and the actions to consider next."""

    permission = Perm.ADOPTION_VIEW
    template_name = "adoption/roadmap.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        found = published_overlay(self.organisation)
        context["edition"] = found and found[0]
        if found is None:
            return context
        edition, overlay = found
        context["overlay"] = overlay
        context["toc"] = theory_of_change(edition, notes=overlay_notes(overlay))
        context["can_write"] = self.can(Perm.ADOPTION_WRITE)
        return context
