"""The practice library: case studies that organisations write from their adoptions.

A :class:`CaseStudy` tells what an organisation did to put one roadmap action into practice
(the action and its edition come through the adoption). It is public only once published:
written (draft), submitted to the organisation's admins, approved by them, then published by
portal staff; the admins or staff may return it with a reason, and it is edited and submitted
again. ``services.py`` makes every move; the table of moves is ``TRANSITIONS`` there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

from .querysets import CaseStudyQuerySet


class Licence(models.TextChoices):
    CC_BY_4 = "CC BY 4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA_4 = "CC BY-SA 4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC_BY_NC_4 = "CC BY-NC 4.0", _("Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)")
    CC0 = "CC0 1.0", _("Public domain dedication (CC0 1.0)")


LICENCE_URLS = {
    Licence.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA_4: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC_4: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}


class CaseStudyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for the organisation's approval")
    APPROVED_BY_ORG = "approved_by_org", _("Approved by the organisation; waiting for moderation")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")


class CaseStudy(TimeStampedModel):
    adoption = models.ForeignKey(
        "adoption.Adoption",
        verbose_name=_("adoption"),
        on_delete=models.CASCADE,
        related_name="case_studies",
    )
    # The adoption's organisation, kept here so that lists and filters need no join.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="case_studies",
        editable=False,
    )
    title = models.CharField(_("title"), max_length=200)
    what_was_done = models.TextField(_("what was done"), max_length=10000)
    for_whom = models.TextField(_("for whom"), max_length=5000)
    outcomes = models.TextField(_("outcomes"), max_length=10000)
    lessons = models.TextField(_("lessons learned"), max_length=10000)
    cost = models.TextField(_("what it cost"), max_length=3000, blank=True)
    resources = models.TextField(_("resources"), max_length=5000, blank=True)
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY_4
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=CaseStudyState.choices,
        default=CaseStudyState.DRAFT,
        editable=False,
    )
    return_reason = models.TextField(_("reason for returning it"), blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(
        _("approved by the organisation at"), null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-updated_at"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        indexes = [
            models.Index(fields=["state", "-published_at"]),
            models.Index(fields=["organisation", "state"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The public page (only published case studies answer there)."""
        return reverse("practices:detail", args=[self.pk])

    def get_organisation_url(self) -> str:
        return reverse("practices:org-detail", args=[self.organisation.slug, self.pk])

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(Licence(self.licence), "") if self.licence in Licence else ""

    @property
    def is_editable(self) -> bool:
        return self.state in (CaseStudyState.DRAFT, CaseStudyState.RETURNED)

    @property
    def is_published(self) -> bool:
        return self.state == CaseStudyState.PUBLISHED


class CaseStudyFile(models.Model):
    """An attachment of a case study, checked as evidence files are (``adoption.evidence``).
    Served from the portal only: to everyone once the case study is published, else to
    members of its organisation."""

    case_study = models.ForeignKey(
        CaseStudy, verbose_name=_("case study"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to="case-studies/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("case study file")
        verbose_name_plural = _("case study files")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("practices:file", args=[self.case_study_id, self.pk])


class CaseStudyAwaitingModeration(CaseStudy):
    """Case studies their organisation approved, waiting for portal staff: the queue."""

    class Meta:
        proxy = True
        verbose_name = _("case study awaiting moderation")
        verbose_name_plural = _("case studies awaiting moderation")
