"""Answering the attitude pulse: one submission per person and reporting period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.cache import renew_tokens
from apps.organisations.models import Organisation
from apps.organisations.permissions import get_membership

from .models import HIGHEST, LOWEST, PulseAnswer, PulseSubmission
from .selectors import Period, answers_version_key, current_period, has_answered, pulse_statements


class AlreadyAnswered(Exception):
    """The person answered the pulse in this period already (the API answers 409)."""

    def __init__(self, period: Period) -> None:
        self.period = period
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "You have already answered the pulse for %(period)s; you can answer again from "
            "%(date)s."
        ) % {"period": self.period.label, "date": date_format(self.period.next_starts_on)}


def _checked_values(answers: Iterable[tuple[str, object]], codes: list[str]) -> dict[str, int]:
    """``{code: value}``, or a ValidationError on ``answers`` that says what is wrong.

    Every statement of the current pulse is answered exactly once, from 1 to 5.
    """
    values: dict[str, int] = {}
    problems: list[str] = []
    for code, value in answers:
        if code not in codes:
            problems.append(_("%(code)s is not a statement of the current pulse.") % {"code": code})
        elif code in values:
            problems.append(_("%(code)s is answered twice.") % {"code": code})
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (LOWEST <= value <= HIGHEST)
        ):
            problems.append(
                _(
                    "%(code)s: answer from 1 (strongly disagree) to 5 (strongly agree), "
                    "not %(value)s."
                )
                % {"code": code, "value": value}
            )
        else:
            values[code] = value
    missing = [code for code in codes if code not in values and code not in dict(answers)]
    if missing:
        problems.append(
            _("Answer every statement: %(codes)s not answered.") % {"codes": ", ".join(missing)}
        )
    if problems:
        raise ValidationError({"answers": problems})
    return values


@transaction.atomic
def pulse_submit(
    *,
    user: User,
    organisation: Organisation,
    answers: Iterable[tuple[str, object]],
    today: dt.date | None = None,
) -> PulseSubmission:
    """Record the person's answers, given for ``organisation``, in the current period.

    ``answers`` are ``(statement code, value)`` pairs. Refused (ValidationError) when the
    person is not a member of the organisation, when no edition with a pulse is published,
    or unless every statement of the published edition is answered once, from 1 to 5.
    :class:`AlreadyAnswered` when they answered in this period already, for any organisation.
    """
    answers = list(answers)
    membership = get_membership(user, organisation)
    if membership is None:
        raise ValidationError(
            {"organisation": _("You can answer only for an organisation you are a member of.")}
        )
    statements = {s.code: s for s in pulse_statements()}
    if not statements:
        raise ValidationError(_("There is no pulse to answer: the roadmap has no statements."))
    values = _checked_values(answers, list(statements))
    period = current_period(today=today)
    if has_answered(user=user, period=period):
        raise AlreadyAnswered(period)
    edition_id = next(iter(statements.values())).edition_id
    try:
        with transaction.atomic():
            submission = PulseSubmission.objects.create(
                user=user,
                organisation=organisation,
                edition_id=edition_id,
                period=period.label,
                role=membership.role,
            )
    except IntegrityError as error:  # answered at the same moment in another request
        raise AlreadyAnswered(period) from error
    PulseAnswer.objects.bulk_create(
        PulseAnswer(submission=submission, statement=statements[code], value=value)
        for code, value in values.items()
    )
    renew_tokens([answers_version_key(user.pk)])  # the dashboard stops inviting them
    return submission
