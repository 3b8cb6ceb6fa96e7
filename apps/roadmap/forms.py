"""Admin forms for curating editions."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

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
