"""Writes to roadmap content: starting a draft edition and publishing it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User

from .history import one_record_each
from .models import (
    Action,
    Assumption,
    Edition,
    EndGoal,
    IntermediateGoal,
    PulseStatement,
    contribution_problems,
)
from .signals import announce_content_changed, edition_draft_started, edition_published
from .translation import canonical_name, translation_names

ActionMapping = dict[str, str | None]


def _copy_fields(
    instance: Edition | EndGoal | IntermediateGoal | Action | Assumption | PulseStatement,
    **overrides: object,
) -> None:
    """Turn a loaded instance into an unsaved copy of itself."""
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    # Prefetched relations belong to the original row, not to the copy.
    instance.__dict__.pop("_prefetched_objects_cache", None)
    for name, value in overrides.items():
        setattr(instance, name, value)


@transaction.atomic
def edition_start_draft(
    *, source: Edition, version_label: str, by: User | None, title: str = ""
) -> Edition:
    """Copy ``source`` (usually the published edition) into a new draft.

    The goal tree, each action's groups and resources, the goals' assumptions, the attitude
    pulse's statements and the actions' "contributes to" links (re-pointed to the draft's
    goals) come along; each copied action points back at its original through
    ``derived_from`` so that later editions can carry adoptions over. Every item's
    translations are copied with it. ``title`` is the draft's English title; when it differs
    from the source's, the old title's translations are dropped rather than left to
    contradict it. The changelog starts empty in every language (receivers of
    ``edition_draft_started`` may add to it: the curators' proposals). The source is left
    untouched.
    """
    if Edition.objects.filter(version_label=version_label).exists():
        raise ValidationError({"version_label": _("An edition with this label already exists.")})
    draft = Edition.objects.get(pk=source.pk)
    # Texts are named by column: assigning ``title`` would write the active language's.
    texts: dict[str, str | None] = {
        canonical_name("title"): title or source.title_en,
        canonical_name("changelog"): None,
        **dict.fromkeys(translation_names(Edition, fields=["changelog"])),
    }
    if title and title != source.title_en:
        texts.update(dict.fromkeys(translation_names(Edition, fields=["title"])))
    _copy_fields(
        draft,
        version_label=version_label,
        status=Edition.Status.DRAFT,
        published_at=None,
        based_on=source,
        **texts,
    )
    draft.full_clean()
    draft._history_user = by
    draft.save()

    with one_record_each():
        _copy_goal_tree(source, draft)
    edition_draft_started.send(sender=Edition, edition=draft, by=by)
    return draft


def _copy_goal_tree(source: Edition, draft: Edition) -> None:
    """Copy the source's goal tree, assumptions, pulse statements and actions (with their
    links) into the draft. The links are written in bulk, four inserts in all: a draft is
    on no public page (nothing cached needs telling) and each action's history row is
    written once it is complete (``one_record_each``)."""
    end_goal_map: dict[int, EndGoal] = {}
    for end_goal in source.end_goals.all():
        old_pk = end_goal.pk
        _copy_fields(end_goal, edition=draft)
        end_goal.save()
        end_goal_map[old_pk] = end_goal

    goal_map: dict[int, IntermediateGoal] = {}
    for goal in IntermediateGoal.objects.filter(edition=source):
        old_pk = goal.pk
        _copy_fields(goal, edition=draft, end_goal=end_goal_map[goal.end_goal_id])
        goal.save()
        goal_map[old_pk] = goal

    for assumption in Assumption.objects.filter(edition=source):
        _copy_fields(
            assumption,
            edition=draft,
            end_goal=end_goal_map.get(assumption.end_goal_id or 0),
            intermediate_goal=goal_map.get(assumption.intermediate_goal_id or 0),
        )
        assumption.save()

    for statement in PulseStatement.objects.filter(edition=source):
        _copy_fields(statement, edition=draft)
        statement.save()

    actions = Action.objects.filter(edition=source).prefetch_related(
        "stakeholder_groups", "resources", "contributes_to", "addresses_barriers"
    )
    links: dict[str, list[tuple[Action, list[Model]]]] = {name: [] for name in ACTION_LINKS}
    for action in actions:
        linked: dict[str, list[Model]] = {
            name: list(getattr(action, name).all()) for name in ACTION_LINKS
        }
        linked["contributes_to"] = [goal_map[goal.pk] for goal in linked["contributes_to"]]
        original = Action(pk=action.pk)
        _copy_fields(
            action,
            edition=draft,
            intermediate_goal=goal_map[action.intermediate_goal_id],
            derived_from=original,
        )
        action.save()
        for name, targets in linked.items():
            links[name].append((action, targets))
    for name, pairs in links.items():
        through = getattr(Action, name).through
        source_field, target_field = _through_columns(Action, name)
        through.objects.bulk_create(
            through(**{source_field: action.pk, target_field: target.pk})
            for action, targets in pairs
            for target in targets
        )


# The actions' many-to-many links, copied with each action.
ACTION_LINKS = ("stakeholder_groups", "resources", "contributes_to", "addresses_barriers")


def _through_columns(model: type[Model], name: str) -> tuple[str, str]:
    """The columns of a many-to-many link's table holding the model's id and the target's."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.ManyToManyField)
    return field.m2m_column_name(), field.m2m_reverse_name()


