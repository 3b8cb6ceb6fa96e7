"""The metric catalogue in the Django admin: admins extend it and translate it.

As for the roadmap's content (``apps/roadmap/admin.py``), the form shows the English name and
description first and one collapsed fieldset per other language, with modeltranslation's plain
``TranslationAdmin`` (its tabs need script the portal's CSP forbids). A metric is retired by
making it inactive, never deleted: progress entries keep their values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from .models import Metric

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts, _FieldsetSpec
    from django.utils.functional import _StrOrPromise

TRANSLATED = ("name", "description")


def _fieldsets() -> _FieldsetSpec:
    english = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    own: _FieldOpts = {
        "fields": [
            "slug",
            *(build_localized_fieldname(field, english) for field in TRANSLATED),
            "kind",
            "unit",
            "component",
            "order",
            "is_active",
        ]
    }
    fieldsets: list[tuple[_StrOrPromise | None, _FieldOpts]] = [(None, own)]
    for code, name in settings.LANGUAGES:
        if code != english:
            translations: _FieldOpts = {
                "fields": [build_localized_fieldname(field, code) for field in TRANSLATED],
                "classes": ["collapse"],
                "description": _("Leave a text empty to show the English text instead."),
            }
            fieldsets.append((name, translations))
    return fieldsets


@admin.register(Metric)
class MetricAdmin(TranslationAdmin):
    list_display = ("slug", "name", "component", "kind", "unit", "is_active", "order")
    list_filter = ("component", "kind", "is_active")
    search_fields = ("slug", "name_en")
    ordering = ("order", "slug")

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> _FieldsetSpec:
        return _fieldsets()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
