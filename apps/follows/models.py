"""What a person follows: a roadmap action or an organisation's public profile.

An action is followed by its code, not by a row of one edition: the code is what carries an
action from one edition to the next (case studies and benchmark figures are keyed by it), so
a follow outlives a new edition without being carried over.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    action_code = models.CharField(_("action"), max_length=20, blank=True, default="")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    created_at = models.DateTimeField(_("followed since"), auto_now_add=True)

    class Meta:
        ordering = ["action_code", "organisation__name"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(Q(action_code="") & Q(organisation__isnull=False))
                | (~Q(action_code="") & Q(organisation__isnull=True)),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "action_code"],
                condition=~Q(action_code=""),
                name="follow_action_once",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(organisation__isnull=False),
                name="follow_organisation_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.action_code or self.organisation}"
