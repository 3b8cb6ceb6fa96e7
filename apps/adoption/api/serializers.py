"""Representations of adoptions, progress and metrics for the API (assessments:
``assessment_serializers.py``).

Input serializers parse and check the shape of a request and turn codes, slugs and
email addresses into objects; the services in ``apps.adoption.services`` make every
write and have the last word on validity (dates, percentages, metric values, files).
Each expects ``organisation`` in its context.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Mapping
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from apps.accounts.models import User
from apps.core.api.serializers import FieldsBuiltOnce
from apps.organisations.models import Organisation
from apps.roadmap.models import Action, Assumption, BarrierCategory, EndGoal

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from ..forms import MAX_LINKS
from ..models import (
    Adoption,
    AdoptionStatus,
    EntryConfirmation,
    Evidence,
    Metric,
    ProgressEntry,
)
from ..partnerships.querysets import accepted_partner_slugs

API_NAMESPACE = "api-adoption"
# Lists of rows (metrics, barriers, ratings) hold at most this many: more than the
# catalogues have, and few enough that a request cannot make thousands of queries.
MAX_ROWS = 100
EVIDENCE_DOWNLOAD = "adoption:evidence-download"
PARTNERS_ARE_ASKED = _(
    "Partners are asked, not set: invite each organisation with POST "
    "/api/v1/organisations/%(slug)s/adoptions/<id>/partners/ and it becomes a partner once it "
    "accepts. `partners` lists those who accepted and is read-only."
)


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# --- Fields that turn codes and addresses into objects ---------------------------------------

# No code, slug or email address is longer (254: the longest address).
LOOKUP_MAX_LENGTH = 254
LOOKUP_ERRORS: dict[str, StrOrPromise] = {
    "null_characters": _("Null characters are not allowed."),
    "too_long": _("Ensure this field has no more than {max_length} characters."),
}


def lookup_text(field: serializers.Field, data: Any) -> str:
    """The text to look a row up by. The field fails on a NUL character, which PostgreSQL
    refuses in a query, and on a text longer than any code or address, which SQLite
    cannot match case-insensitively: either would answer 500."""
    text = str(data).strip()
    if "\x00" in text:
        field.fail("null_characters")
    if len(text) > LOOKUP_MAX_LENGTH:
        field.fail("too_long", max_length=LOOKUP_MAX_LENGTH)
    return text


@extend_schema_field(OpenApiTypes.EMAIL)
class MemberField(serializers.Field):
    """A member of the organisation in the context, given by email address."""

    default_error_messages = {
        "not_member": _("No member of the organisation has the email address {value}."),
        **LOOKUP_ERRORS,
    }

    def to_internal_value(self, data: Any) -> User:
        member = User.objects.filter(
            memberships__organisation=self.context["organisation"],
            email__iexact=lookup_text(self, data),
        ).first()
        if member is None:
            self.fail("not_member", value=data)
        return member

    def to_representation(self, value: User) -> str:
        return value.email


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.Field):
    """An object of ``queryset`` given by its ``lookup`` field (a code or a slug).

    ``unknown`` is the message for a value that matches nothing, with ``{value}``.
    """

    default_error_messages = LOOKUP_ERRORS

    def __init__(
        self, *, queryset: QuerySet[Any], lookup: str, unknown: StrOrPromise, **kwargs: Any
    ) -> None:
        self.queryset, self.lookup = queryset, lookup
        super().__init__(**kwargs)
        self.error_messages["unknown"] = unknown
        # Values looked up ahead, all at once (``look_up``), by key: the object, or None.
        self.looked_up: dict[str, Model | None] = {}

    def _key(self, text: str) -> str:
        return text.upper() if self.lookup.endswith("__iexact") else text

    def look_up(self, values: Iterable[Any]) -> None:
        """Look up every value of ``values`` in one query, for the rows of a list that each
        give this field one: each row then costs none. Values the field refuses anyway (a
        NUL character, too long) are left to fail in their row."""
        texts = set()
        for value in values:
            text = "" if value is None else str(value).strip()
            fits = text and "\x00" not in text and len(text) <= LOOKUP_MAX_LENGTH
            if fits and self._key(text) not in self.looked_up:
                texts.add(text)
        if not texts:
            return
        self.looked_up.update(dict.fromkeys(map(self._key, texts)))
        field = self.lookup.split("__")[0]
        matches = reduce(operator.or_, (Q(**{self.lookup: text}) for text in texts))
        for found in self.queryset.filter(matches):  # in the queryset's order, as ``first()``
            key = self._key(getattr(found, field))
            if key in self.looked_up and self.looked_up[key] is None:
                self.looked_up[key] = found

    def to_internal_value(self, data: Any) -> Model:
        text = lookup_text(self, data)
        if self._key(text) in self.looked_up:
            found = self.looked_up[self._key(text)]
        else:
            found = self.queryset.filter(**{self.lookup: text}).first()
        if found is None:
            self.fail("unknown", value=data)
        return found

    def to_representation(self, value: Model) -> str:
        return getattr(value, self.lookup.split("__")[0])


def action_code_field(**kwargs: Any) -> CodeField:
    return CodeField(
        queryset=Action.objects.published(),
        lookup="code__iexact",
        unknown=_("There is no action “{value}” in the published roadmap."),
        **kwargs,
    )


def end_goal_code_field(**kwargs: Any) -> CodeField:
    return CodeField(
        queryset=EndGoal.objects.published(),
        lookup="code__iexact",
        unknown=_("There is no end goal “{value}” in the published roadmap."),
        **kwargs,
    )


def assumption_code_field(**kwargs: Any) -> CodeField:
    """An assumption of the published roadmap by code (AS-EG1-1): the edition of the adopted
    actions; the service checks it is the adopted action's."""
    return CodeField(
        queryset=Assumption.objects.filter(edition__status="published"),
        lookup="code__iexact",
        unknown=_("There is no assumption “{value}” in the published roadmap."),
        **kwargs,
    )


