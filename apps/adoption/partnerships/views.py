"""The pages of joint commitments (issue 17): the organisation's partnerships, one partnership
(the target of the emails' links) with its answers, withdrawal and shared objectives, and
what the adoption page's "Partners" section needs (:func:`partners_context`).

Reading needs ``ADOPTION_VIEW``; every move (asking, answering, withdrawing, proposing or
confirming an objective, confirming an entry) needs ``ADOPTION_MANAGE`` (admins and PE
leads), through the one check (``OrganisationPermissionMixin``). A partnership is found among
those involving the organisation in the URL, as its adoption's organisation or as the
partner: anyone else gets 404, and only the partner's side finds a request to answer. Moves
are POST forms; a refusal of the service answers 400 with the page, its message and what was
typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from apps.organisations.permissions import Perm

from ..forms import add_service_errors
from ..mixins import OrganisationAdoptionsMixin
from ..models import Partnership, PartnershipState, SharedObjective
from . import services
from .forms import ObjectiveForm, PartnershipRequestForm

if TYPE_CHECKING:
    from apps.organisations.models import Organisation

    from ..models import Adoption, ProgressEntry
    from .querysets import PartnershipQuerySet


def _confirmable(
    entries: list[ProgressEntry], organisation: Organisation, sides: set[int]
) -> set[int]:
    """The entries the organisation may confirm: it acts on the adoption, did not write them
    and has not confirmed them yet (the template offers the button to its managers)."""
    if organisation.pk not in sides:
        return set()
    return {
        entry.pk
        for entry in entries
        if entry.organisation_id != organisation.pk
        and organisation.pk not in {c.organisation_id for c in entry.confirmation_list}
    }


def partners_context(
    view: OrganisationAdoptionsMixin, adoption: Adoption, entries: list[ProgressEntry]
) -> dict[str, Any]:
    """The adoption page's "Partners" section: to the adoption's organisation every request it
    made, with an invite form for its managers; to a partner, the accepted partnerships. Also
    which entries the organisation may confirm. One query."""
    organisation = view.organisation
    is_partner = adoption.organisation_id != organisation.pk
    rows = adoption.partnerships.for_listing()
    partnerships = list(rows.accepted() if is_partner else rows)
    accepted = {p.partner_id for p in partnerships if p.is_accepted}
    can_manage = view.can(Perm.ADOPTION_MANAGE)
    context: dict[str, Any] = {
        "is_partner": is_partner,
        "partnerships": partnerships,
        "is_joint": bool(accepted),
        "can_manage": can_manage,
    }
    context["confirmable"] = _confirmable(
        entries, organisation, {adoption.organisation_id, *accepted}
    )
    if can_manage and not is_partner and not adoption.is_read_only:
        search = view.request.GET.get("find", "").strip()[:100].replace("\x00", "")
        context["find"] = search
        context["invite_form"] = getattr(view, "invite_form", None) or PartnershipRequestForm(
            organisation=organisation, search=search
        )
    return context


# --- The organisation's partnerships -------------------------------------------------------


class PartnershipListView(OrganisationAdoptionsMixin, TemplateView):
    """The requests the organisation made (for its adoptions) and those it received."""

    permission = Perm.ADOPTION_VIEW
    template_name = "adoption/partnerships.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = list(Partnership.objects.involving(self.organisation).for_listing())
        context["made"] = [p for p in rows if p.adoption.organisation_id == self.organisation.pk]
        context["received"] = [p for p in rows if p.partner_id == self.organisation.pk]
        return context


class PartnershipDetailView(OrganisationAdoptionsMixin, TemplateView):
    """One partnership as one side sees it: its state, the answer or withdrawal buttons, and
    the shared objectives. Both sides open it (each under its own address); anyone else 404."""

    permission = Perm.ADOPTION_VIEW
    template_name = "adoption/partnership.html"
    objective_form: ObjectiveForm | None = None
    errors: list[str]

    def partnerships(self) -> PartnershipQuerySet:
        return Partnership.objects.involving(self.organisation)

    @cached_property
    def partnership(self) -> Partnership:
        objectives = SharedObjective.objects.select_related(
            "proposed_by_organisation", "proposed_by", "confirmed_by"
        )
        rows = self.partnerships().for_listing().select_related("answered_by")
        rows = rows.prefetch_related(Prefetch("objectives", queryset=objectives))
        return get_object_or_404(rows, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partnership = self.partnership
        owner = partnership.adoption.organisation
        is_owner = owner.pk == self.organisation.pk
        accepted = partnership.is_accepted
        can_manage = self.can(Perm.ADOPTION_MANAGE)
        objectives = list(partnership.objectives.all())
        confirmable = {
            objective.pk
            for objective in objectives
            if accepted
            and can_manage
            and not objective.is_confirmed
            and objective.proposed_by_organisation_id != self.organisation.pk
        }
        context |= {
            "partnership": partnership,
            "adoption": partnership.adoption,
            "owner": owner,
            "other": partnership.partner if is_owner else owner,
            "is_owner": is_owner,
            "can_manage": can_manage,
            # The adoption's page, under this organisation's address, while it may open it.
            "adoption_visible": is_owner or accepted,
            "can_answer": can_manage
            and not is_owner
            and partnership.state == PartnershipState.PENDING,
            "can_withdraw": can_manage
            and partnership.state in (PartnershipState.PENDING, PartnershipState.ACCEPTED),
            "objectives": objectives,
            "confirmable": confirmable,
            "errors": getattr(self, "errors", []),
        }
        if accepted and can_manage:
            context["objective_form"] = self.objective_form or ObjectiveForm()
        return context


class _PartnershipMove(PartnershipDetailView):
    """A POST that changes the partnership: the service's refusal answers 400 with the page."""

    permission = Perm.ADOPTION_MANAGE
    http_method_names = ["post"]
    done = ""

    def move(self) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.move()
        except ValidationError as error:
            return self.refused(list(error.messages))
        return self.succeeded()

    def succeeded(self) -> HttpResponse:
        messages.success(self.request, self.done)
        return redirect("adoption:partnership", slug=self.organisation.slug, pk=self.partnership.pk)

    def refused(self, errors: list[str]) -> HttpResponse:
        self.errors = errors
        self.__dict__.pop("partnership", None)  # read again: the state as it is now
        response = self.render_to_response(self.get_context_data())
        response.status_code = 400
        return response


