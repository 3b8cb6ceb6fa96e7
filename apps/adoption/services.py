"""Writes about adoptions, progress and maturity.

Every write validates first and changes nothing when any part is invalid:
an entry with one bad file stores no file, no metric and no status change. Every write
raises the data version of the organisations whose private pages it changes
(``apps/organisations/data_version.py``): the adoption's own, the writer of a partner's entry,
and, when the status or percent complete moves, the accepted partners (their dashboards show
it), looked up after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.organisations.data_version import organisation_data_changed, organisation_ids_changed
from apps.roadmap.models import Action, Assumption, BarrierCategory, Dimension, EndGoal

from . import rules
from .evidence import (
    ALLOWED_TYPES,
    check_entry_files,
    check_quota,
    check_upload,
    stored_name,
)
from .models import (
    REFLECTION_MAX_LENGTH,
    Adoption,
    AdoptionStatus,
    BarrierReport,
    Evidence,
    GoalReflection,
    MaturityAssessment,
    MaturityRating,
    Metric,
    MetricValue,
    Partnership,
    ProgressEntry,
)
from .partnerships import notifications as partnership_notifications
from .partnerships.cached import accepted_partner_ids
from .selectors import evidence_bytes_used

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.organisations.models import Organisation

ADOPTION_FIELDS = (
    "status",
    "is_urgent",
    "is_important",
    "owner",
    "start_date",
    "target_date",
    "notes",
)


def _check_owner(organisation: Organisation, owner: User | None) -> None:
    if owner is not None and not organisation.memberships.filter(user=owner).exists():
        raise ValidationError({"owner": _("The owner must be a member of the organisation.")})


def _check_action(action: Action) -> None:
    if action.edition.status != "published":
        raise ValidationError(
            {"action": _("Only actions of the published roadmap can be adopted.")}
        )


@transaction.atomic
def adoption_create(
    *,
    organisation: Organisation,
    action: Action,
    by: User,
    **fields: Any,
) -> Adoption:
    """Adopt an action. The first progress entry records the adoption itself."""
    _check_action(action)
    _check_owner(organisation, fields.get("owner"))
    adoption = Adoption(organisation=organisation, action=action, created_by=by, **fields)
    adoption.full_clean()
    try:
        with transaction.atomic():
            adoption.save()
    except IntegrityError as exc:  # a concurrent adoption of the same action
        raise ValidationError(_("Your organisation has already adopted this action.")) from exc
    _record_entry(
        adoption,
        by=by,
        narrative=_("Adopted the action."),
        status_from="",
        status_to=adoption.status,
    )
    return adoption


@transaction.atomic
def adoption_bulk_create(
    *,
    organisation: Organisation,
    actions: Iterable[Action],
    by: User,
    owner: User | None = None,
    target_date: dt.date | None = None,
) -> list[Adoption]:
    """Adopt several actions at once, each with the same ``owner`` and ``target_date``
    (checked as for one adoption: the owner must be a member); those already adopted are
    left as they are. All or nothing: one invalid adoption creates none."""
    _check_owner(organisation, owner)
    adopted = set(organisation.adoptions.values_list("action_id", flat=True))
    return [
        adoption_create(
            organisation=organisation, action=action, by=by, owner=owner, target_date=target_date
        )
        for action in actions
        if action.pk not in adopted
    ]


@transaction.atomic
def adoption_update(
    *,
    adoption: Adoption,
    by: User,
    **fields: Any,
) -> Adoption:
    """Change an adoption. A status change always leaves a progress entry."""
    if adoption.is_read_only:
        raise ValidationError(
            _("This action was removed from the roadmap: the adoption is kept read-only.")
        )
    unknown = set(fields) - set(ADOPTION_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here")
    _check_owner(adoption.organisation, fields.get("owner"))
    old_status = adoption.status
    for name, value in fields.items():
        setattr(adoption, name, value)
    adoption.full_clean()
    adoption.save()
    if adoption.status == old_status:
        _data_changed(adoption, shown_to_partners=False)
    else:  # the entry raises the versions
        _record_entry(
            adoption,
            by=by,
            narrative=_("Status changed from %(old)s to %(new)s.")
            % {
                "old": AdoptionStatus(old_status).label,
                "new": AdoptionStatus(adoption.status).label,
            },
            status_from=old_status,
            status_to=adoption.status,
        )
    return adoption


# An entry's relations are rows the caller holds, just read or written: ``full_clean`` would
# ask the database again whether each exists (and whether a corrected entry is corrected
# already, which ``progress_entry_correct`` checks under a lock).
ENTRY_RELATIONS = ["adoption", "organisation", "author", "supersedes", "challenged_assumption"]


def _record_entry(
    adoption: Adoption,
    *,
    by: User | None,
    organisation: Organisation | None = None,
    adoption_changes: Mapping[str, Any] | None = None,
    **values: Any,
) -> ProgressEntry:
    """Store an entry written for ``organisation`` (the adoption's own unless a partner's),
    and on the adoption its last activity and ``adoption_changes``, in one update; a status
    change is told to the other sides of a joint adoption, after the commit."""
    writer = organisation or adoption.organisation
    entry = ProgressEntry(
        adoption=adoption,
        organisation=writer,
        author=by,
        entry_date=values.pop("entry_date", None) or timezone.localdate(),
        **values,
    )
    # The percent's check constraint is its validators' rule (MaxValueValidator), already
    # checked with the fields, and checking it again costs a query.
    entry.full_clean(exclude=ENTRY_RELATIONS, validate_constraints=False)
    entry.save()
    _touch_adoption(adoption, adoption_changes or {})
    # A new adoption (its first entry) has no partner yet.
    shown_to_partners = bool(adoption_changes) or bool(entry.status_from and entry.changes_status)
    _data_changed(adoption, writer=writer, shown_to_partners=shown_to_partners)
    if entry.changes_status and entry.status_from:
        transaction.on_commit(
            partial(partnership_notifications.status_changed, adoption, by_organisation=writer),
            robust=True,
        )
    return entry


def _data_changed(
    adoption: Adoption, *, writer: Organisation | None = None, shown_to_partners: bool
) -> None:
    """The adoption's organisation's pages (and a partner writer's) are out of date; with
    ``shown_to_partners`` (its status or percent complete moved), its accepted partners' too,
    looked up after the commit (no query in the write itself)."""
    organisation_data_changed(adoption.organisation_id, writer)
    if shown_to_partners:
        transaction.on_commit(partial(partners_changed, [adoption.pk]), robust=True)


def partners_changed(adoption_ids: list[int]) -> None:
    """The accepted partners of the adoptions see them changed (on their dashboards). One
    adoption's (a progress entry's case) come from the cache."""
    if len(adoption_ids) == 1:
        partner_ids = accepted_partner_ids(adoption_ids[0])
    else:
        partners = Partnership.objects.accepted().filter(adoption_id__in=adoption_ids)
        partner_ids = list(partners.values_list("partner_id", flat=True))
    organisation_ids_changed(set(partner_ids))


def _touch_adoption(adoption: Adoption, changes: Mapping[str, Any]) -> None:
    """The adoption's last activity is now; ``changes`` (its status, its percent complete)
    are saved with it."""
    adoption.last_activity_at = timezone.now()
    if not changes:
        Adoption.objects.filter(pk=adoption.pk).update(last_activity_at=adoption.last_activity_at)
        return
    for name, value in changes.items():
        setattr(adoption, name, value)
    adoption.save(update_fields=[*changes, "last_activity_at", "updated_at"])


@dataclass
class EntryInput:
    """What a person reports in one progress entry."""

    entry_date: dt.date
    narrative: str
    status_to: str = ""
    percent_complete: int | None = None
    links: list[str] = field(default_factory=list)
    files: list[UploadedFile[bytes]] = field(default_factory=list)
    metric_values: Mapping[Metric, Decimal] = field(default_factory=dict)
    barriers: Mapping[BarrierCategory, str] = field(default_factory=dict)
    # The assumption each barrier challenges, for those it names one for (issue 16).
    barrier_assumptions: Mapping[BarrierCategory, Assumption] = field(default_factory=dict)
    # With a status change to discontinued: the assumption that did not hold.
    challenged_assumption: Assumption | None = None


def _check_assumptions(data: EntryInput, adoption: Adoption, errors: dict[str, list[str]]) -> None:
    """Assumptions named by an entry are the adopted action's edition's; a barrier names one
    only when it is reported, and an entry only when it discontinues the adoption. (The
    action is read only for an entry that names one.)"""
    if not data.barrier_assumptions and data.challenged_assumption is None:
        return
    edition_id = adoption.action.edition_id

    def wrong(assumption: Assumption) -> str:
        return _("%(code)s is not an assumption of the edition of the adopted action.") % {
            "code": assumption.code
        }

    for category, assumption in data.barrier_assumptions.items():
        if category not in data.barriers:
            errors.setdefault("barrier_assumptions", []).append(
                _("Report the barrier “%(barrier)s” to name the assumption it challenges.")
                % {"barrier": category.name}
            )
        elif assumption.edition_id != edition_id:
            errors.setdefault("barrier_assumptions", []).append(wrong(assumption))
    challenged = data.challenged_assumption
    if challenged is None:
        return
    if data.status_to != AdoptionStatus.DISCONTINUED:
        errors.setdefault("challenged_assumption", []).append(
            _("Name a challenged assumption only when you discontinue the adoption.")
        )
    elif challenged.edition_id != edition_id:
        errors.setdefault("challenged_assumption", []).append(wrong(challenged))


def _check_partner_entry(
    data: EntryInput, adoption: Adoption, errors: dict[str, list[str]]
) -> None:
    """A partner logs progress on a joint adoption; its status and percent stay its own
    organisation's to set."""
    owner = adoption.organisation.name
    if data.status_to and data.status_to != adoption.status:
        errors.setdefault("status_to", []).append(
            _("Only %(owner)s changes the status of its adoption.") % {"owner": owner}
        )
    if data.percent_complete is not None:
        errors.setdefault("percent_complete", []).append(
            _("Only %(owner)s sets how complete its adoption is.") % {"owner": owner}
        )


