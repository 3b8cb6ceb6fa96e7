"""The proposal form of an action's page, and the report's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NEEDS_FLAG_OR_ACTION, Flag


class ProposalForm(forms.Form):
    """A proposal about the page's action, from one of its flags or none."""

    flag = forms.ChoiceField(
        label=_("From the flag"),
        required=False,
        help_text=_("The flag this proposal answers, if any."),
    )
    about_action = forms.BooleanField(
        label=_("About this action"),
        required=False,
        initial=True,
        help_text=_("Untick for a proposal about the flag in general, not this action."),
    )
    text = forms.CharField(
        label=_("Proposal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What should change in the next edition, and why. It goes into the "
            "next draft edition's changelog."
        ),
    )

    def __init__(self, *args: Any, flags: list[Flag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["flag"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("No flag")), *[(f.value, f.label) for f in flags]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("flag") and not data.get("about_action"):
            raise forms.ValidationError(NEEDS_FLAG_OR_ACTION, code="flag_or_action")
        return data


class ReportFilterForm(forms.Form):
    flag = forms.ChoiceField(label=_("Flag"), required=False)
    end_goal = forms.ChoiceField(label=_("End goal"), required=False)

    def __init__(self, *args: Any, end_goals: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        flag, goal = self.fields["flag"], self.fields["end_goal"]
        assert isinstance(flag, forms.ChoiceField)
        assert isinstance(goal, forms.ChoiceField)
        flag.choices = [("", _("Any flag")), *Flag.choices]
        goal.choices = [("", _("Every end goal")), *[(c, f"{c} · {t}") for c, t in end_goals]]

    def chosen(self) -> dict[str, str]:
        if not self.is_valid():
            return {"flag": "", "end_goal": ""}
        return {"flag": self.cleaned_data["flag"], "end_goal": self.cleaned_data["end_goal"]}