class PartnershipAcceptView(_PartnershipMove):
    def partnerships(self) -> PartnershipQuerySet:
        return Partnership.objects.filter(partner=self.organisation)

    def move(self) -> None:
        services.partnership_accept(
            partnership=self.partnership, organisation=self.organisation, by=self.user
        )
        self.done = _("You accepted to act on %(code)s together with %(owner)s.") % {
            "code": self.partnership.adoption.action.code,
            "owner": self.partnership.adoption.organisation.name,
        }


class PartnershipDeclineView(PartnershipAcceptView):
    def move(self) -> None:
        services.partnership_decline(
            partnership=self.partnership, organisation=self.organisation, by=self.user
        )
        self.done = _("You declined the request of %(owner)s.") % {
            "owner": self.partnership.adoption.organisation.name
        }


class PartnershipWithdrawView(_PartnershipMove):
    def move(self) -> None:
        services.partnership_withdraw(
            partnership=self.partnership, organisation=self.organisation, by=self.user
        )
        self.done = _("The partnership is withdrawn.")


class ObjectiveProposeView(_PartnershipMove):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ObjectiveForm(request.POST)
        if form.is_valid():
            try:
                services.objective_propose(
                    partnership=self.partnership,
                    organisation=self.organisation,
                    by=self.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):  # the partnership's state: no form then
                    return self.refused(list(error.messages))
                add_service_errors(form, error)
            else:
                self.done = _("The objective is proposed: the other side confirms it.")
                return self.succeeded()
        self.objective_form = form
        return self.refused([])


class ObjectiveConfirmView(_PartnershipMove):
    def move(self) -> None:
        objective = get_object_or_404(
            SharedObjective.objects.filter(partnership=self.partnership),
            pk=self.kwargs["objective_pk"],
        )
        services.objective_confirm(
            objective=objective, organisation=self.organisation, by=self.user
        )
        self.done = _("You confirmed the objective.")
