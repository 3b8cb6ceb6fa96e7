"""Request parsers of the API (the defaults are set in ``REST_FRAMEWORK``)."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that also refuses documents nested too deeply (400, not 500).

    Python's ``json`` raises RecursionError for them, which is not the ValueError
    that DRF turns into a parse error.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the document is nested too deeply.") from exc
