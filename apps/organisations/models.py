"""Organisations, their members and roles, and invitations to join them."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from apps.core.models import TimeStampedModel

from .permissions import Role
from .querysets import MembershipQuerySet, OrganisationQuerySet, is_listed, name_key
from .regions import Region, region_for_country

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

INVITATION_LIFETIME = timedelta(days=14)


class Level(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    EUROPEAN = "european", _("European")
    GLOBAL = "global", _("Global")


class ReviewInterval(models.IntegerChoices):
    """How often an organisation holds a maturity checkpoint (assessment and reflection)."""

    QUARTERLY = 3, _("Every 3 months")
    HALF_YEARLY = 6, _("Every 6 months")
    YEARLY = 12, _("Every 12 months")


class Organisation(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200, validators=[MinLengthValidator(2)])
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    stakeholder_group = models.ForeignKey(
        "roadmap.StakeholderGroup",
        verbose_name=_("stakeholder group"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    # django-countries gives a Country object; its stubs leave the field a CharField of str.
    country: models.CharField[Country | str, Country] = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=12, choices=Region.choices, editable=False)
    level = models.CharField(_("level of operation"), max_length=12, choices=Level.choices)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("short description"), max_length=1000, blank=True)
    in_directory = models.BooleanField(
        _("show in the public directory"),
        default=False,
        help_text=_("Verified organisations can appear in the public directory of the portal."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    decided_at = models.DateTimeField(_("verification decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verification decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("possible duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Its review checkpoints: the next one is due this long after the latest assessment
    # (apps.adoption.checkpoints). Empty: no schedule, the dashboard asks for none.
    review_every_months = models.PositiveSmallIntegerField(
        _("maturity checkpoints"),
        choices=ReviewInterval.choices,
        null=True,
        blank=True,
        default=ReviewInterval.HALF_YEARLY,
        help_text=_(
            "At each checkpoint the dashboard asks for a maturity assessment and a short "
            "reflection per end goal."
        ),
    )
    first_review_on = models.DateField(
        _("first checkpoint on"),
        null=True,
        blank=True,
        help_text=_(
            "Optional. No checkpoint is due before this date; after it, one is due every "
            "interval after the latest assessment."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["status", "stakeholder_group"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived values: kept in columns so that the database can filter and group on them.
        self.region = region_for_country(self.country.code if self.country else "")
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "region", "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("organisations:home", kwargs={"slug": self.slug})

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def is_listed(self) -> bool:
        """Whether the public directory shows it (the rule of ``Organisation.objects.listed()``)."""
        return is_listed(self)


class PendingOrganisation(Organisation):
    """Organisations waiting for verification: the portal admins' queue."""

    class Meta:
        proxy = True
        verbose_name = _("organisation awaiting verification")
        verbose_name_plural = _("verification queue")


class Membership(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _default_expiry() -> object:
    return timezone.now() + INVITATION_LIFETIME


class Invitation(TimeStampedModel):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"), default=_default_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("organisations:invitation-accept", kwargs={"token": self.token})

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> StrOrPromise:
        return self.State(self.state).label


PENDING_INVITATION = Q(accepted_at__isnull=True, revoked_at__isnull=True)


STATEMENT_MAX_LENGTH = 2000


class PublicProfile(TimeStampedModel):
    """What an organisation shows of itself at ``/organisations/<slug>/`` (A1.2.2).

    Nothing is public unless its admin turns it on, item by item: the page itself
    (``is_public``, and only for a verified organisation), its adopted actions with their
    status, their progress and dates, its published case studies, its confirmed partnerships
    (issue 17). The leadership statement is signed by the admin who last wrote it, on that
    day (``services.profile_update``).
    """

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="public_profile",
    )
    is_public = models.BooleanField(
        _("publish our profile"),
        default=False,
        help_text=_("Only for verified organisations. Off: nobody outside sees the page."),
    )
    show_actions = models.BooleanField(
        _("show the actions we adopted, with their status"), default=False
    )
    show_progress = models.BooleanField(
        _("also show their percent complete, start and target dates"), default=False
    )
    show_case_studies = models.BooleanField(_("show our published case studies"), default=False)
    show_partnerships = models.BooleanField(
        _("show our confirmed partnerships"),
        default=False,
        help_text=_(
            "The actions we work on with a partner organisation, ours or theirs. A partner is "
            "named only when its own profile is public; otherwise it reads “a verified "
            "organisation”."
        ),
    )
    statement = models.TextField(
        _("leadership statement"), max_length=STATEMENT_MAX_LENGTH, blank=True
    )
    signer_title = models.CharField(
        _("signer's position"),
        max_length=120,
        blank=True,
        help_text=_("Shown after your name, for example “Chief executive”. Empty: “Admin”."),
    )
    # Set by the service whenever the statement's text changes: whoever saved it signs it.
    statement_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("statement signed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    statement_signer_name = models.CharField(
        _("name of the signer"), max_length=150, blank=True, editable=False
    )
    statement_signed_on = models.DateField(
        _("statement signed on"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("public profile")
        verbose_name_plural = _("public profiles")

    def __str__(self) -> str:
        return str(self.organisation)
