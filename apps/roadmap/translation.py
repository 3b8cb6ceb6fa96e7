"""Translations of the roadmap's content (django-modeltranslation).

Every text a reader sees gets one column per language of ``settings.LANGUAGES``
(``title_en``, ``title_pl``, …) on the item's own row, so each edition carries
its own translations and a new draft copies them. English (``*_en``) is the
canonical text, written by ``load_roadmap`` and by the editors; reading
``item.title`` gives the active language's text, or the English one when there
is no translation. The untranslated column (``title``) always holds the English
text too (see ``TranslatedContent.save``), so code that bypasses
modeltranslation, such as lookups from other apps (``action__title``), reads
English.

Not translated: the source passages (the paper's own words, in English), the
citation and licence, codes and slugs.

django-simple-history registers the roadmap models here, after their translation
fields exist, so that each history row records every language (the documented
way to combine the two packages). The models therefore declare no
``history = HistoricalRecords()`` themselves; their records can be held back for a bulk
write (``history.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from modeltranslation.translator import TranslationOptions, translator
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order
from simple_history import register as register_history

from .history import RoadmapHistory
from .models import (
    Action,
    Assumption,
    BarrierCategory,
    Dimension,
    Edition,
    EndGoal,
    IntermediateGoal,
    PulseStatement,
    Resource,
    StakeholderGroup,
)

TRANSLATED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    StakeholderGroup: ("name", "short_name", "description"),
    Dimension: ("name", "purpose"),
    BarrierCategory: ("name", "description"),
    Resource: ("title", "description"),
    Edition: ("title", "vision", "mission", "changelog"),
    EndGoal: ("title", "description"),
    IntermediateGoal: ("title", "description"),
    Action: ("title", "description", "other_actors"),
    Assumption: ("text",),
    PulseStatement: ("text",),
}

for _model, _fields in TRANSLATED_FIELDS.items():
    # An empty text is stored as NULL ("no text in this language"), from forms and
    # from load_roadmap alike, so that saving a form leaves untouched texts unchanged.
    _options = {"fields": _fields, "empty_values": None}
    translator.register(
        _model, type(f"{_model.__name__}Translation", (TranslationOptions,), _options)
    )
    register_history(
        _model,
        records_class=RoadmapHistory,
        m2m_fields=["stakeholder_groups", "resources", "contributes_to", "addresses_barriers"]
        if _model is Action
        else [],
    )


def canonical_language() -> str:
    return settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def canonical_name(field: str) -> str:
    """The column of a translated field that holds its English, canonical text."""
    return build_localized_fieldname(field, canonical_language())


def translation_names(model: type[models.Model], fields: Iterable[str] | None = None) -> list[str]:
    """The columns of the model's translations (of ``fields``, default all) out of English."""
    return [
        build_localized_fieldname(field, code)
        for field in (TRANSLATED_FIELDS.get(model, ()) if fields is None else fields)
        for code, _name in settings.LANGUAGES
        if code != canonical_language()
    ]


def shown_language(obj: models.Model, field: str) -> str:
    """The language of the text ``obj.<field>`` shows now: the active one, or its fallback.

    Pages mark a text shown in another language than the page's (``lang="en"``), so that
    screen readers read it with the right voice (WCAG 3.1.2).
    """
    for code in resolution_order(get_language()):
        if getattr(obj, build_localized_fieldname(field, code), None):
            return code
    return canonical_language()
