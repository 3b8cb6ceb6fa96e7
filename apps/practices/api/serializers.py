"""Representations of case studies for the API, and the input of a new one.

The service (``apps.practices.services``) has the last word on validity; these parse the
shape of a request and find the organisation's adoption from an action code.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.adoption.api.serializers import LOOKUP_ERRORS, lookup_text
from apps.adoption.models import Adoption

from ..models import CaseStudy, CaseStudyFile, Licence


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class CaseStudyFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="Where the file is served: to everyone once the case study is published."
    )

    class Meta:
        model = CaseStudyFile
        fields = ["original_name", "content_type", "size", "download_url"]

    def get_download_url(self, obj: CaseStudyFile) -> str:
        return _absolute(self, obj.get_absolute_url())


class CaseStudyActionSerializer(serializers.Serializer):
    code = serializers.CharField(source="adoption.action.code")
    title = serializers.CharField(source="adoption.action.title")
    edition = serializers.CharField(source="adoption.action.edition.version_label")
    dimension = serializers.SlugField(source="adoption.action.dimension.slug")
    end_goal = serializers.CharField(source="adoption.action.intermediate_goal.end_goal.code")


class CaseStudyOrganisationSerializer(serializers.Serializer):
    name = serializers.CharField(source="organisation.name")
    country = serializers.CharField(source="organisation.country.code")
    stakeholder_group = serializers.SlugField(source="organisation.stakeholder_group.slug")


class CaseStudySerializer(serializers.ModelSerializer):
    """A published case study, as the public library shows it."""

    action = CaseStudyActionSerializer(source="*", read_only=True)
    organisation = CaseStudyOrganisationSerializer(source="*", read_only=True)
    licence_url = serializers.URLField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The case study's public page.")
    files = CaseStudyFileSerializer(many=True, read_only=True)

    class Meta:
        model = CaseStudy
        fields = [
            "id",
            "url",
            "title",
            "action",
            "organisation",
            "what_was_done",
            "for_whom",
            "outcomes",
            "lessons",
            "cost",
            "resources",
            "licence",
            "licence_url",
            "files",
            "published_at",
        ]

    def get_url(self, obj: CaseStudy) -> str:
        return _absolute(self, obj.get_absolute_url())


class OrganisationCaseStudySerializer(CaseStudySerializer):
    """One of the organisation's case studies, in whatever state, for its members."""

    state = serializers.CharField(read_only=True)
    return_reason = serializers.CharField(read_only=True)

    class Meta(CaseStudySerializer.Meta):
        fields = [
            *CaseStudySerializer.Meta.fields,
            "state",
            "return_reason",
            "created_at",
            "updated_at",
        ]


@extend_schema_field(OpenApiTypes.STR)
class AdoptedActionField(serializers.Field):
    """The organisation's adoption of the action with this code."""

    default_error_messages = {
        "not_adopted": _("Your organisation has not adopted an action “{value}”."),
        **LOOKUP_ERRORS,
    }

    def to_internal_value(self, data: Any) -> Adoption:
        adoption = (
            Adoption.objects.for_organisation(self.context["organisation"])
            .filter(action__code__iexact=lookup_text(self, data))
            .select_related("organisation", "action")
            .first()
        )
        if adoption is None:
            self.fail("not_adopted", value=data)
        return adoption

    def to_representation(self, value: Adoption) -> str:
        return value.action.code


class CaseStudyCreateSerializer(serializers.ModelSerializer):
    action = AdoptedActionField(help_text="Code of an action the organisation adopted: A1.2.3.")
    licence = serializers.ChoiceField(choices=Licence.choices, default=Licence.CC_BY_4)
    submit = serializers.BooleanField(
        default=False,
        help_text="Submit it to the organisation's admins at once (else it stays a draft).",
    )

    class Meta:
        model = CaseStudy
        fields = [
            "action",
            "title",
            "what_was_done",
            "for_whom",
            "outcomes",
            "lessons",
            "cost",
            "resources",
            "licence",
            "submit",
        ]


class CaseStudyMultipartSerializer(CaseStudyCreateSerializer):
    """The multipart form of a new case study: the same fields, and attachments (repeat
    ``files`` for several)."""

    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="PDF, DOCX, XLSX, PNG or JPEG, checked as evidence files are (the type read "
        "from the content, at most 10 MB each, 10 files and 50 MB in all, within the "
        "organisation's storage quota). Public once the case study is published.",
    )

    class Meta(CaseStudyCreateSerializer.Meta):
        fields = [*CaseStudyCreateSerializer.Meta.fields, "files"]
