"""COMPLETENESS OF THE ROADMAP'S TRANSLATIONS (issue 15, "every word in the reader's language").

After ``load_roadmap`` from the real fixtures, every translated field of every end goal,
intermediate goal, action, stakeholder group, dimension, barrier category, resource and metric,
and of the edition, has a text in French, German, Spanish and Polish, wherever it has one in
English. The texts come from ``fixtures/roadmap/paradigm-2021.translations.<lang>.yaml``; the
failure lists what is missing, by language.
"""

from collections import defaultdict

import pytest
from django.conf import settings
from django.db import models
from modeltranslation.utils import build_localized_fieldname

from apps.adoption.models import Metric
from apps.roadmap.loader import load_roadmap, translated_fields
from apps.roadmap.models import (
    Action,
    BarrierCategory,
    Dimension,
    Edition,
    EndGoal,
    IntermediateGoal,
    Resource,
    StakeholderGroup,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
SHARED = (StakeholderGroup, Dimension, BarrierCategory, Resource, Metric)
TREE = (EndGoal, IntermediateGoal, Action)


def _name(obj: models.Model) -> str:
    keys = ("code", "slug", "version_label")
    key = next(getattr(obj, name) for name in keys if hasattr(obj, name))
    return f"{type(obj).__name__} {key}"


@pytest.mark.django_db
def test_every_translated_text_of_the_roadmap_is_in_every_language():
    load_roadmap()
    edition = Edition.objects.get(version_label="2021")
    items: list[models.Model] = [edition]
    for model in SHARED:
        items += model._default_manager.all()
    for model in TREE:
        items += model._default_manager.filter(edition=edition)

    missing: dict[str, list[str]] = defaultdict(list)
    for obj in items:
        for field in translated_fields(type(obj)):
            if not getattr(obj, build_localized_fieldname(field, settings.LANGUAGE_CODE)):
                continue  # no English text: nothing to translate
            for language in LANGUAGES:
                if not getattr(obj, build_localized_fieldname(field, language)):
                    missing[language].append(f"{_name(obj)}.{field}")

    assert len(items) > 80, "the whole roadmap is loaded"
    assert not missing, "Untranslated roadmap texts: " + "; ".join(
        f"{language} ({len(names)}): {', '.join(names[:15])}" for language, names in missing.items()
    )
