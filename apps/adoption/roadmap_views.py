"""An organisation's own roadmap: the theory of change with where it stands on each action."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from apps.organisations.mixins import OrganisationPermissionMixin
from apps.organisations.permissions import Perm

from .roadmap_overlay import overlay_fragment


class OrganisationRoadmapView(OrganisationPermissionMixin, TemplateView):
    """The published edition as a picture, with the organisation's own status on every
    action rolled up to the goals, a table of the same, and the actions to consider next."""

    permission = Perm.ADOPTION_VIEW
    template_name = "adoption/roadmap.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        fragment = overlay_fragment(self.organisation, can_write=self.can(Perm.ADOPTION_WRITE))
        context["edition"] = fragment.kept["edition"]  # the footer cites it
        context["overlay"] = fragment
        return context
