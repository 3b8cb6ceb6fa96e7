"""Checking uploaded evidence: type from the content, never from the name; what the
content holds (``evidence_content``); size, per file, per entry and per organisation."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .evidence_content import (
    OLE_MAGIC,
    ZIP_MAGIC,
    Refused,
    inspect_office_package,
    inspect_pdf,
)

# MIME type found in the content → the extension the stored file gets.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/png": "png",
    "image/jpeg": "jpg",
}
ALLOWED_LABEL = "PDF, DOCX, XLSX, PNG, JPEG"
EXTENSION_ALIASES = {"jpg": ("jpeg",)}


def safe_file_name(name: str) -> str:
    """The last path component, stripped of anything but plain characters."""
    base = os.path.basename(name.replace("\\", "/")).strip() or "evidence"
    base = re.sub(r"[^\w.\- ]+", "_", base)
    return base.lstrip(".")[:200] or "evidence"


def size_label(size: int) -> str:
    """A size for people ("4.5 MB"): the one way evidence sizes are written."""
    return str(filesizeformat(size))


def check_upload(upload: UploadedFile) -> str:
    """Return the file's real MIME type, or raise ValidationError saying what is wrong."""
    name = safe_file_name(upload.name or "")
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": name, "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    try:
        kind = _inspect(upload, head)
    except Refused as refused:
        raise ValidationError(
            _("%(name)s is refused: %(reason)s.") % {"name": name, "reason": refused.reason},
            code="refused",
        ) from refused
    if kind not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not an accepted file type (%(allowed)s).")
            % {"name": name, "allowed": ALLOWED_LABEL},
            code="type",
        )
    return kind


def _inspect(upload: UploadedFile, head: bytes) -> str | None:
    """The type read from the content; raises Refused for content that could act."""
    if head.startswith(OLE_MAGIC):
        raise Refused(
            _(
                "it is an older Office format (.doc, .xls, .ppt) or a password-protected "
                "Office file, which cannot be checked; save it as DOCX or XLSX without a "
                "password, or as PDF"
            )
        )
    if head.startswith(ZIP_MAGIC):
        return inspect_office_package(upload)
    if zipfile.is_zipfile(upload):  # reads the archive's directory at the end of the file
        upload.seek(0)
        raise Refused(_("it is also a ZIP archive, such as an Office file in disguise"))
    upload.seek(0)
    kind = magic.from_buffer(head, mime=True)
    if kind == "application/pdf":
        inspect_pdf(upload)
    return kind


def stored_name(name: str, kind: str) -> str:
    """The name a file is kept and downloaded under: the person's, with the extension of
    what it really is, so that a download opens in the program its content is for."""
    name = safe_file_name(name)
    extension = ALLOWED_TYPES[kind]
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() in (extension, *EXTENSION_ALIASES.get(extension, ())):
        return name
    return f"{stem if dot else name}.{extension}"


def check_entry_files(uploads: Sequence[UploadedFile]) -> None:
    """How many files one entry takes, and how much in all: checked before any content."""
    most = settings.EVIDENCE_MAX_FILES_PER_ENTRY
    if len(uploads) > most:
        raise ValidationError(
            _("At most %(max)d files per entry.") % {"max": most}, code="too_many_files"
        )
    # An upload always knows its size (None only for a File made from a bare stream).
    total, limit = sum(u.size or 0 for u in uploads), settings.EVIDENCE_MAX_BYTES_PER_ENTRY
    if total > limit:
        raise ValidationError(
            _("These files come to %(total)s; an entry takes at most %(limit)s in all.")
            % {"total": size_label(total), "limit": size_label(limit)},
            code="entry_too_large",
        )


def check_quota(*, used: int, adding: int) -> None:
    """Refuse files that would take the organisation past its evidence storage quota."""
    quota = settings.EVIDENCE_QUOTA_BYTES_PER_ORGANISATION
    if used + adding > quota:
        raise ValidationError(
            _(
                "Your organisation's evidence storage is full: %(used)s of %(quota)s used, "
                "and these files need %(adding)s."
            )
            % {"used": size_label(used), "quota": size_label(quota), "adding": size_label(adding)},
            code="quota",
        )
