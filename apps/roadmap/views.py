"""Public pages of the roadmap: read-only, no sign-in, no JavaScript needed.

Views only pick the published edition's items (QuerySet methods in
``querysets.py``) and render them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView, View
from django_filters.views import FilterView

from .cache import cached_page
from .filters import ActionFilter
from .glossary import glossary_sections
from .models import Action, Edition, EndGoal, IntermediateGoal, Resource, StakeholderGroup
from .tocmap import theory_of_change

# --- Pages ----------------------------------------------------------------------------


class CachedForAnonymousMixin(View):
    """Anonymous readers get the page from the cache, per published edition, content
    version, language and address (``cache.py``); signed-in readers get it rendered.
    ``cache_params`` are the query parameters the page reads."""

    cache_params: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return cached_page(
            request,
            lambda: super(CachedForAnonymousMixin, self).dispatch(request, *args, **kwargs),
            params=self.cache_params,
        )


class HomeView(CachedForAnonymousMixin, TemplateView):
    """What the roadmap is, its vision, mission and end goals, and where to start."""

    template_name = "roadmap/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # None before any edition is published: the template says so instead of failing.
        context["edition"] = Edition.objects.published().prefetch_related("end_goals").first()
        context["stakeholder_groups"] = StakeholderGroup.objects.all()
        # The changelog: what each published edition changed, newest first (drafts are not
        # news yet). Editions are few; one with no changelog (in any language) has no entry.
        released = Edition.objects.exclude(status=Edition.Status.DRAFT).order_by("-published_at")
        context["releases"] = [release for release in released if release.changelog]
        return context


class RoadmapMapView(CachedForAnonymousMixin, TemplateView):
    """The whole roadmap on one page, in a fixed number of queries."""

    template_name = "roadmap/map.html"
    cache_params = ("group",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        edition = Edition.objects.published().with_goal_tree().with_assumptions().first()
        context["edition"] = edition
        if edition is None:
            return context
        groups = list(StakeholderGroup.objects.all())
        asked = self.request.GET.get("group", "").strip()
        group = next((g for g in groups if g.slug == asked), None)
        if asked and group is None:
            context["group_error"] = _(
                "There is no stakeholder group “%(group)s”: choose one from the list."
            ) % {"group": asked[:60]}
        context["groups"] = groups
        context["group"] = group
        context["toc"] = theory_of_change(edition, group=group.slug if group else "")
        return context


class _PublishedItemDetailView(CachedForAnonymousMixin, DetailView):
    """Find an item of the published edition by its code; unknown codes are a 404."""

    slug_field = "code"
    slug_url_kwarg = "code"

    def get_object(self, queryset: QuerySet | None = None) -> Any:
        # No code holds a NUL, and PostgreSQL refuses one in a query (a 500, not a 404).
        if "\x00" in self.kwargs[self.slug_url_kwarg]:
            raise Http404
        return super().get_object(queryset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["edition"] = self.object.edition
        return context


class EndGoalDetailView(_PublishedItemDetailView):
    template_name = "roadmap/end_goal_detail.html"
    context_object_name = "end_goal"

    def get_queryset(self) -> QuerySet[EndGoal]:
        return EndGoal.objects.published().with_children()


class IntermediateGoalDetailView(_PublishedItemDetailView):
    template_name = "roadmap/intermediate_goal_detail.html"
    context_object_name = "intermediate_goal"

    def get_queryset(self) -> QuerySet[IntermediateGoal]:
        return IntermediateGoal.objects.published().with_children()


class ActionDetailView(_PublishedItemDetailView):
    template_name = "roadmap/action_detail.html"
    context_object_name = "action"

    def get_queryset(self) -> QuerySet[Action]:
        return Action.objects.published().for_detail().select_related("edition")


class ActionListView(CachedForAnonymousMixin, FilterView):
    """The action catalogue: filter by group, dimension and end goal, and search.

    The filters are ``ActionFilter``, shared with the API. When a filter value is
    invalid (``?dimension=nope``) the page shows the form's errors and *no*
    actions (``strict``): listing actions that ignore part of what the reader
    asked for would look like an answer to their question when it is not.
    """

    filterset_class = ActionFilter
    template_name = "roadmap/action_list.html"
    context_object_name = "actions"
    strict = True
    cache_params = tuple(ActionFilter.Meta.fields)

    def get_queryset(self) -> QuerySet[Action]:
        return Action.objects.published().for_listing()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_is_active"] = any(self.request.GET.get(f) for f in ActionFilter.Meta.fields)
        context["filter_has_errors"] = self.filterset.is_bound and not self.filterset.is_valid()
        return context


class ResourceListView(CachedForAnonymousMixin, TemplateView):
    """The PARADIGM tools and the guidance the roadmap points to, by kind, each with the
    actions of the published edition it serves."""

    template_name = "roadmap/resources.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        resources = list(Resource.objects.with_published_actions())
        context["kinds"] = [
            (value, label, [r for r in resources if r.kind == value])
            for value, label in Resource.Kind.choices
            if any(r.kind == value for r in resources)
        ]
        return context


class GlossaryView(TemplateView):
    """Plain-language explanations of the words the portal uses (``glossary.py``)."""

    template_name = "roadmap/glossary.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sections"] = glossary_sections()
        return context
