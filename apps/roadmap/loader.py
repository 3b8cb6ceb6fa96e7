"""Load a roadmap fixture (``fixtures/roadmap/*.yaml``) into the database.

Loading is idempotent: an item is written only when its values differ from
the fixture, so a second run changes nothing and leaves no history entries.
The format is documented in ``fixtures/roadmap/README.md``.

The fixture is English, and it is written to the English columns only
(``title_en``): translations made by the editors are never touched. Translations
of the content can come with the fixture, next to it: in ``<name>.translations.yaml``
(any language) and in one file per language, ``<name>.translations.<lang>.yaml``. They
are merged (a text given twice is an error) and loaded by the same rules as the content
they translate; the ``metrics`` section translates the metric catalogue (adoption).
"""

from __future__ import annotations

import datetime as dt
import glob
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from apps.adoption.models import Metric

from .history import one_record_each
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
from .services import action_set_contributions
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
ASSUMPTION_FIELDS = ("text", "provenance", "source_passage")
PULSE_FIELDS = ASSUMPTION_FIELDS


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


# libyaml's parser where PyYAML was built with it (five times faster), else PyYAML's own;
# both with the safe constructor: no arbitrary objects.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_fixture(path: Path = DEFAULT_FIXTURE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=SafeLoader)
        return data


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


def _load_assumptions(
    report: LoadReport, edition: Edition, goal: EndGoal | IntermediateGoal, rows: list[Any]
) -> None:
    """The goal's assumptions (``AS-EG1-1``), each under its goal and no other."""
    parent = "end_goal" if isinstance(goal, EndGoal) else "intermediate_goal"
    other = "intermediate_goal" if parent == "end_goal" else "end_goal"
    for order, row in enumerate(rows):
        values = {**_values(row, ASSUMPTION_FIELDS), "order": order, parent: goal, other: None}
        _upsert(report, Assumption, {"edition": edition, "code": row["code"]}, values)


def _load_contributions(
    report: LoadReport, edition: Edition, wanted: dict[Action, list[str]]
) -> None:
    """Each action's "contributes to" links, once every goal of the edition exists."""
    goals = {g.code: g for g in IntermediateGoal.objects.filter(edition=edition)}
    for action, codes in wanted.items():
        targets = [goals[code] for code in codes]
        if {g.pk for g in action.contributes_to.all()} != {g.pk for g in targets}:
            action_set_contributions(action=action, goals=targets)
            report.updated += 1


def _load_goal_tree(report: LoadReport, edition: Edition, data: dict[str, Any]) -> None:
    groups = {g.slug: g for g in StakeholderGroup.objects.all()}
    dimensions = {d.slug: d for d in Dimension.objects.all()}
    resources = {r.slug: r for r in Resource.objects.all()}
    barriers = {b.slug: b for b in BarrierCategory.objects.all()}
    contributions: dict[Action, list[str]] = {}
    for eg_order, eg_row in enumerate(data["end_goals"]):
        end_goal = _upsert(
            report,
            EndGoal,
            {"edition": edition, "code": eg_row["code"]},
            {**_values(eg_row, ITEM_FIELDS), "order": eg_order},
        )
        _load_assumptions(report, edition, end_goal, eg_row.get("assumptions", []))
        for ig_order, ig_row in enumerate(eg_row.get("intermediate_goals", [])):
            values = {**_values(ig_row, ITEM_FIELDS), "order": ig_order, "end_goal": end_goal}
            goal = _upsert(
                report, IntermediateGoal, {"edition": edition, "code": ig_row["code"]}, values
            )
            _load_assumptions(report, edition, goal, ig_row.get("assumptions", []))
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
                _set_m2m(
                    report,
                    action.addresses_barriers,
                    [barriers[s] for s in a_row.get("addresses_barriers", [])],
                )
                contributions[action] = a_row.get("contributes_to", [])
    _load_contributions(report, edition, contributions)


# --- Translations ----------------------------------------------------------------------------

# Shared by every edition, like the taxonomies: their translations are loaded on every load.
SHARED_SECTIONS: dict[str, type[models.Model]] = {
    "stakeholder_groups": StakeholderGroup,
    "dimensions": Dimension,
    "barrier_categories": BarrierCategory,
    "resources": Resource,
    "metrics": Metric,
}
# The edition's goal tree, by code: loaded when the edition is created or synced.
TREE_SECTIONS: dict[str, type[models.Model]] = {
    "end_goals": EndGoal,
    "intermediate_goals": IntermediateGoal,
    "actions": Action,
    "assumptions": Assumption,
    "pulse_statements": PulseStatement,
}
EDITION_SECTION = "edition"
SECTIONS = (EDITION_SECTION, *SHARED_SECTIONS, *TREE_SECTIONS)


def translations_path(path: Path) -> Path:
    """The combined translations of a fixture, in every language: ``<name>.translations.yaml``."""
    return path.with_name(f"{path.stem}.translations.yaml")


def translations_paths(path: Path) -> list[Path]:
    """Every translations file of a fixture: the combined one and one per language
    (``paradigm-2021.translations.pl.yaml``), in the order of their names."""
    return sorted(path.parent.glob(f"{glob.escape(path.stem)}.translations*.yaml"))


