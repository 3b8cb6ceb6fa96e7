"""Forms of the practice library's pages. They parse input; ``services.py`` writes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.adoption.evidence import ALLOWED_LABEL
from apps.adoption.forms import MultipleFileField
from apps.adoption.models import Adoption

from .models import CaseStudy, CaseStudyFile

TEXT_FIELDS = ["title", "what_was_done", "for_whom", "outcomes", "lessons", "cost", "resources"]


class AdoptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Adoption) -> str:
        return f"{obj.action.code} {obj.action.title}"


class CaseStudyForm(forms.ModelForm):
    """What a case study says, its licence and attachments; the adoption is chosen when it
    is written (``adoptions`` given), not when it is edited."""

    # A form field: the form's metaclass takes it into base_fields (as the progress form's).
    files = MultipleFileField(label=_("Attachments"), required=False)  # type: ignore[assignment]

    class Meta:
        model = CaseStudy
        fields = [*TEXT_FIELDS, "licence"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("what_was_done", "for_whom", "outcomes", "lessons", "cost", "resources")
        }
        help_texts = {
            "for_whom": _("The people and groups it was done with and for."),
            "cost": _("Money, time and people it took, as far as you know."),
            "resources": _("Tools, guides and web addresses that helped, one per line."),
            "licence": _("Others may reuse what you write under this licence."),
        }

    def __init__(
        self, *args: Any, adoptions: QuerySet[Adoption] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if adoptions is not None:
            self.fields["adoption"] = AdoptionChoiceField(
                label=_("Adopted action"),
                queryset=adoptions,
                help_text=_("The adoption of your organisation this case study tells about."),
            )
            self.order_fields(["adoption"])
        if self.instance.pk and self.instance.files.exists():
            self.fields["remove_files"] = forms.ModelMultipleChoiceField(
                label=_("Remove attachments"),
                queryset=self.instance.files.all(),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        limit_mb = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        self.fields["files"].help_text = _(
            "%(types)s; at most %(limit)d MB each, checked as evidence files are. "
            "Public once the case study is published."
        ) % {"types": ALLOWED_LABEL, "limit": limit_mb}
        self.fields["files"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"

    def case_study_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in [*TEXT_FIELDS, "licence"]}

    def uploads(self) -> list[Any]:
        return cast(list[Any], self.cleaned_data.get("files") or [])

    def removed_files(self) -> list[CaseStudyFile]:
        return list(self.cleaned_data.get("remove_files") or [])


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is returned (sent to its author)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
