"""Forms of the joint commitment pages: asking an organisation to act together, proposing a
shared objective. They parse input; the services check the rules (``services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation

from ..forms import DateInput
from .models import MESSAGE_MAX_LENGTH, OBJECTIVE_MAX_LENGTH

# How many verified organisations the invite form offers at once, by name (a search narrows).
PARTNER_CHOICES_LIMIT = 200


def partner_choices(organisation: Organisation, search: str = "", chosen: Any = None) -> QuerySet:
    """Verified organisations other than ``organisation`` whose name contains ``search`` (a
    search narrows a long list), the first PARTNER_CHOICES_LIMIT by name, plus the one already
    ``chosen`` (a posted id), so that a choice outside the first ones is still accepted."""
    candidates = Organisation.objects.verified().exclude(pk=organisation.pk)
    if search:
        candidates = candidates.filter(name__icontains=search)
    # A subquery: the page reads the choices in one query.
    keep = Q(pk__in=candidates.order_by("name").values("pk")[:PARTNER_CHOICES_LIMIT])
    if chosen is not None and str(chosen).isdigit() and len(str(chosen)) < 10:
        keep |= Q(pk__in=candidates.filter(pk=int(chosen)).values("pk"))
    return Organisation.objects.filter(keep).order_by("name")


class PartnershipRequestForm(forms.Form):
    """Ask a verified organisation to act on the adoption together, with a message."""

    partner = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        help_text=_("Verified organisations only. Its admins and PE leads answer the request."),
        error_messages={"required": _("Choose the organisation to ask.")},
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what you propose to do together."),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, search: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        chosen = self.data.get(self.add_prefix("partner")) if self.is_bound else None
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partner_choices(organisation, search, chosen)


class ObjectiveForm(forms.Form):
    """A shared objective one side proposes; the other side confirms it."""

    text = forms.CharField(
        label=_("Objective"),
        max_length=OBJECTIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What both organisations aim to achieve together."),
    )
    target_date = forms.DateField(label=_("Target date"), widget=DateInput())