def _validate_entry(data: EntryInput, organisation: Organisation, adoption: Adoption) -> list[str]:
    """Check everything before anything is stored; return each file's real type.

    The number and total size of the files are checked before their content, and the
    organisation's quota last, with its row locked until the entry is stored, so that
    two entries at once cannot both take the last free space.
    """
    errors: dict[str, list[str]] = {}
    if rules.is_in_the_future(data.entry_date):
        errors.setdefault("entry_date", []).append(_("The date cannot be in the future."))
    if data.status_to and not rules.is_status(data.status_to):
        errors.setdefault("status_to", []).append(_("Choose one of the statuses."))
    if data.percent_complete is not None and not rules.is_percentage(data.percent_complete):
        errors.setdefault("percent_complete", []).append(_("Give a percentage from 0 to 100."))
    for metric, value in data.metric_values.items():
        if not rules.is_metric_value(value):
            errors.setdefault("metric_values", []).append(
                _("%(metric)s cannot be negative.") % {"metric": metric.name}
            )
        if not metric.is_active:
            errors.setdefault("metric_values", []).append(
                _("%(metric)s is no longer in use.") % {"metric": metric.name}
            )
    for link in data.links:
        if not rules.is_web_address(link):
            errors.setdefault("links", []).append(
                _("%(link)s is not a web address.") % {"link": link}
            )
    _check_assumptions(data, adoption, errors)
    if organisation.pk != adoption.organisation_id:
        _check_partner_entry(data, adoption, errors)
    kinds = _check_files(data.files, errors)
    if errors:
        raise ValidationError(errors)
    if data.files:
        # An upload always has a name and a size (None only for a File from a bare stream).
        _check_quota(organisation, adding=sum(upload.size or 0 for upload in data.files))
    return kinds


