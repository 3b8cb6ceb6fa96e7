"""The attitude pulse's answers: one submission per person and reporting period.

The statements are roadmap content (``apps.roadmap.models.PulseStatement``). A member answers
every statement of the published edition from 1 (strongly disagree) to 5 (strongly agree),
for one of their organisations, at most once per reporting period. Answers are never shown
one by one: they are compiled with the benchmark, by the organisation's country, region and
stakeholder group and the role the person held when answering, under the anonymisation
rules. The person is kept only to enforce "once per period"; deleting the account unlinks
them (``SET_NULL``) and leaves an anonymous submission.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.organisations.permissions import Role

LOWEST, HIGHEST = 1, 5


class PulseSubmission(TimeStampedModel):
    """One person's answers for one reporting period, given for one of their organisations."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="pulse_submissions",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="pulse_submissions",
    )
    edition = models.ForeignKey(
        "roadmap.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("reporting period"), max_length=12)
    role = models.CharField(_("role when answering"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("pulse submission")
        verbose_name_plural = _("pulse submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period"],
                condition=Q(user__isnull=False),
                name="pulse_once_per_period",
            )
        ]
        indexes = [models.Index(fields=["period", "organisation"])]

    def __str__(self) -> str:
        return f"{self.period} · {self.organisation_id}"


class PulseAnswer(models.Model):
    """The value given to one statement, 1 (strongly disagree) to 5 (strongly agree)."""

    submission = models.ForeignKey(
        PulseSubmission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    statement = models.ForeignKey(
        "roadmap.PulseStatement",
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.PositiveSmallIntegerField(
        _("answer"), validators=[MinValueValidator(LOWEST), MaxValueValidator(HIGHEST)]
    )

    class Meta:
        verbose_name = _("pulse answer")
        verbose_name_plural = _("pulse answers")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "statement"], name="pulse_one_answer_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=LOWEST, value__lte=HIGHEST), name="pulse_value_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.value}"
