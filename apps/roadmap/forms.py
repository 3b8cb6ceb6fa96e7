"""Admin forms for curating editions: starting a draft, an action's links, publishing."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Action, Edition, IntermediateGoal, contribution_problems
from .services import ActionMapping

LINE = re.compile(r"^\s*(?P<old>[A-Za-z0-9.]+)\s*(?:->|→|=>|=)\s*(?P<new>[A-Za-z0-9.]+|-)?\s*$")


class PublishForm(forms.Form):
    """Publishing a draft; ``mapping`` changes only what differs from the proposal shown."""

    mapping = forms.CharField(
        label=_("Send adoptions elsewhere"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        help_text=_(
            "Leave empty to follow the proposal above. To change it, write one line per old "
            "action: OLD -> NEW, or OLD -> - when its adoptions should be kept read-only. "
            "Preview the changes before publishing."
        ),
    )

    def clean_mapping(self) -> ActionMapping:
        mapping: ActionMapping = {}
        errors = []
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), start=1):
            if not line.strip():
                continue
            match = LINE.match(line)
            if not match:
                errors.append(
                    _("Line %(n)d is not of the form OLD -> NEW: %(line)s")
                    % {"n": number, "line": line.strip()}
                )
                continue
            new = match["new"]
            mapping[match["old"].upper()] = None if new in (None, "-") else new.upper()
        if errors:
            raise forms.ValidationError(errors)
        return mapping


class StartDraftForm(forms.Form):
    version_label = forms.RegexField(
        label=_("Version label"),
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        max_length=40,
        help_text=_("A short, unique label such as 2026.1."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)


class ActionAdminForm(forms.ModelForm):
    """An action's form: it contributes only to goals of its own edition, not its own goal."""

    class Meta:
        model = Action
        fields = ["contributes_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("contributes_to")
        if isinstance(field, forms.ModelMultipleChoiceField):
            goals = IntermediateGoal.objects.select_related("edition")
            if self.instance.edition_id:
                goals = goals.filter(edition=self.instance.edition_id).exclude(
                    pk=self.instance.intermediate_goal_id
                )
            else:
                goals = goals.filter(edition__status=Edition.Status.DRAFT)
            field.queryset = goals

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        goals = cleaned.get("contributes_to")
        own = cleaned.get("intermediate_goal")
        if own is None and self.instance.intermediate_goal_id:
            own = self.instance.intermediate_goal
        if goals and own is not None:
            self.instance.edition_id = own.edition_id
            self.instance.intermediate_goal = own
            for problem in contribution_problems(self.instance, list(goals)):
                self.add_error("contributes_to", problem)
        return cleaned
