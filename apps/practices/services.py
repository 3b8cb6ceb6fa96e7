"""Writes to the practice library: writing a case study and moving it to publication.

The moves (``TRANSITIONS``): a draft, or a case study returned for changes, is submitted to
its organisation's admins; they approve it, or return it with a reason; portal staff then
publish it, or return it with a reason (staff may also take a published one back down).
Each move is checked against the current state (a clear refusal otherwise), recorded in the
audit log and emails the people who act next, in their own language, after the commit.
Attachments are checked exactly as evidence files are (``apps.adoption.evidence``) and count
towards the organisation's storage quota.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.adoption.evidence import (
    ALLOWED_TYPES,
    check_entry_files,
    check_quota,
    check_upload,
    stored_name,
)
from apps.adoption.selectors import evidence_bytes_used
from apps.audit.services import audit_record, snapshot
from apps.core.emails import send_templated_email
from apps.roadmap.signals import announce_content_changed

from .models import CaseStudy, CaseStudyFile, CaseStudyState

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from apps.accounts.models import User
    from apps.adoption.models import Adoption
    from apps.organisations.models import Organisation

State = CaseStudyState

CASE_STUDY_FIELDS = (
    "title",
    "what_was_done",
    "for_whom",
    "outcomes",
    "lessons",
    "cost",
    "resources",
    "licence",
)

# move → (the states it may start from, the state it leads to, why it is refused otherwise)
TRANSITIONS: dict[str, tuple[frozenset[str], str, StrOrPromise]] = {
    "edit": (
        frozenset({State.DRAFT, State.RETURNED}),
        "",
        gettext_lazy("Only a draft or a returned case study can be edited."),
    ),
    "submit": (
        frozenset({State.DRAFT, State.RETURNED}),
        State.SUBMITTED,
        gettext_lazy("Only a draft or a returned case study can be submitted."),
    ),
    "approve": (
        frozenset({State.SUBMITTED}),
        State.APPROVED_BY_ORG,
        gettext_lazy("Only a case study submitted to the organisation can be approved by it."),
    ),
    "return": (
        frozenset({State.SUBMITTED}),
        State.RETURNED,
        gettext_lazy("Only a case study submitted to the organisation can be returned by it."),
    ),
    "publish": (
        frozenset({State.APPROVED_BY_ORG}),
        State.PUBLISHED,
        gettext_lazy("Only a case study its organisation has approved can be published."),
    ),
    "moderate_return": (
        frozenset({State.APPROVED_BY_ORG, State.PUBLISHED}),
        State.RETURNED,
        gettext_lazy(
            "Only a case study its organisation has approved, or a published one, can be "
            "returned by the moderators."
        ),
    ),
}


def _check_move(case_study: CaseStudy, move: str) -> str:
    allowed, target, refusal = TRANSITIONS[move]
    if case_study.state not in allowed:
        raise ValidationError(
            _("%(refusal)s This one is: %(state)s.")
            % {"refusal": refusal, "state": case_study.get_state_display()},
            code="invalid_transition",
        )
    return target


def _locked(case_study: CaseStudy) -> CaseStudy:
    return (
        CaseStudy.objects.select_for_update().select_related("organisation").get(pk=case_study.pk)
    )


# --- Emails -----------------------------------------------------------------------------------


def _admin_emails(organisation: Organisation) -> list[str]:
    return list(organisation.memberships.admins().values_list("user__email", flat=True))


def _staff_emails() -> list[str]:
    users = get_user_model().objects.filter(is_staff=True, is_active=True)
    return list(users.values_list("email", flat=True))


def _author_email(case_study: CaseStudy) -> list[str]:
    return [case_study.author.email] if case_study.author is not None else []


def _email_after_commit(to: list[str], template: str, case_study: CaseStudy, **extra: Any) -> None:
    recipients = sorted(set(to))
    context = {"case_study": case_study, "organisation": case_study.organisation, **extra}
    transaction.on_commit(
        lambda: send_templated_email(to=recipients, template=template, context=context)
    )


# --- Writing ----------------------------------------------------------------------------------


def _check_files(organisation: Organisation, uploads: Sequence[UploadedFile[bytes]]) -> list[str]:
    """The evidence checks: how many and how large, each file's content, then the quota
    (evidence and case study files together). Returns each file's real type."""
    if not uploads:
        return []
    messages: list[str] = []
    kinds: list[str] = []
    try:
        check_entry_files(uploads)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from exc
    for upload in uploads:
        try:
            kinds.append(check_upload(upload))
        except ValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        raise ValidationError({"files": messages})
    locked = type(organisation)._default_manager.select_for_update().filter(pk=organisation.pk)
    list(locked.values_list("pk", flat=True))
    used = evidence_bytes_used(organisation=organisation) + case_study_bytes_used(organisation)
    try:
        check_quota(used=used, adding=sum(upload.size or 0 for upload in uploads))
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from exc
    return kinds


def case_study_bytes_used(organisation: Organisation) -> int:
    total = CaseStudyFile.objects.filter(case_study__organisation=organisation).aggregate(
        total=Sum("size")
    )["total"]
    return int(total or 0)


def _store_files(
    case_study: CaseStudy, uploads: Sequence[UploadedFile[bytes]], kinds: list[str]
) -> None:
    for upload, kind in zip(uploads, kinds, strict=True):
        name = stored_name(upload.name or "", kind)
        stored = CaseStudyFile(
            case_study=case_study, original_name=name, content_type=kind, size=upload.size or 0
        )
        stored.file.save(f"{case_study.pk}.{ALLOWED_TYPES[kind]}", upload, save=False)
        stored.save()


