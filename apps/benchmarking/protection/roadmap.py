"""The roadmap's structure, as a reader who knows it uses it.

An organisation adopts (implements) a goal or a dimension when it adopts (implements) one
of its actions, so in every bundle each action's count is at most the aggregate's, which is
at most the sum of its actions'. :func:`joint_family` puts every family these relations tie
together into one programme.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .model import Family, Relation

if TYPE_CHECKING:
    from apps.roadmap.models import Edition

# The adoption subjects that aggregate actions, and the counts the roadmap relates.
AGGREGATES = ("intermediate_goal", "end_goal", "dimension")
ROADMAP_MEASURES = ("adopting", "implementing")
Roadmap = Mapping[tuple[str, str], Iterable[str]]  # (subject type, code) -> its action codes


def roadmap_structure(edition: Edition | int) -> dict[tuple[str, str], frozenset[str]]:
    """Each intermediate goal, end goal and dimension of the edition and its actions, as
    the compile counts them (an adoption counts under its action's goal, end goal and
    dimension)."""
    from apps.roadmap.models import Action

    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows = Action.objects.filter(edition=edition).values_list(
        "code", "intermediate_goal__code", "intermediate_goal__end_goal__code", "dimension__slug"
    )
    for code, *aggregates in rows:
        for subject_type, aggregate in zip(AGGREGATES, aggregates, strict=True):
            if aggregate is not None:
                found[(subject_type, aggregate)].add(code)
    return {name: frozenset(actions) for name, actions in found.items()}


def _joint_name(subject_type: str, subject_code: str, measure: str) -> str:
    return f"{subject_type}:{subject_code}:{measure}"


def joint_family(families: Mapping[tuple[str, str], Family], roadmap: Roadmap) -> Family | None:
    """One family of every adoption family the roadmap relates (each goal and dimension of
    ``roadmap`` with its actions), their counts told apart by subject, with the roadmap's
    relations between them: the reader who knows the roadmap, in one programme (an action
    belongs to a goal, an end goal and a dimension, so the relations chain). None when no
    relation applies. The families share their bundles and population (as
    :func:`families_of` and the anonymisation make them)."""
    relations: list[Relation] = []
    involved: set[tuple[str, str]] = set()
    for (subject_type, code), actions in sorted(roadmap.items()):
        aggregate = families.get((subject_type, code))
        if subject_type not in AGGREGATES or aggregate is None:
            continue
        present = sorted(a for a in actions if ("action", a) in families)
        complete = len(present) == len(set(actions))
        for measure in ROADMAP_MEASURES:
            if measure not in aggregate.values:
                continue
            children = tuple(
                _joint_name("action", a, measure)
                for a in present
                if measure in families[("action", a)].values
            )
            if not children:
                continue
            whole = complete and len(children) == len(present)
            relations.append(Relation(_joint_name(subject_type, code, measure), children, whole))
            involved |= {(subject_type, code), *(("action", a) for a in present)}
    if not relations:
        return None
    first = families[min(involved)]
    joint = Family(
        "roadmap",
        "roadmap",
        first.bundles,
        dict(first.population),
        population_reasons=dict(first.population_reasons),
        roadmap=relations,
    )
    for subject_type, code in sorted(involved):
        family = families[(subject_type, code)]
        for measure, found in family.values.items():
            name = _joint_name(subject_type, code, measure)
            joint.members[name] = (subject_type, code, measure)
            joint.values[name] = dict(found)
            joint.reasons[name] = dict(family.reasons.get(measure, {}))
        for (measure, bundle), bounds in family.bounds.items():
            joint.bounds[(_joint_name(subject_type, code, measure), bundle)] = bounds
    return joint
