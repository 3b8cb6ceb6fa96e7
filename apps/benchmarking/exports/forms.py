"""The export form: which period, which format."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import BenchmarkSnapshot, ExportJob
from .selectors import AGGREGATE_FORMATS, ORG_FORMATS, export_snapshots

FORMAT_LABELS = {
    ExportJob.Format.PDF: _("PDF: the report, with charts and tables, to read or print"),
    ExportJob.Format.XLSX: _("XLSX: a workbook with one sheet per section"),
    ExportJob.Format.CSV: _("CSV: one text file; its first column names the section"),
}


class ExportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        aggregate: bool = False,
        snapshots: Iterable[BenchmarkSnapshot] | None = None,
        **kwargs: Any,
    ) -> None:
        """``snapshots``: the compiled snapshots, newest first, when the page has them
        already (else they are read)."""
        super().__init__(*args, **kwargs)
        every = export_snapshots() if snapshots is None else snapshots
        self.snapshots = {s.period.label: s for s in every}
        cast("forms.ChoiceField", self.fields["period"]).choices = [
            (label, label) for label in self.snapshots
        ]
        formats = AGGREGATE_FORMATS if aggregate else ORG_FORMATS
        cast("forms.ChoiceField", self.fields["format"]).choices = [
            (f, FORMAT_LABELS[f]) for f in formats
        ]
        if not self.is_bound:
            self.initial.setdefault("period", next(iter(self.snapshots), None))
            self.initial.setdefault("format", formats[0])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("period"):
            data["snapshot"] = self.snapshots[data["period"]]
        return data

    @property
    def snapshot(self) -> BenchmarkSnapshot:
        return self.cleaned_data["snapshot"]
