"""Serving a stored file as a download: the one way uploaded files leave the portal."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def file_download(
    stored: FieldFile, *, filename: str, content_type: str, public: bool = False
) -> FileResponse:
    """``stored`` as an attachment named ``filename``, with the type checked at upload (never
    sniffed by the browser); 404 when the file is gone from storage. Private (kept by no
    shared cache) unless ``public``."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public" if public else "private"
    return response
