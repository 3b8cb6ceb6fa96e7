"""Translations of the metric catalogue (django-modeltranslation), like the roadmap's content.

A metric's name and description get one column per language of ``settings.LANGUAGES``
(``name_en``, ``name_pl``, …); ``metric.name`` reads the active language's text, or the
English one when there is none. English (``*_en``) is canonical, and the untranslated
column (``name``) holds it too (``Metric.save``), so code that reads past modeltranslation
reads English. ``load_roadmap`` loads the translations of the fixture's ``metrics`` section
(``fixtures/roadmap/README.md``).
"""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, translator

from .models import Metric


class MetricTranslation(TranslationOptions):
    fields = ("name", "description")
    # An empty text is NULL ("no text in this language"), as for the roadmap's content.
    empty_values = None


translator.register(Metric, MetricTranslation)
