"""The curators' proposals: what the learning report suggests changing in the roadmap.

A :class:`Proposal` is written from a flag of the report (``selectors.Flag``) or about an
action, or both; it needs at least one. It is carried into the changelog of the next draft
edition (``services.proposals_carry_into``): at once when a draft exists, else when one is
started (``apps.roadmap.signals.edition_draft_started``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Flag(models.TextChoices):
    """What the report flags an action for (the rules: ``selectors.flags_of``)."""

    LOW_UPTAKE = "low_uptake", _("Low uptake after several periods")
    STALLED = "stalled", _("Stalled: many adopters dormant")
    DISCONTINUED = "often_discontinued", _("Often discontinued")


NEEDS_FLAG_OR_ACTION = _("A proposal needs a flag or an action: choose at least one.")


class Proposal(TimeStampedModel):
    action = models.ForeignKey(
        "roadmap.Action",
        verbose_name=_("action"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    flag = models.CharField(_("flag"), max_length=20, choices=Flag.choices, blank=True)
    text = models.TextField(_("proposal"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    carried_into = models.ForeignKey(
        "roadmap.Edition",
        verbose_name=_("carried into the changelog of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    carried_at = models.DateTimeField(_("carried at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=False) | ~Q(flag=""),
                name="proposal_flag_or_action",
                violation_error_message=NEEDS_FLAG_OR_ACTION,
            ),
        ]

    def __str__(self) -> str:
        about = self.action.code if self.action_id and self.action else self.get_flag_display()
        return f"{about}: {self.text[:60]}"

    def clean(self) -> None:
        if self.action_id is None and not self.flag:
            raise ValidationError(NEEDS_FLAG_OR_ACTION, code="flag_or_action")

    def changelog_line(self) -> str:
        """The proposal as one changelog entry (in English, the changelog's language)."""
        about = []
        if self.action_id and self.action:
            about.append(self.action.code)
        if self.flag:
            about.append(str(Flag(self.flag).label))
        return f"- {' · '.join(about)}: {self.text.strip()}"