def _check_files(uploads: list[UploadedFile[bytes]], errors: dict[str, list[str]]) -> list[str]:
    try:
        check_entry_files(uploads)
    except ValidationError as exc:
        errors.setdefault("files", []).extend(exc.messages)
        return []  # too many or too large: their content is not even read
    kinds = []
    for upload in uploads:
        try:
            kinds.append(check_upload(upload))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    return kinds


def _check_quota(organisation: Organisation, *, adding: int) -> None:
    locked = type(organisation)._default_manager.select_for_update().filter(pk=organisation.pk)
    list(locked.values_list("pk", flat=True))
    try:
        check_quota(used=evidence_bytes_used(organisation=organisation), adding=adding)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from exc


@transaction.atomic
def progress_entry_create(
    *,
    adoption: Adoption,
    by: User,
    data: EntryInput,
    organisation: Organisation | None = None,
    supersedes: ProgressEntry | None = None,
) -> ProgressEntry:
    """Log progress on an adoption, with evidence, metrics and barriers.

    ``organisation`` writes the entry: the adoption's own (the default) or an accepted partner
    of a joint adoption (the caller has checked it is one: ``AdoptionQuerySet.visible_to``),
    whose files count towards its own storage quota. A status given here is applied to the
    adoption. The adoption's percent complete follows the latest entry that gives one.

    The entry comes back holding the rows written with it, as though read with
    ``with_details``: ``entry.evidence_list``, ``.metric_list`` and ``.barrier_list``, and
    no ``.confirmation_list``, answer without a query (and do not see rows added afterwards).
    The other sides of a joint adoption are told of a status change after the commit.
    """
    return _write_entry(
        adoption=adoption, by=by, data=data, organisation=organisation, supersedes=supersedes
    )


