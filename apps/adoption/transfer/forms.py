"""The import form: a file and its format. The importer does every other check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.exporters import CSV, XLSX

from .importers import MAX_BYTES, MAX_ROWS


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File to import"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Recognise from the file")), (CSV, "CSV"), (XLSX, "XLSX")],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set per form so that the text follows the reader's language.
        self.fields["file"].help_text = gettext(
            "A CSV or XLSX file laid out as the export, at most %(mb)s MB and %(rows)s rows."
        ) % {"mb": MAX_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}"}

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(mb)s MB. Split it into smaller files.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload
