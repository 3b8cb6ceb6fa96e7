"""The practice library's pages.

Public: ``/practices/`` (published case studies, filtered), a case study's page, its files
(public once it is published) and the Atom feed; cached for anonymous readers like the
roadmap's pages (``apps/roadmap/cache.py``; publishing one raises the content version).

The organisation's: ``/o/<slug>/practices/``, where members read the organisation's case
studies, writers (``adoption:write``) write, edit and submit them, and admins
(``practice:approve``) approve or return them. Outsiders get 404, members without the
permission 403 (``OrganisationPermissionMixin``).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView, View
from django_filters.views import FilterView

from apps.accounts.models import User
from apps.adoption.evidence import ALLOWED_TYPES
from apps.adoption.forms import FILES_LOST, add_service_errors
from apps.adoption.models import Adoption
from apps.core.downloads import file_download
from apps.core.pagination import Paginator
from apps.organisations.mixins import OrganisationPermissionMixin
from apps.organisations.permissions import Perm, has_org_permission
from apps.roadmap.cache import cached_page
from apps.roadmap.views import CachedForAnonymousMixin

from . import services
from .filters import CaseStudyFilter
from .forms import CaseStudyForm, ReturnForm
from .models import CaseStudy, CaseStudyFile, CaseStudyState

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 20
FEED_SIZE = 30


# --- Public --------------------------------------------------------------------------------


class PracticeListView(CachedForAnonymousMixin, FilterView):
    """Published case studies, newest first, filtered by action, stakeholder group, country,
    dimension and end goal. Invalid filter values list nothing (as the action catalogue)."""

    filterset_class = CaseStudyFilter
    template_name = "practices/list.html"
    context_object_name = "case_studies"
    paginate_by = PAGE_SIZE
    paginator_class = Paginator
    strict = True
    cache_params = (*CaseStudyFilter.Meta.fields, "page")

    def get_queryset(self) -> QuerySet[CaseStudy]:
        return CaseStudy.objects.published().for_listing()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        fields = CaseStudyFilter.Meta.fields
        context["filter_is_active"] = any(self.request.GET.get(f) for f in fields)
        context["filter_has_errors"] = self.filterset.is_bound and not self.filterset.is_valid()
        return context


class PracticeDetailView(CachedForAnonymousMixin, DetailView):
    template_name = "practices/detail.html"
    context_object_name = "case_study"

    def get_queryset(self) -> QuerySet[CaseStudy]:
        return CaseStudy.objects.published().for_listing().prefetch_related("files")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["files"] = _labelled(list(self.object.files.all()))
        return context


def _labelled(files: list[CaseStudyFile]) -> list[tuple[CaseStudyFile, str]]:
    return [(f, ALLOWED_TYPES.get(f.content_type, "").upper()) for f in files]


class PracticeFileView(View):
    """An attachment, as a download: to everyone once its case study is published, else
    to members of its organisation only (404 for anyone else, as for a missing file)."""

    def get(self, request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
        attachment = get_object_or_404(
            CaseStudyFile.objects.select_related("case_study__organisation"),
            pk=file_pk,
            case_study_id=pk,
        )
        case_study = attachment.case_study
        if not case_study.is_published and not has_org_permission(
            request.user, case_study.organisation, Perm.ADOPTION_VIEW
        ):
            raise Http404
        return file_download(
            attachment.file,
            filename=attachment.original_name or "attachment",
            content_type=attachment.content_type,
            public=case_study.is_published,
        )


class PracticeFeed(Feed):
    """The newest published case studies as an Atom feed (filters as on the page)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Practice library: case studies")
    subtitle = gettext_lazy(
        "How organisations put the patient engagement roadmap's actions into practice."
    )

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> CaseStudyFilter:
        return CaseStudyFilter(request.GET, queryset=CaseStudy.objects.published().for_listing())

    def link(self) -> str:
        return reverse("practices:list")

    def items(self, obj: CaseStudyFilter) -> list[CaseStudy]:
        if not obj.is_valid():
            return []
        return list(obj.qs.order_by("-published_at")[:FEED_SIZE])

    def item_title(self, item: CaseStudy) -> str:
        return f"{item.adoption.action.code} · {item.title}"

    def item_description(self, item: CaseStudy) -> str:
        # Text: the feed generator escapes it.
        return item.what_was_done[:1000]

    def item_author_name(self, item: CaseStudy) -> str:
        return item.organisation.name

    def item_pubdate(self, item: CaseStudy) -> Any:
        return item.published_at

    def item_updateddate(self, item: CaseStudy) -> Any:
        return item.updated_at

    def item_copyright(self, item: CaseStudy) -> str:
        return item.licence


def practice_feed(request: HttpRequest) -> HttpResponseBase:
    return cached_page(request, lambda: PracticeFeed()(request), params=CaseStudyFilter.Meta.fields)