def action_set_contributions(*, action: Action, goals: list[IntermediateGoal]) -> None:
    """Set the intermediate goals of other branches that ``action`` contributes to.

    Raises ValidationError, and changes nothing, when a goal is of another edition or is
    the action's own intermediate goal.
    """
    problems = contribution_problems(action, goals)
    if problems:
        raise ValidationError({"contributes_to": problems})
    action.contributes_to.set(goals)


def edition_validate_for_publishing(*, edition: Edition) -> list[str]:
    """Reasons the edition cannot be published; an empty list means it can."""
    problems: list[str] = []
    if edition.status != Edition.Status.DRAFT:
        problems.append(_("Only a draft edition can be published."))
    if not edition.end_goals.exists():
        problems.append(_("The edition has no end goals."))
    for end_goal in edition.end_goals.filter(intermediate_goals__isnull=True):
        problems.append(_("%(code)s has no intermediate goals.") % {"code": end_goal.code})
    for goal in edition.intermediate_goals.filter(actions__isnull=True):
        problems.append(_("%(code)s has no actions.") % {"code": goal.code})
    for action in edition.actions.filter(stakeholder_groups__isnull=True):
        problems.append(_("%(code)s has no stakeholder group.") % {"code": action.code})
    return problems


def edition_default_mapping(*, edition: Edition, previous: Edition | None) -> ActionMapping:
    """Where each action of the previous edition goes in ``edition``, by default.

    An action copied into the draft goes to its copy (whatever its code is now);
    otherwise to the action with the same code; otherwise it was removed (None).
    """
    if previous is None:
        return {}
    copies = dict(
        edition.actions.filter(derived_from__edition=previous).values_list(
            "derived_from__code", "code"
        )
    )
    codes = set(edition.actions.values_list("code", flat=True))
    return {
        code: copies.get(code) or (code if code in codes else None)
        for code in previous.actions.values_list("code", flat=True)
    }


def edition_validate_mapping(
    *, edition: Edition, previous: Edition | None, mapping: ActionMapping
) -> list[str]:
    """Problems with a mapping of old action codes to new ones."""
    if previous is None:
        return []
    old_codes = set(previous.actions.values_list("code", flat=True))
    new_codes = set(edition.actions.values_list("code", flat=True))
    problems = [
        _("%(code)s is not an action of edition %(label)s.")
        % {"code": old, "label": previous.version_label}
        for old in mapping
        if old not in old_codes
    ]
    problems += [
        _("%(code)s is not an action of edition %(label)s.")
        % {"code": new, "label": edition.version_label}
        for new in mapping.values()
        if new and new not in new_codes
    ]
    return problems


@transaction.atomic
def edition_publish(
    *, edition: Edition, by: User | None, mapping: ActionMapping | None = None
) -> Edition:
    """Publish a draft and archive the edition that was published before it.

    ``mapping`` says where each old action's adoptions go (default:
    :func:`edition_default_mapping`); receivers of ``edition_published`` carry
    them over in the same transaction. Raises ValidationError, and changes
    nothing, if the draft is incomplete or the mapping names unknown codes.
    """
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    problems = edition_validate_for_publishing(edition=edition)
    previous = Edition.objects.select_for_update().published().first()
    if mapping is None:
        mapping = edition_default_mapping(edition=edition, previous=previous)
    else:
        defaults = edition_default_mapping(edition=edition, previous=previous)
        problems += edition_validate_mapping(edition=edition, previous=previous, mapping=mapping)
        mapping = {**defaults, **mapping}
    if problems:
        raise ValidationError(problems)
    if previous is not None:
        previous.status = Edition.Status.ARCHIVED
        previous._history_user = by
        previous.save(update_fields=["status", "updated_at"])
    edition.status = Edition.Status.PUBLISHED
    edition.published_at = timezone.now()
    edition._history_user = by
    edition.save(update_fields=["status", "published_at", "updated_at"])
    edition_published.send(
        sender=Edition, edition=edition, previous=previous, mapping=mapping, by=by
    )
    announce_content_changed(sender=Edition, edition=edition)
    return edition
