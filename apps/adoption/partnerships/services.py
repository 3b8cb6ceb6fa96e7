"""Writes about joint commitments: asking, answering, withdrawing, objectives, confirmations.

The rules (issue 17): requests go only to verified organisations, never to the adoption's own
organisation, never twice for the same adoption (a declined request stays declined; after a
withdrawal the adoption may ask again); only the receiving organisation answers a request;
either side withdraws; an objective one side proposes is confirmed by the other; an entry is
confirmed by a side that did not write it. Every move checks the current state under a row
lock, is recorded in both organisations' audit logs and tells the other side by email, in each
reader's language, after the commit (``notifications``), and raises both organisations' data
versions (``apps/organisations/data_version.py``): their dashboards and roadmaps show it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record, snapshot
from apps.organisations.data_version import organisation_data_changed

from . import notifications
from .models import (
    MESSAGE_MAX_LENGTH,
    OBJECTIVE_MAX_LENGTH,
    EntryConfirmation,
    Partnership,
    PartnershipState,
    SharedObjective,
)

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.adoption.models import Adoption, ProgressEntry
    from apps.organisations.models import Organisation

State = PartnershipState


def _locked(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update(of=("self",)).for_listing().get(pk=partnership.pk)


def _sides_changed(partnership: Partnership) -> None:
    """Both organisations' pages show the partnership: their data is out of date."""
    organisation_data_changed(partnership.adoption.organisation_id, partnership.partner_id)


def _audit(partnership: Partnership, *, by: User, verb: str, before: dict[str, object]) -> None:
    after = snapshot(partnership, ["state"])
    for organisation in (partnership.adoption.organisation, partnership.partner):
        audit_record(
            actor=by,
            verb=verb,
            obj=partnership,
            organisation=organisation,
            before=before,
            after=after,
        )


def sides(adoption: Adoption) -> list[int]:
    """Ids of the organisations acting on the adoption: its own and its accepted partners."""
    partners = adoption.partnerships.accepted().values_list("partner_id", flat=True)
    return [adoption.organisation_id, *partners]


def request_errors(adoption: Adoption, partner: Organisation) -> dict[str, list[str]]:
    """Why ``partner`` cannot be asked to act on the adoption (none: it can), by field:
    ``adoption`` (read-only) and ``organisation`` (itself, or not verified). The one home of
    these rules, for a request and for an import's ``partners`` column; the adoption may be
    unsaved (an imported row), so being asked already is checked by the database."""
    errors: dict[str, list[str]] = {}
    if adoption.is_read_only:
        errors.setdefault("adoption", []).append(
            _("This action was removed from the roadmap: the adoption is kept read-only.")
        )
    if partner.pk == adoption.organisation_id:
        errors.setdefault("organisation", []).append(
            _("An organisation cannot be its own partner.")
        )
    elif not partner.is_verified:
        errors.setdefault("organisation", []).append(
            _("Only verified organisations can be asked to act together.")
        )
    return errors


@transaction.atomic
def partnership_request(
    *, adoption: Adoption, partner: Organisation, by: User, message: str = ""
) -> Partnership:
    """Ask ``partner`` to act on the adoption together: a request waiting for its answer."""
    message = message.strip()
    errors = request_errors(adoption, partner)
    if len(message) > MESSAGE_MAX_LENGTH:
        errors.setdefault("message", []).append(
            _("Keep the message under %(count)d characters.") % {"count": MESSAGE_MAX_LENGTH}
        )
    if errors:
        raise ValidationError(errors)
    partnership = Partnership(adoption=adoption, partner=partner, message=message, requested_by=by)
    try:
        with transaction.atomic():
            partnership.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "organisation": [
                    _("%(organisation)s has already been asked to act on this adoption.")
                    % {"organisation": partner.name}
                ]
            }
        ) from exc
    _audit(partnership, by=by, verb="partnership.requested", before={})
    _sides_changed(partnership)
    notifications.requested(partnership)
    return partnership


def _answer(
    partnership: Partnership, *, organisation: Organisation, by: User, state: str, verb: str
) -> Partnership:
    partnership = _locked(partnership)
    if partnership.partner_id != organisation.pk:
        raise ValidationError(
            _("Only the organisation asked answers a request."), code="not_the_receiver"
        )
    if partnership.state != State.PENDING:
        raise ValidationError(
            _("Only a request waiting for an answer can be answered. This one is: %(state)s.")
            % {"state": partnership.get_state_display()},
            code="invalid_transition",
        )
    before = snapshot(partnership, ["state"])
    partnership.state = state
    partnership.answered_by = by
    partnership.answered_at = timezone.now()
    partnership.save(update_fields=["state", "answered_by", "answered_at", "updated_at"])
    _audit(partnership, by=by, verb=verb, before=before)
    _sides_changed(partnership)
    notifications.answered(partnership)
    return partnership