# --- The organisation's --------------------------------------------------------------------


class _OrganisationPracticesMixin(OrganisationPermissionMixin):
    def case_studies(self) -> QuerySet[CaseStudy]:
        return CaseStudy.objects.for_organisation(self.organisation).for_listing()

    @cached_property
    def case_study(self) -> CaseStudy:
        return get_object_or_404(self.case_studies(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_write"] = self.can(Perm.ADOPTION_WRITE)
        context["can_approve"] = self.can(Perm.PRACTICE_APPROVE)
        return context


class OrganisationPracticeListView(_OrganisationPracticesMixin, TemplateView):
    permission = Perm.ADOPTION_VIEW
    template_name = "practices/org_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        case_studies = list(self.case_studies().order_by("-updated_at"))
        context["case_studies"] = case_studies
        context["awaiting_approval"] = [
            c for c in case_studies if c.state == CaseStudyState.SUBMITTED
        ]
        return context


class OrganisationPracticeDetailView(_OrganisationPracticesMixin, TemplateView):
    permission = Perm.ADOPTION_VIEW
    template_name = "practices/org_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["case_study"] = self.case_study
        context["files"] = _labelled(list(self.case_study.files.all()))
        context["return_form"] = ReturnForm()
        return context


class _CaseStudyFormView(_OrganisationPracticesMixin, FormView):
    permission = Perm.ADOPTION_WRITE
    form_class = CaseStudyForm
    template_name = "practices/form.html"

    def form_invalid(self, form: Any) -> HttpResponse:
        if self.request.FILES.getlist("files"):
            form.add_error("files", str(FILES_LOST))
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def save(self, form: CaseStudyForm) -> CaseStudy:
        raise NotImplementedError

    def form_valid(self, form: CaseStudyForm) -> HttpResponse:
        try:
            case_study = self.save(form)
        except ValidationError as error:
            # A ModelForm, where the helper is typed for a Form: it uses add_error and fields only.
            add_service_errors(cast(forms.Form, form), error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The case study is saved. Submit it when it is ready for your organisation's admin."),
        )
        return redirect(case_study.get_organisation_url())


class CaseStudyCreateView(_CaseStudyFormView):
    """Write a case study from one of the organisation's adoptions (``?adoption=<id>``
    chooses it)."""

    def adoptions(self) -> QuerySet[Adoption]:
        return Adoption.objects.for_organisation(self.organisation).select_related("action")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "adoptions": self.adoptions()}

    def get_initial(self) -> dict[str, Any]:
        asked = self.request.GET.get("adoption", "")
        return {"adoption": int(asked)} if asked.isdigit() else {}

    def save(self, form: CaseStudyForm) -> CaseStudy:
        return services.case_study_create(
            adoption=form.cleaned_data["adoption"],
            by=self.user,
            files=form.uploads(),
            **form.case_study_fields(),
        )


class CaseStudyEditView(_CaseStudyFormView):
    """Change a draft or a returned case study; any other is not editable (the page says)."""

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.case_study}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "case_study": self.case_study}

    def save(self, form: CaseStudyForm) -> CaseStudy:
        return services.case_study_update(
            case_study=self.case_study,
            by=self.user,
            files=form.uploads(),
            remove_files=form.removed_files(),
            **form.case_study_fields(),
        )


class _MoveView(_OrganisationPracticesMixin, View):
    """A POST that moves the case study on; a refused move comes back as a message."""

    http_method_names = ["post"]
    done: StrOrPromise = ""

    def move(self, case_study: CaseStudy, user: User) -> CaseStudy:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.move(self.case_study, self.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.case_study.get_organisation_url())
        messages.success(request, str(self.done))
        return redirect(self.case_study.get_organisation_url())


class CaseStudySubmitView(_MoveView):
    permission = Perm.ADOPTION_WRITE
    done = gettext_lazy("Submitted: your organisation's admins are asked to approve it.")

    def move(self, case_study: CaseStudy, user: User) -> CaseStudy:
        return services.case_study_submit(case_study=case_study, by=user)


class CaseStudyApproveView(_MoveView):
    permission = Perm.PRACTICE_APPROVE
    done = gettext_lazy("Approved: the portal's moderators will publish it.")

    def move(self, case_study: CaseStudy, user: User) -> CaseStudy:
        return services.case_study_approve(case_study=case_study, by=user)


class CaseStudyReturnView(_OrganisationPracticesMixin, FormView):
    """Return a submitted case study to its author with a reason (a required field)."""

    permission = Perm.PRACTICE_APPROVE
    form_class = ReturnForm
    template_name = "practices/return.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "case_study": self.case_study}

    def form_valid(self, form: ReturnForm) -> HttpResponse:
        try:
            services.case_study_return(
                case_study=self.case_study, by=self.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Returned: its author has been told why."))
        return redirect(self.case_study.get_organisation_url())

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
