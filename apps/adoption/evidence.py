"""Checking uploaded evidence: type from the content, never from the name, and size."""

from __future__ import annotations

import os
import re

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# MIME type found in the content → the extension the stored file gets.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/png": "png",
    "image/jpeg": "jpg",
}
ALLOWED_LABEL = "PDF, DOCX, XLSX, PNG, JPEG"


def safe_file_name(name: str) -> str:
    """The last path component, stripped of anything but plain characters."""
    base = os.path.basename(name.replace("\\", "/")).strip() or "evidence"
    base = re.sub(r"[^\w.\- ]+", "_", base)
    return base.lstrip(".")[:200] or "evidence"


def check_upload(upload: UploadedFile) -> str:
    """Return the file's real MIME type, or raise ValidationError saying what is wrong."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": safe_file_name(upload.name), "limit": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = magic.from_buffer(head, mime=True)
    if kind not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not an accepted file type (%(allowed)s).")
            % {"name": safe_file_name(upload.name), "allowed": ALLOWED_LABEL}
        )
    return kind
