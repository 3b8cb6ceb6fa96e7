"""Load a roadmap fixture (``fixtures/roadmap/*.yaml``) into the database.

Loading is idempotent: an item is written only when its values differ from
the fixture, so a second run changes nothing and leaves no history entries.
The format is documented in ``fixtures/roadmap/README.md``.

The fixture is English, and it is written to the English columns only
(``title_en``): translations made by the editors are never touched. Translations
of the content can come with the fixture, in ``<name>.translations.yaml`` next to
it; they are loaded by the same rules as the content they translate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from .models import (
    Action,
    BarrierCategory,
    Dimension,
    Edition,
    EndGoal,
    IntermediateGoal,
    Resource,
    StakeholderGroup,
)
from .signals import announce_content_changed
from .translation import TRANSLATED_FIELDS, canonical_language, canonical_name

DEFAULT_FIXTURE = settings.BASE_DIR / "fixtures" / "roadmap" / "paradigm-2021.yaml"
# The paper the fixture quotes (CC BY 4.0, with its attribution beside it): every
# ``source_passage`` is found in it.
PAPER_TEXT = DEFAULT_FIXTURE.parent / "source" / "paradigm-2021-roadmap.txt"

EDITION_FIELDS = (
    "title",
    "vision",
    "vision_provenance",
    "vision_source",
    "mission",
    "mission_provenance",
    "mission_source",
    "citation",
    "doi",
    "licence",
    "licence_url",
    "changelog",
)
ITEM_FIELDS = ("title", "description", "provenance", "source_passage")
ACTION_FIELDS = (*ITEM_FIELDS, "targets_basis", "other_actors")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def read_fixture(path: Path = DEFAULT_FIXTURE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _values(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: data.get(name) or "" for name in names}


def _in_english(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """The fixture's values, with each translated field named by its English column.

    An empty text is None there, as the admin's forms store it (``translation.py``).
    """
    translated = TRANSLATED_FIELDS.get(model, ())
    english: dict[str, Any] = {}
    for name, value in values.items():
        if name in translated:
            english[canonical_name(name)] = value or None
        else:
            english[name] = value
    return english


def _differs(current: Any, wanted: Any) -> bool:
    # No text is None in a translated column, and "" in any other.
    if current in (None, "") and wanted in (None, ""):
        return False
    return current != wanted


def _upsert[M: models.Model](
    report: LoadReport,
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
) -> M:
    """Create the row, or update it only where a value differs (English columns only)."""
    values = _in_english(model, values)
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        report.created += 1
        return obj
    changed = [name for name, value in values.items() if _differs(getattr(obj, name), value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        report.updated += 1
    else:
        report.unchanged += 1
    return obj


def _set_m2m(report: LoadReport, manager: Any, wanted: list[models.Model]) -> None:
    if {o.pk for o in manager.all()} != {o.pk for o in wanted}:
        manager.set(wanted)
        report.updated += 1


def _load_taxonomies(report: LoadReport, data: dict[str, Any]) -> None:
    for order, row in enumerate(data.get("stakeholder_groups", [])):
        values = {**_values(row, ("name", "short_name", "description")), "order": order}
        _upsert(report, StakeholderGroup, {"slug": row["slug"]}, values)
    for order, row in enumerate(data.get("dimensions", [])):
        values = {**_values(row, ("name", "purpose")), "order": order}
        _upsert(report, Dimension, {"slug": row["slug"]}, values)
    for order, row in enumerate(data.get("barrier_categories", [])):
        values = {**_values(row, ("name", "description")), "order": order}
        _upsert(report, BarrierCategory, {"slug": row["slug"]}, values)
    for order, row in enumerate(data.get("resources", [])):
        names = ("title", "kind", "publisher", "description", "phase", "url")
        _upsert(report, Resource, {"slug": row["slug"]}, {**_values(row, names), "order": order})


def _load_goal_tree(report: LoadReport, edition: Edition, data: dict[str, Any]) -> None:
    groups = {g.slug: g for g in StakeholderGroup.objects.all()}
    dimensions = {d.slug: d for d in Dimension.objects.all()}
    resources = {r.slug: r for r in Resource.objects.all()}
    for eg_order, eg_row in enumerate(data["end_goals"]):
        end_goal = _upsert(
            report,
            EndGoal,
            {"edition": edition, "code": eg_row["code"]},
            {**_values(eg_row, ITEM_FIELDS), "order": eg_order},
        )
        for ig_order, ig_row in enumerate(eg_row.get("intermediate_goals", [])):
            values = {**_values(ig_row, ITEM_FIELDS), "order": ig_order, "end_goal": end_goal}
            goal = _upsert(
                report, IntermediateGoal, {"edition": edition, "code": ig_row["code"]}, values
            )
            for a_order, a_row in enumerate(ig_row.get("actions", [])):
                values = {
                    **_values(a_row, ACTION_FIELDS),
                    "order": a_order,
                    "intermediate_goal": goal,
                    "dimension": dimensions[a_row["dimension"]],
                }
                action = _upsert(
                    report, Action, {"edition": edition, "code": a_row["code"]}, values
                )
                _set_m2m(
                    report,
                    action.stakeholder_groups,
                    [groups[slug] for slug in a_row["stakeholder_groups"]],
                )
                _set_m2m(
                    report, action.resources, [resources[s] for s in a_row.get("resources", [])]
                )


# --- Translations ----------------------------------------------------------------------------

TAXONOMY_SECTIONS: dict[str, type[models.Model]] = {
    "stakeholder_groups": StakeholderGroup,
    "dimensions": Dimension,
    "barrier_categories": BarrierCategory,
    "resources": Resource,
}
TREE_SECTIONS: dict[str, type[models.Model]] = {
    "end_goals": EndGoal,
    "intermediate_goals": IntermediateGoal,
    "actions": Action,
}


def translations_path(path: Path) -> Path:
    """Where the translations of a fixture are: ``paradigm-2021.translations.yaml``."""
    return path.with_name(f"{path.stem}.translations.yaml")


def _translate(report: LoadReport, obj: models.Model, texts: dict[str, dict[str, str]]) -> None:
    """Write ``{field: {language: text}}`` into the object's translation columns.

    Only the languages and fields given are written; English (the fixture's own
    text) and every other translation are left as they are.
    """
    model = type(obj)
    languages = {code for code, _name in settings.LANGUAGES} - {canonical_language()}
    changed = False
    for name_in_fixture, by_language in texts.items():
        if name_in_fixture not in TRANSLATED_FIELDS[model]:
            raise ValueError(f"{model.__name__}.{name_in_fixture} is not a translated field.")
        for code, text in by_language.items():
            if code not in languages:
                raise ValueError(f"{obj}: {code!r} is not a language to translate into.")
            name = build_localized_fieldname(name_in_fixture, code)
            if _differs(getattr(obj, name), text):
                setattr(obj, name, text or None)
                changed = True
    if changed:
        obj.full_clean()
        obj.save()
        report.updated += 1


def _translate_section(
    report: LoadReport, section: dict[str, Any], queryset: models.QuerySet[Any], key: str
) -> None:
    objects = {getattr(o, key): o for o in queryset.filter(**{f"{key}__in": list(section)})}
    for value, texts in section.items():
        if value not in objects:
            raise ValueError(f"Translations name an unknown {queryset.model.__name__}: {value}.")
        _translate(report, objects[value], texts)


def _load_translations(report: LoadReport, data: dict[str, Any], edition: Edition | None) -> None:
    """The taxonomies' translations, and the edition's when ``edition`` is given."""
    for section, model in TAXONOMY_SECTIONS.items():
        _translate_section(report, data.get(section) or {}, model._default_manager.all(), "slug")
    if edition is None:
        return
    if data.get("edition"):
        _translate(report, edition, data["edition"])
    for section, model in TREE_SECTIONS.items():
        queryset = model._default_manager.filter(edition=edition)
        _translate_section(report, data.get(section) or {}, queryset, "code")


def _published_at(value: Any) -> dt.datetime | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time(12)))


@transaction.atomic
def load_roadmap(*, path: Path = DEFAULT_FIXTURE, sync: bool = False) -> LoadReport:
    """Load the fixture's taxonomies and edition.

    The shared taxonomies and resources are always brought up to date. The
    edition is created with its goal tree if no edition has its version label;
    an existing edition is left alone (admins may have curated it) unless
    ``sync`` is set. The loaded edition is published only when no edition is
    published yet, so a newer edition published by admins stays current.
    Translations (``translations_path``) follow the same rules: the taxonomies'
    always, the edition's when it is created or synced.
    """
    data = read_fixture(path)
    extra = translations_path(path)
    translations = read_fixture(extra) if extra.exists() else {}
    report = LoadReport()
    _load_taxonomies(report, data)
    edition = _load_edition(report, data, sync=sync)
    _load_translations(report, translations, edition=edition)
    if report.changed:
        announce_content_changed(sender=Edition, edition=None)
    return report


def _load_edition(report: LoadReport, data: dict[str, Any], *, sync: bool) -> Edition | None:
    """The fixture's edition and goal tree; None when it exists and is left alone."""
    meta = data["edition"]
    label = str(meta["version_label"])
    edition = Edition.objects.filter(version_label=label).first()
    if edition is not None and not sync:
        report.notes.append(f"Edition {label} exists; left as it is (use --sync to update it).")
        return None

    values = _values(meta, EDITION_FIELDS)
    if edition is None:
        values["status"] = (
            Edition.Status.DRAFT
            if Edition.objects.published().exists()
            else Edition.Status.PUBLISHED
        )
        values["published_at"] = _published_at(meta.get("published_at"))
    edition = _upsert(report, Edition, {"version_label": label}, values)
    _load_goal_tree(report, edition, data)
    return edition