def metric_slug_field(**kwargs: Any) -> CodeField:
    return CodeField(
        queryset=Metric.objects.all(),
        lookup="slug",
        unknown=_("There is no metric “{value}” in the catalogue (see /api/v1/metrics/)."),
        **kwargs,
    )


class BoundedListField(serializers.ListField):
    """A list whose ``max_length`` is checked before its items; ListField checks it after.
    Then each code field of its rows looks up the values of all the rows in one query
    (:meth:`CodeField.look_up`): a list of a hundred rows costs a query per code field,
    not one per row."""

    def run_child_validation(self, data: list) -> list:
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        if isinstance(self.child, CodeField):
            self.child.look_up(data)
        elif isinstance(self.child, serializers.Serializer):
            rows = [row for row in data if isinstance(row, Mapping)]
            for name, field in self.child.fields.items():
                if isinstance(field, CodeField) and not field.read_only:
                    field.look_up(row.get(name) for row in rows)
        return super().run_child_validation(data)


class JSONListField(BoundedListField):
    """A list of objects: a JSON array, or in a multipart form one field holding JSON."""

    default_error_messages = {"not_json": _("Give a JSON list of objects.")}

    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary):
            return dictionary.get(self.field_name, serializers.empty) or serializers.empty
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> list:
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except (ValueError, RecursionError):  # RecursionError: nested too deeply
                self.fail("not_json")
        return super().to_internal_value(data)


