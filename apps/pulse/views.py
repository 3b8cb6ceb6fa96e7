"""The pulse page (/pulse/): a member answers the current statements once per period."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.requests import signed_in_user

from . import services
from .forms import PulseForm
from .selectors import answering_organisations, current_period, has_answered, pulse_statements


class PulseView(LoginRequiredMixin, View):
    template_name = "pulse/pulse.html"

    def _context(self, request: HttpRequest, form: PulseForm | None = None) -> dict[str, Any]:
        user = signed_in_user(request)
        period = current_period()
        statements = list(pulse_statements())
        organisations = answering_organisations(user=user)
        answered = has_answered(user=user, period=period)
        if form is None and statements and not answered and organisations:
            form = PulseForm(statements=statements, organisations=organisations)
        return {
            "period": period,
            "next_starts_on": date_format(period.next_starts_on),
            "has_statements": bool(statements),
            "is_member": organisations.exists(),
            "answered": answered,
            "form": form,
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, self._context(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        user = signed_in_user(request)
        form = PulseForm(
            request.POST,
            statements=list(pulse_statements()),
            organisations=answering_organisations(user=user),
        )
        if form.statements and form.organisations and form.is_valid():
            try:
                submission = services.pulse_submit(
                    user=user, organisation=form.chosen_organisation(), answers=form.answers()
                )
            except services.AlreadyAnswered as error:
                messages.info(request, error.message)
                return HttpResponseRedirect(reverse("pulse:answer"))
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    where = field if field in form.fields else NON_FIELD_ERRORS
                    for problem in problems:
                        form.add_error(None if where == NON_FIELD_ERRORS else where, problem)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your answers for %(period)s count in the benchmark, "
                        "compiled with others' and never shown on their own."
                    )
                    % {"period": submission.period},
                )
                return HttpResponseRedirect(reverse("pulse:answer"))
        context = self._context(request, form=form if form.statements else None)
        return render(request, self.template_name, context, status=200)
