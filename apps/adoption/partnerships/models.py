"""The rows of a joint commitment.

A :class:`Partnership` is a request from the adoption's organisation to a partner organisation,
which the partner accepts or declines; either side may withdraw it later. Only an accepted
partnership gives the partner's members access to the adoption, so a withdrawal takes it away
at once, while the entries the partner wrote stay, attributed (``ProgressEntry.organisation``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

from .querysets import PartnershipQuerySet

MESSAGE_MAX_LENGTH = 2000
OBJECTIVE_MAX_LENGTH = 1000


class PartnershipState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Partnership(TimeStampedModel):
    adoption = models.ForeignKey(
        "adoption.Adoption",
        verbose_name=_("adoption"),
        on_delete=models.CASCADE,
        related_name="partnerships",
    )
    partner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("partner organisation"),
        on_delete=models.CASCADE,
        related_name="partnerships_received",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PartnershipState.choices, default="pending"
    )
    message = models.TextField(_("message"), blank=True, max_length=MESSAGE_MAX_LENGTH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    withdrawn_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            # Never asked twice for the same adoption: a declined request stays declined (the
            # partner said no); only after a withdrawal may the adoption ask again.
            models.UniqueConstraint(
                fields=["adoption", "partner"],
                condition=~Q(state="withdrawn"),
                name="partnership_once_per_adoption",
                violation_error_message=_(
                    "This organisation has already been asked to act on this adoption."
                ),
            ),
        ]
        indexes = [models.Index(fields=["partner", "state"])]

    def __str__(self) -> str:
        return f"{self.adoption} + {self.partner}"

    @property
    def is_accepted(self) -> bool:
        return self.state == PartnershipState.ACCEPTED


class SharedObjective(TimeStampedModel):
    """An objective one side of a partnership proposes and the other confirms."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    text = models.TextField(_("objective"), max_length=OBJECTIVE_MAX_LENGTH)
    target_date = models.DateField(_("target date"))
    proposed_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("proposed by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by (person)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by (person)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["target_date", "created_at"]
        verbose_name = _("shared objective")
        verbose_name_plural = _("shared objectives")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class EntryConfirmation(models.Model):
    """A partner's word that an entry the other side wrote is right ("confirmed by …")."""

    entry = models.ForeignKey(
        "adoption.ProgressEntry",
        verbose_name=_("entry"),
        on_delete=models.CASCADE,
        related_name="confirmations",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("confirmed by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by (person)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        ordering = ["confirmed_at"]
        verbose_name = _("confirmation of an entry")
        verbose_name_plural = _("confirmations of entries")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "organisation"], name="entry_confirmed_once_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} ✓ {self.organisation}"