def _set_fields(case_study: CaseStudy, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(CASE_STUDY_FIELDS)
    if unknown:
        raise ValueError(f"Cannot set {', '.join(sorted(unknown))} here")
    for name, value in fields.items():
        setattr(case_study, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def case_study_create(
    *,
    adoption: Adoption,
    by: User,
    files: Sequence[UploadedFile[bytes]] = (),
    **fields: Any,
) -> CaseStudy:
    """Write a case study of an adoption, as a draft of the adoption's organisation."""
    case_study = CaseStudy(adoption=adoption, organisation=adoption.organisation, author=by)
    _set_fields(case_study, fields)
    case_study.full_clean()
    kinds = _check_files(adoption.organisation, files)
    case_study.save()
    _store_files(case_study, files, kinds)
    audit_record(
        actor=by,
        verb="case_study.created",
        obj=case_study,
        organisation=case_study.organisation,
        after=snapshot(case_study, ["title", "adoption", "licence"]),
    )
    return case_study


@transaction.atomic
def case_study_update(
    *,
    case_study: CaseStudy,
    by: User,
    files: Sequence[UploadedFile[bytes]] = (),
    remove_files: Sequence[CaseStudyFile] = (),
    **fields: Any,
) -> CaseStudy:
    """Change a draft or a returned case study: its text, files added and ``remove_files``
    (its own attachments; the stored files go once the change is committed)."""
    case_study = _locked(case_study)
    _check_move(case_study, "edit")
    before = snapshot(case_study, list(CASE_STUDY_FIELDS))
    _set_fields(case_study, fields)
    case_study.full_clean()
    kinds = _check_files(case_study.organisation, files)
    case_study.save()
    removed = list(case_study.files.filter(pk__in=[f.pk for f in remove_files]))
    for attachment in removed:
        attachment.delete()
        transaction.on_commit(partial(attachment.file.delete, save=False))
    _store_files(case_study, files, kinds)
    after = snapshot(case_study, list(CASE_STUDY_FIELDS))
    changed = [name for name in CASE_STUDY_FIELDS if before[name] != after[name]]
    if changed or files or removed:
        audit_record(
            actor=by,
            verb="case_study.updated",
            obj=case_study,
            organisation=case_study.organisation,
            before={name: before[name] for name in changed}
            | {"files_removed": [f.original_name for f in removed]},
            after={name: after[name] for name in changed} | {"files_added": len(files)},
        )
    return case_study


# --- Moving it towards publication ------------------------------------------------------------


def _move(case_study: CaseStudy, *, by: User, move: str, verb: str, reason: str = "") -> CaseStudy:
    case_study = _locked(case_study)
    before = snapshot(case_study, ["state", "return_reason"])
    case_study.state = _check_move(case_study, move)
    case_study.return_reason = reason
    now = timezone.now()
    fields = ["state", "return_reason", "updated_at"]
    if move == "submit":
        case_study.submitted_at = now
        fields.append("submitted_at")
    elif move == "approve":
        case_study.approved_at = now
        fields.append("approved_at")
    elif move == "publish":
        case_study.published_at = now
        fields.append("published_at")
    elif before["state"] == State.PUBLISHED:  # taken back down
        case_study.published_at = None
        fields.append("published_at")
    case_study.save(update_fields=fields)
    audit_record(
        actor=by,
        verb=verb,
        obj=case_study,
        organisation=case_study.organisation,
        before=before,
        after=snapshot(case_study, ["state", "return_reason"]),
    )
    if State.PUBLISHED in (before["state"], case_study.state):
        # The public action pages list their case studies, and are cached (roadmap/cache.py).
        announce_content_changed(sender=CaseStudy, edition=None)
    return case_study


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case study is returned.")})
    return reason


@transaction.atomic
def case_study_submit(*, case_study: CaseStudy, by: User) -> CaseStudy:
    """Send a draft (or a returned case study) to the organisation's admins for approval."""
    case_study = _move(case_study, by=by, move="submit", verb="case_study.submitted")
    _email_after_commit(
        _admin_emails(case_study.organisation), "case_study_submitted", case_study, by=by
    )
    return case_study


@transaction.atomic
def case_study_approve(*, case_study: CaseStudy, by: User) -> CaseStudy:
    """The organisation's admin approves it: it goes to the portal staff's queue."""
    case_study = _move(case_study, by=by, move="approve", verb="case_study.approved")
    _email_after_commit(_staff_emails(), "case_study_awaiting_moderation", case_study)
    return case_study


@transaction.atomic
def case_study_return(*, case_study: CaseStudy, by: User, reason: str) -> CaseStudy:
    """The organisation's admin returns it to its author, saying why."""
    reason = _reason(reason)
    case_study = _move(case_study, by=by, move="return", verb="case_study.returned", reason=reason)
    _email_after_commit(_author_email(case_study), "case_study_returned", case_study, reason=reason)
    return case_study


@transaction.atomic
def case_study_publish(*, case_study: CaseStudy, by: User) -> CaseStudy:
    """Portal staff publish it in the practice library."""
    case_study = _move(case_study, by=by, move="publish", verb="case_study.published")
    recipients = _author_email(case_study) + _admin_emails(case_study.organisation)
    _email_after_commit(recipients, "case_study_published", case_study)
    return case_study


@transaction.atomic
def case_study_moderate_return(*, case_study: CaseStudy, by: User, reason: str) -> CaseStudy:
    """Portal staff return it (or take a published one down), saying why; the author and
    the organisation's admins are told."""
    reason = _reason(reason)
    case_study = _move(
        case_study, by=by, move="moderate_return", verb="case_study.returned", reason=reason
    )
    recipients = _author_email(case_study) + _admin_emails(case_study.organisation)
    _email_after_commit(recipients, "case_study_returned", case_study, reason=reason)
    return case_study