def _translation_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES} - {canonical_language()}


def _file_language(file: Path, fixture: Path) -> str | None:
    """The language a per-language file is for (``….translations.pl.yaml``); None if combined."""
    middle = file.name.removeprefix(f"{fixture.stem}.translations").removesuffix(".yaml")
    if not middle:
        return None
    language = middle.removeprefix(".")
    if language not in _translation_languages():
        raise ValueError(f"{file.name}: {language!r} is not a language to translate into.")
    return language


class _UniqueKeyLoader(SafeLoader):  # type: ignore[valid-type,misc]
    """A YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise ValueError(f"{mark.name}, line {mark.line + 1}: {key!r} is given twice.")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_translations_file(file: Path) -> dict[str, Any]:
    with open(file, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_UniqueKeyLoader)  # safe: no arbitrary objects
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{file.name}: expected sections ({', '.join(SECTIONS)}).")
    return data


def _texts(file: Path, section: str, items: Any) -> Iterator[tuple[tuple[str, ...], str, Any]]:
    """``(path, language, text)`` of each text of a section; the path leads to the language.

    The edition's section is ``{field: {language: text}}``; every other one is
    ``{code or slug: {field: {language: text}}}``.
    """

    def mapping(value: Any, where: tuple[str, ...]) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise ValueError(f"{file.name}: {'.'.join(where)} should be a mapping.")
        return value

    fields: dict[tuple[str, ...], Any]
    if section == EDITION_SECTION:
        fields = {(): mapping(items, (section,))}
    else:
        fields = {(str(key),): value for key, value in mapping(items, (section,)).items()}
    for key, by_field in fields.items():
        for name, by_language in mapping(by_field, (section, *key)).items():
            where = (section, *key, str(name))
            for code, text in mapping(by_language, where).items():
                yield where, str(code), text


def read_translations(path: Path = DEFAULT_FIXTURE) -> dict[str, Any]:
    """The translations of the fixture at ``path``, from all its files, merged.

    A text given twice for the same item, field and language (in two files, or twice in
    one) is an error, as is a text in another language than its file's.
    """
    merged: dict[str, Any] = {}
    origin: dict[tuple[str, ...], str] = {}
    for file in translations_paths(path):
        language = _file_language(file, path)
        for section, items in _read_translations_file(file).items():
            if section not in SECTIONS:
                raise ValueError(
                    f"{file.name}: unknown section {section!r} (known: {', '.join(SECTIONS)})."
                )
            for where, code, text in _texts(file, section, items):
                label = f"{'.'.join(where)}.{code}"
                if language is not None and code != language:
                    raise ValueError(f"{file.name}: {label} is not in {language!r}, the file's.")
                if (*where, code) in origin:
                    raise ValueError(
                        f"{label} is translated twice: in {origin[(*where, code)]} and in "
                        f"{file.name}. Keep one of them."
                    )
                origin[(*where, code)] = file.name
                node = merged
                for step in where:
                    node = node.setdefault(step, {})
                node[code] = text
    return merged


def translated_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields of ``model`` that modeltranslation translates (``translation.py``)."""
    return tuple(translator.get_options_for_model(model).get_field_names())


def _translate(report: LoadReport, obj: models.Model, texts: dict[str, dict[str, Any]]) -> None:
    """Write ``{field: {language: text}}`` into the object's translation columns.

    Only the languages and fields given are written; English (the fixture's own
    text) and every other translation are left as they are.
    """
    model = type(obj)
    languages = _translation_languages()
    fields = translated_fields(model)
    changed = False
    for name_in_fixture, by_language in texts.items():
        if name_in_fixture not in fields:
            raise ValueError(f"{model.__name__}.{name_in_fixture} is not a translated field.")
        for code, text in by_language.items():
            if code not in languages:
                raise ValueError(f"{obj}: {code!r} is not a language to translate into.")
            if text is not None and not isinstance(text, str):
                raise ValueError(f"{obj}: the {code} {name_in_fixture} is not a text: {text!r}.")
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
    """The shared items' translations, and the edition's when ``edition`` is given."""
    for section, model in SHARED_SECTIONS.items():
        _translate_section(report, data.get(section) or {}, model._default_manager.all(), "slug")
    if edition is None:
        return
    if data.get(EDITION_SECTION):
        _translate(report, edition, data[EDITION_SECTION])
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
    Translations (``read_translations``) follow the same rules: the shared items'
    (taxonomies, resources, metrics) always, the edition's when it is created or synced.
    """
    data = read_fixture(path)
    translations = read_translations(path)
    report = LoadReport()
    with one_record_each():
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
    _load_pulse(report, edition, data.get("pulse_statements", []))
    return edition


def _load_pulse(report: LoadReport, edition: Edition, rows: list[Any]) -> None:
    """The edition's attitude pulse (``PU-1``), in the fixture's order."""
    for order, row in enumerate(rows):
        values = {**_values(row, PULSE_FIELDS), "order": order}
        _upsert(report, PulseStatement, {"edition": edition, "code": row["code"]}, values)