class AdoptionStatusField(serializers.ChoiceField):
    """An adoption status; blank (no status) is given as null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AdoptionStatus.choices, **kwargs)

    # Blank (no status) is null in the API, where ChoiceField gives a string.
    def to_representation(self, value: str) -> str | None:  # type: ignore[override]
        return super().to_representation(value) or None


class AdoptionStatusFieldExtension(OpenApiSerializerFieldExtension):
    """One ``AdoptionStatus`` enum component for every status field of the API.

    Without it the schema generator names the choice set after each field and
    collides with the organisations' ``status``.
    """

    target_class = AdoptionStatusField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = build_choice_field(serializers.ChoiceField(choices=AdoptionStatus.choices))
        schema.pop("x-spec-enum-id")
        component = ResolvedComponent(
            name="AdoptionStatusEnum",
            type=ResolvedComponent.SCHEMA,
            object="AdoptionStatusEnum",
            schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        if self.target.allow_null:
            return {"allOf": [component.ref], "nullable": True}
        return component.ref


def once_each(rows: list[dict], key: str, message: StrOrPromise) -> list[dict]:
    keys = [row[key].pk for row in rows]
    if len(keys) != len(set(keys)):
        raise serializers.ValidationError(message)
    return rows


# --- Adoptions --------------------------------------------------------------------------------


class AdoptionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """An organisation's adoption of a roadmap action."""

    url = serializers.SerializerMethodField(help_text="This adoption's API resource.")
    action = serializers.CharField(source="action.code", read_only=True)
    action_title = serializers.CharField(source="action.title", read_only=True)
    end_goal = serializers.CharField(
        source="action.intermediate_goal.end_goal.code", read_only=True
    )
    dimension = serializers.CharField(source="action.dimension.slug", read_only=True)
    status = AdoptionStatusField(read_only=True)
    owner: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True
    )
    partners = serializers.SerializerMethodField(
        help_text="Slugs of the organisations acting on the adoption with its own (partners "
        "who accepted). Ask one with POST …/adoptions/<id>/partners/."
    )
    progress_url = serializers.SerializerMethodField(help_text="The adoption's progress log.")

    class Meta:
        model = Adoption
        fields = [
            "id",
            "url",
            "action",
            "action_title",
            "end_goal",
            "dimension",
            "status",
            "is_urgent",
            "is_important",
            "owner",
            "start_date",
            "target_date",
            "notes",
            "partners",
            "percent_complete",
            "last_activity_at",
            "is_read_only",
            "progress_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _path(self, name: str, obj: Adoption) -> str:
        kwargs = {"slug": self.context["organisation"].slug, "id": obj.pk}
        return _absolute(self, reverse(f"{API_NAMESPACE}:{name}", kwargs=kwargs))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Adoption) -> str:
        return self._path("adoption-detail", obj)

    @extend_schema_field(OpenApiTypes.URI)
    def get_progress_url(self, obj: Adoption) -> str:
        return self._path("progress-list", obj)

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_partners(self, obj: Adoption) -> list[str]:
        return accepted_partner_slugs(obj)


class AdoptionWriteSerializer(serializers.Serializer):
    """What an adoption says; every field is optional when changing one."""

    status = AdoptionStatusField(required=False)
    is_urgent = serializers.BooleanField(required=False)
    is_important = serializers.BooleanField(required=False)
    owner = MemberField(
        required=False, allow_null=True, help_text="Email address of a member, or null."
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """Refuses ``partners`` with the way to ask them, along with any other error."""
        errors: dict[str, Any] = {}
        value: dict[str, Any] = {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = dict(exc.detail)  # type: ignore[arg-type]  # a dict for a Serializer
        if isinstance(data, Mapping) and "partners" in data:
            organisation = self.context.get("organisation")
            slug = organisation.slug if organisation is not None else "<slug>"
            errors["partners"] = [str(PARTNERS_ARE_ASKED) % {"slug": slug}]
        if errors:
            raise serializers.ValidationError(errors)
        return value


class AdoptionCreateSerializer(AdoptionWriteSerializer):
    action = action_code_field(help_text="Code of an action of the published roadmap: A1.2.3.")


# --- Progress ---------------------------------------------------------------------------------


class LinkEvidenceSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["title", "url"]


class FileEvidenceSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="The page that serves the file to members (null while unavailable)."
    )

    class Meta:
        model = Evidence
        fields = ["title", "content_type", "size", "download_url"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, obj: Evidence) -> str | None:
        kwargs = {"slug": self.context["organisation"].slug, "pk": obj.pk}
        try:
            return _absolute(self, reverse(EVIDENCE_DOWNLOAD, kwargs=kwargs))
        except NoReverseMatch:
            return None


class MetricValueSerializer(serializers.Serializer):
    metric = metric_slug_field(help_text="Slug of a metric of the catalogue (/api/v1/metrics/).")
    value = serializers.DecimalField(max_digits=14, decimal_places=2)


class BarrierSerializer(serializers.Serializer):
    category = CodeField(
        queryset=BarrierCategory.objects.all(),
        lookup="slug",
        unknown=_("There is no barrier category “{value}”."),
        help_text="Slug of one of the barrier categories.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    assumption = assumption_code_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="Code of the roadmap's assumption the barrier challenges (AS-EG1-1), if any.",
    )


class EntryConfirmationSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A partner's word that an entry the other side wrote is right."""

    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The organisation that confirmed it."
    )

    class Meta:
        model = EntryConfirmation
        fields = ["organisation", "confirmed_at"]
        read_only_fields = fields


class ProgressEntrySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """One dated report. A correction is a new entry whose ``supersedes`` is the old one."""

    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        help_text="The organisation that wrote the entry: the adoption's own or, on a joint "
        "adoption, a partner (the entry stays attributed to it if the partnership ends).",
    )
    confirmations = EntryConfirmationSerializer(
        many=True,
        read_only=True,
        source="confirmation_list",
        help_text="The other sides of a joint adoption that confirmed the entry.",
    )
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True
    )
    recorded_at = serializers.DateTimeField(source="created_at", read_only=True)
    status_from = AdoptionStatusField(
        read_only=True, allow_null=True, help_text="The status before a status change."
    )
    status_to = AdoptionStatusField(
        read_only=True, allow_null=True, help_text="The new status, if the entry changed it."
    )
    links = LinkEvidenceSerializer(many=True, read_only=True, source="linked_evidence")
    files = FileEvidenceSerializer(many=True, read_only=True, source="file_evidence")
    metrics = MetricValueSerializer(many=True, read_only=True, source="metric_list")
    barriers = BarrierSerializer(many=True, read_only=True, source="barrier_list")
    challenged_assumption = assumption_code_field(
        read_only=True,
        allow_null=True,
        help_text="The assumption that discontinuing the adoption challenged, if named.",
    )

    class Meta:
        model = ProgressEntry
        fields = [
            "id",
            "entry_date",
            "narrative",
            "status_from",
            "status_to",
            "challenged_assumption",
            "percent_complete",
            "organisation",
            "author",
            "recorded_at",
            "is_current",
            "supersedes",
            "links",
            "files",
            "metrics",
            "barriers",
            "confirmations",
        ]
        read_only_fields = fields


class ProgressEntryInputSerializer(FieldsBuiltOnce, serializers.Serializer):
    """A progress report, as JSON or as a multipart form (for files)."""

    entry_date = serializers.DateField(required=False, help_text="Defaults to today.")
    narrative = serializers.CharField(max_length=10000, help_text="What was done.")
    status = AdoptionStatusField(
        required=False, help_text="A new status for the adoption, if it changed."
    )
    percent_complete = serializers.IntegerField(required=False, allow_null=True)
    links = BoundedListField(
        child=serializers.CharField(max_length=500),
        required=False,
        default=list,
        max_length=MAX_LINKS,
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, write_only=True
    )
    metrics = JSONListField(
        child=MetricValueSerializer(), required=False, default=list, max_length=MAX_ROWS
    )
    barriers = JSONListField(
        child=BarrierSerializer(), required=False, default=list, max_length=MAX_ROWS
    )
    challenged_assumption = assumption_code_field(
        required=False,
        allow_null=True,
        help_text="With `status` discontinued: the code of the roadmap's assumption that did "
        "not hold (AS-EG1-1), an assumption of the adopted action's edition.",
    )

    def validate_metrics(self, rows: list[dict]) -> list[dict]:
        return once_each(rows, "metric", _("Give each metric once."))

    def validate_barriers(self, rows: list[dict]) -> list[dict]:
        return once_each(rows, "category", _("Give each barrier category once."))


class ProgressEntryJSONSerializer(ProgressEntryInputSerializer):
    """A progress report as JSON. To upload files, send the multipart form instead."""

    files = None  # type: ignore[assignment]  # DRF: None takes the inherited field away


class ProgressEntryMultipartSerializer(serializers.Serializer):
    """The multipart form of a progress report: repeat ``files`` and ``links`` for several;
    ``metrics`` and ``barriers`` each hold a JSON list."""

    entry_date = serializers.DateField(required=False, help_text="Defaults to today.")
    narrative = serializers.CharField(max_length=10000)
    status = AdoptionStatusField(required=False)
    percent_complete = serializers.IntegerField(required=False)
    links = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, max_length=MAX_LINKS
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="PDF, DOCX, XLSX, PNG or JPEG, at most 10 MB each; the type is read "
        "from the content. At most 10 files and 50 MB per entry (EVIDENCE_MAX_FILES_PER_ENTRY, "
        "EVIDENCE_MAX_BYTES_PER_ENTRY), within the organisation's storage quota.",
    )
    metrics = serializers.CharField(
        required=False, help_text='JSON: [{"metric": "patients-involved", "value": "12"}]'
    )
    barriers = serializers.CharField(
        required=False,
        help_text='JSON: [{"category": "<slug>", "note": "…", "assumption": "AS-EG1-1"}]',
    )
    challenged_assumption = serializers.CharField(
        required=False, help_text="With `status` discontinued: an assumption's code."
    )


# --- Metric catalogue -------------------------------------------------------------------------


class MetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = Metric
        fields = ["slug", "name", "description", "kind", "unit", "component"]