def _write_entry(
    *,
    adoption: Adoption,
    by: User,
    data: EntryInput,
    organisation: Organisation | None,
    supersedes: ProgressEntry | None,
) -> ProgressEntry:
    """``progress_entry_create`` inside the caller's transaction (a correction's), without a
    savepoint of its own: any error rolls the whole of it back."""
    if adoption.is_read_only:
        raise ValidationError(
            _("This action was removed from the roadmap: the adoption is kept read-only.")
        )
    writer = organisation or adoption.organisation
    kinds = _validate_entry(data, writer, adoption)
    entry = _record_entry(
        adoption,
        by=by,
        organisation=writer,
        adoption_changes=_entry_changes(adoption, data),
        entry_date=data.entry_date,
        narrative=data.narrative,
        status_from=adoption.status if data.status_to else "",
        status_to=data.status_to,
        percent_complete=data.percent_complete,
        supersedes=supersedes,
        challenged_assumption=data.challenged_assumption,
    )
    evidence = Evidence.objects.bulk_create(
        Evidence(entry=entry, url=link, title=link[:200]) for link in data.links
    )
    for upload, kind in zip(data.files, kinds, strict=True):
        name = stored_name(upload.name or "", kind)
        stored = Evidence(
            entry=entry, original_name=name, content_type=kind, size=upload.size or 0, title=name
        )
        stored.file.save(f"{entry.pk}.{ALLOWED_TYPES[kind]}", upload, save=False)
        stored.save()
        evidence.append(stored)
    metrics = MetricValue.objects.bulk_create(
        MetricValue(entry=entry, metric=metric, value=value)
        for metric, value in data.metric_values.items()
    )
    barriers = BarrierReport.objects.bulk_create(
        BarrierReport(
            entry=entry,
            category=category,
            note=note,
            assumption=data.barrier_assumptions.get(category),
        )
        for category, note in data.barriers.items()
    )
    # Nobody has confirmed a new entry yet.
    entry.hold_rows(evidence=evidence, metrics=metrics, barriers=barriers, confirmations=[])
    return entry


