"""The mixins of the organisation's adoption pages (``views``, ``assessment_views``,
``partnerships.views``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic.edit import FormMixin

from apps.organisations.mixins import OrganisationPermissionMixin
from apps.organisations.permissions import Perm

from .models import Adoption
from .querysets import AdoptionQuerySet


class OrganisationAdoptionsMixin(OrganisationPermissionMixin):
    """Reads scoped to the organisation in the URL: its own adoptions, and on the pages an
    accepted partner shares (``joint``) those it acts on jointly (issue 17)."""

    joint = False

    def adoptions(self) -> AdoptionQuerySet:
        if self.joint:
            return Adoption.objects.visible_to(self.organisation)
        return Adoption.objects.for_organisation(self.organisation)

    def get_adoption(self, queryset: QuerySet[Adoption] | None = None) -> Adoption:
        queryset = queryset if queryset is not None else self.adoptions().for_listing()
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_write"] = self.can(Perm.ADOPTION_WRITE)
        context["can_import"] = self.can(Perm.ADOPTION_MANAGE)
        return context


class InvalidIs400(FormMixin):
    """Forms that fail validation answer 400, so that clients and tests can tell."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
