"""The pulse page's form: one group of five radio buttons per statement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.roadmap.models import PulseStatement


def scale_labels() -> list[tuple[int, Promise]]:
    """The scale's values with their words, 1 to 5."""
    return [
        (1, _("Strongly disagree")),
        (2, _("Disagree")),
        (3, _("Neither agree nor disagree")),
        (4, _("Agree")),
        (5, _("Strongly agree")),
    ]


class ScaleRadioSelect(forms.RadioSelect):
    """Radio buttons whose field is named by its first button: the error summary's link to
    a statement (``#id_PU-1_0``) lands on the group."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, index)


class PulseForm(forms.Form):
    """A field ``PU-1`` per statement (a fieldset with its statement as legend), and the
    organisation to answer for when the person has several."""

    def __init__(
        self,
        *args: Any,
        statements: list[PulseStatement],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.statements = statements
        self.organisations = organisations
        if len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                queryset=organisations,
                to_field_name="slug",
                label=_("Answer for"),
                empty_label=None,
                help_text=_("Your answers count with this organisation's country and group."),
            )
        choices = [(value, f"{value} – {label}") for value, label in scale_labels()]
        for statement in statements:
            self.fields[statement.code] = forms.TypedChoiceField(
                label=statement.text,
                choices=choices,
                coerce=int,
                widget=ScaleRadioSelect,
                error_messages={
                    "required": _("Choose an answer from 1 to 5."),
                    "invalid_choice": _("Choose an answer from 1 to 5."),
                },
            )

    def chosen_organisation(self) -> Organisation:
        if "organisation" in self.fields:
            return self.cleaned_data["organisation"]
        return self.organisations[0]

    def answers(self) -> list[tuple[str, object]]:
        return [(s.code, self.cleaned_data[s.code]) for s in self.statements]