def _entry_changes(adoption: Adoption, data: EntryInput) -> dict[str, Any]:
    """What an entry changes on its adoption: the status it gives, and the percent complete,
    which follows the latest entry that gives one."""
    changes: dict[str, Any] = {}
    if data.status_to and data.status_to != adoption.status:
        changes["status"] = data.status_to
    if data.percent_complete is not None:
        changes["percent_complete"] = data.percent_complete
    return changes


@transaction.atomic
def progress_entry_correct(
    *, entry: ProgressEntry, by: User, data: EntryInput, organisation: Organisation | None = None
) -> ProgressEntry:
    """Correct an entry: the correction is a new version; the old one stays readable. Only
    the organisation that wrote an entry corrects it (``organisation``: the adoption's own by
    default)."""
    entry = (
        ProgressEntry.objects.select_for_update(of=("self",))
        .select_related("adoption__organisation", "adoption__action")
        .get(pk=entry.pk)
    )
    writer = organisation or entry.adoption.organisation
    if entry.organisation_id != writer.pk:
        raise ValidationError(
            _("Only the organisation that wrote an entry can correct it."), code="not_the_writer"
        )
    if not entry.is_current:
        raise ValidationError(
            _("This entry has already been corrected: correct the latest version.")
        )
    correction = _write_entry(
        adoption=entry.adoption, by=by, data=data, organisation=writer, supersedes=entry
    )
    ProgressEntry.objects.filter(pk=entry.pk).update(is_current=False)
    return correction


@dataclass(frozen=True)
class Reflection:
    """A checkpoint's reflection on one end goal: what worked, what did not (either may be
    empty; a reflection with both empty is not stored)."""

    worked: str = ""
    did_not_work: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.worked.strip() or self.did_not_work.strip())


def _check_reflections(reflections: Mapping[EndGoal, Reflection]) -> None:
    if any(
        len(text) > REFLECTION_MAX_LENGTH
        for reflection in reflections.values()
        for text in (reflection.worked, reflection.did_not_work)
    ):
        raise ValidationError(
            {
                "reflections": _("Keep each reflection to %(max)d characters.")
                % {"max": REFLECTION_MAX_LENGTH}
            }
        )


@transaction.atomic
def assessment_create(
    *,
    organisation: Organisation,
    by: User,
    assessed_on: dt.date,
    goal_levels: Mapping[EndGoal, int],
    dimension_levels: Mapping[Dimension, int],
    notes: str = "",
    reflections: Mapping[EndGoal, Reflection] | None = None,
) -> MaturityAssessment:
    """Record a maturity checkpoint: a 1-5 level for each end goal and dimension, and a
    reflection on the end goals (what worked, what did not), all stored or none."""
    errors = [
        _("Levels go from 1 to 5.")
        for level in [*goal_levels.values(), *dimension_levels.values()]
        if not 1 <= int(level) <= 5
    ]
    if errors:
        raise ValidationError({"levels": errors[:1]})
    if rules.is_in_the_future(assessed_on):
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    reflections = reflections or {}
    _check_reflections(reflections)
    assessment = MaturityAssessment.objects.create(
        organisation=organisation, assessed_on=assessed_on, notes=notes, created_by=by
    )
    MaturityRating.objects.bulk_create(
        [
            MaturityRating(assessment=assessment, end_goal=g, level=lv)
            for g, lv in goal_levels.items()
        ]
        + [
            MaturityRating(assessment=assessment, dimension=d, level=lv)
            for d, lv in dimension_levels.items()
        ]
    )
    GoalReflection.objects.bulk_create(
        GoalReflection(
            assessment=assessment,
            end_goal=goal,
            worked=reflection.worked.strip(),
            did_not_work=reflection.did_not_work.strip(),
        )
        for goal, reflection in reflections.items()
        if not reflection.is_empty
    )
    organisation_data_changed(organisation)
    return assessment