@transaction.atomic
def partnership_accept(
    *, partnership: Partnership, organisation: Organisation, by: User
) -> Partnership:
    """The organisation asked (``organisation``, and no other) accepts."""
    return _answer(
        partnership,
        organisation=organisation,
        by=by,
        state=State.ACCEPTED,
        verb="partnership.accepted",
    )


@transaction.atomic
def partnership_decline(
    *, partnership: Partnership, organisation: Organisation, by: User
) -> Partnership:
    """The organisation asked (``organisation``, and no other) declines."""
    return _answer(
        partnership,
        organisation=organisation,
        by=by,
        state=State.DECLINED,
        verb="partnership.declined",
    )


@transaction.atomic
def partnership_withdraw(
    *, partnership: Partnership, organisation: Organisation, by: User
) -> Partnership:
    """Either side ends the request or the partnership; the partner loses access at once, the
    entries it wrote stay, attributed."""
    partnership = _locked(partnership)
    _check_side(partnership, organisation)
    if partnership.state not in (State.PENDING, State.ACCEPTED):
        raise ValidationError(
            _("Only a pending or accepted partnership can be withdrawn. This one is: %(state)s.")
            % {"state": partnership.get_state_display()},
            code="invalid_transition",
        )
    before = snapshot(partnership, ["state"])
    partnership.state = State.WITHDRAWN
    partnership.withdrawn_by_organisation = organisation
    partnership.withdrawn_at = timezone.now()
    partnership.save(
        update_fields=["state", "withdrawn_by_organisation", "withdrawn_at", "updated_at"]
    )
    _audit(partnership, by=by, verb="partnership.withdrawn", before=before)
    _sides_changed(partnership)
    notifications.withdrawn(partnership, by_organisation=organisation)
    return partnership


def _check_side(partnership: Partnership, organisation: Organisation) -> None:
    if organisation.pk not in (partnership.adoption.organisation_id, partnership.partner_id):
        raise ValidationError(
            _("Only the two organisations of a partnership act on it."), code="not_a_side"
        )


def _check_accepted(partnership: Partnership) -> None:
    if partnership.state != State.ACCEPTED:
        raise ValidationError(
            _("Only an accepted partnership has shared objectives. This one is: %(state)s.")
            % {"state": partnership.get_state_display()},
            code="invalid_transition",
        )


@transaction.atomic
def objective_propose(
    *,
    partnership: Partnership,
    organisation: Organisation,
    by: User,
    text: str,
    target_date: dt.date,
) -> SharedObjective:
    """One side proposes an objective (text and target date); the other confirms it."""
    partnership = _locked(partnership)
    _check_side(partnership, organisation)
    _check_accepted(partnership)
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Say what the objective is.")]
    elif len(text) > OBJECTIVE_MAX_LENGTH:
        errors["text"] = [
            _("Keep the objective under %(count)d characters.") % {"count": OBJECTIVE_MAX_LENGTH}
        ]
    if target_date < timezone.localdate():
        errors["target_date"] = [_("The target date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    objective = SharedObjective.objects.create(
        partnership=partnership,
        text=text,
        target_date=target_date,
        proposed_by_organisation=organisation,
        proposed_by=by,
    )
    _sides_changed(partnership)
    notifications.objective_proposed(objective)
    return objective


@transaction.atomic
def objective_confirm(
    *, objective: SharedObjective, organisation: Organisation, by: User
) -> SharedObjective:
    objective = (
        SharedObjective.objects.select_for_update(of=("self",))
        .select_related("partnership__adoption")
        .get(pk=objective.pk)
    )
    _check_side(objective.partnership, organisation)
    _check_accepted(objective.partnership)
    if objective.proposed_by_organisation_id == organisation.pk:
        raise ValidationError(
            _("The other side confirms an objective: your organisation proposed this one."),
            code="own_objective",
        )
    if objective.is_confirmed:
        raise ValidationError(_("This objective is already confirmed."), code="confirmed")
    objective.confirmed_by = by
    objective.confirmed_at = timezone.now()
    objective.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    _sides_changed(objective.partnership)
    return objective


@transaction.atomic
def entry_confirm(
    *, entry: ProgressEntry, organisation: Organisation, by: User
) -> EntryConfirmation:
    """A side of the joint adoption that did not write the entry says it is right."""
    if entry.organisation_id == organisation.pk:
        raise ValidationError(
            _("The other side confirms an entry: your organisation wrote this one."),
            code="own_entry",
        )
    if organisation.pk not in sides(entry.adoption):
        raise ValidationError(
            _("Only an organisation acting on this adoption can confirm its entries."),
            code="not_a_side",
        )
    if not entry.is_current:
        raise ValidationError(
            _("This entry has been corrected: confirm the latest version."), code="corrected"
        )
    try:
        with transaction.atomic():
            confirmation = EntryConfirmation.objects.create(
                entry=entry, organisation=organisation, confirmed_by=by
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Your organisation has already confirmed this entry."), code="confirmed"
        ) from exc
    organisation_data_changed(entry.adoption.organisation_id, organisation)
    return confirmation
