"""Representations of benchmark snapshots, their cells and an organisation's position.

Everything here is read-only. A suppressed figure is ``"value": null`` with its
reason (a code and the sentence behind it), never 0 or missing: clients must be
able to tell "withheld" from "nobody". A suppressed cell's ``n`` is ``null``
too, because the size of a small group is itself what is being withheld.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..figures import Figure, reason_or_no_data
from ..models import PUBLIC_SUBJECT_CHOICES, BenchmarkCell, BenchmarkSnapshot, Breakdown
from ..selectors import BANDS, Position

API_NAMESPACE = "api-benchmarks"


def _value_field(**kwargs: Any) -> serializers.DecimalField:
    # Numbers, not strings: the figures are for charts and spreadsheets.
    return serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, allow_null=True, **kwargs
    )


# --- Snapshots ---------------------------------------------------------------------------------


class SnapshotSerializer(serializers.ModelSerializer):
    # The API's field "label" shadows Field.label (a label of this serializer, which is unused).
    label = serializers.CharField(  # type: ignore[assignment]
        source="period.label", help_text="The period, e.g. 2026-Q2."
    )
    starts_on = serializers.DateField(source="period.starts_on")
    ends_on = serializers.DateField(source="period.ends_on")
    edition = serializers.CharField(
        source="edition.version_label", help_text="The roadmap edition the codes refer to."
    )
    url = serializers.SerializerMethodField(help_text="The snapshot's public aggregate.")
    organisation_count = serializers.IntegerField(
        source="published_organisations",
        allow_null=True,
        read_only=True,
        help_text="How many verified organisations it counts; null when that is withheld.",
    )

    class Meta:
        model = BenchmarkSnapshot
        fields = [
            "label",
            "starts_on",
            "ends_on",
            "compiled_at",
            "edition",
            "organisation_count",
            "min_group_size",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, snapshot: BenchmarkSnapshot) -> str:
        path = reverse(f"{API_NAMESPACE}:benchmark-detail", args=[snapshot.period.label])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# --- Cells of the public aggregate -------------------------------------------------------------


class CellSerializer(serializers.ModelSerializer):
    """One figure of a snapshot, or the reason it is withheld."""

    # Expects ``k``, the snapshot's smallest published group, in the context.

    subject_type = serializers.ChoiceField(choices=PUBLIC_SUBJECT_CHOICES)
    breakdown = serializers.ChoiceField(choices=Breakdown.choices)
    n = serializers.SerializerMethodField(
        help_text="How many organisations the figure comes from; null when it is withheld."
    )
    value = _value_field(help_text="The figure; null when it is withheld (see `reason`).")
    reason = serializers.CharField(help_text="Why the figure is withheld: a code, or empty.")
    reason_text = serializers.SerializerMethodField(help_text="The reason, in words.")

    class Meta:
        model = BenchmarkCell
        fields = [*BenchmarkCell.FIGURE_FIELDS, "reason_text"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_n(self, cell: BenchmarkCell) -> int | None:
        return None if cell.suppressed else cell.n

    def get_reason_text(self, cell: BenchmarkCell) -> str:
        return reason_or_no_data(cell.reason, self.context["k"])

    def to_representation(self, cell: BenchmarkCell) -> dict[str, Any]:
        data = super().to_representation(cell)
        if cell.suppressed:  # The database holds none either; say so whatever happens.
            data["value"] = None
        return data


# --- An organisation's position ----------------------------------------------------------------


class FigureSerializer(serializers.Serializer):
    """A median of a group: its value, or null with the reason it is withheld."""

    # Expects ``k`` in the context.

    value = _value_field(read_only=True)
    suppressed = serializers.BooleanField(read_only=True)
    reason = serializers.CharField(read_only=True)
    reason_text = serializers.SerializerMethodField()

    def get_reason_text(self, figure: Figure) -> str:
        return reason_or_no_data(figure.reason, self.context["k"])


BASIS_KEYS = {"stakeholder_group": _("your stakeholder group"), "all": _("all organisations")}


class PositionSerializer(serializers.Serializer):
    """The organisation's coverage of an end goal or a dimension against its peers."""

    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    adopted = serializers.IntegerField(read_only=True, help_text="Actions you have adopted.")
    total = serializers.IntegerField(read_only=True, help_text="Actions in the roadmap.")
    percent = serializers.IntegerField(read_only=True, help_text="adopted / total, in percent.")
    group_median = FigureSerializer(read_only=True, help_text="Your stakeholder group's median.")
    everyone_median = FigureSerializer(read_only=True, help_text="All organisations' median.")
    band = serializers.SerializerMethodField(
        help_text="Where your coverage falls in the distribution (a band, never a rank): "
        "bottom, lower (second quarter), median (equal to the median), upper (third "
        "quarter) or top; a value equal to the first or third quartile is in the band "
        "nearer the median. no_data when your organisation had recorded no adoption by "
        "the period's end (it is not placed); null when the quartiles are withheld."
    )
    band_text = serializers.SerializerMethodField()
    band_basis = serializers.SerializerMethodField(help_text="Whose distribution the band uses.")
    band_basis_text = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=list(BANDS), allow_null=True))
    def get_band(self, position: Position) -> str | None:
        return position.band_key or None

    def get_band_text(self, position: Position) -> str:
        return str(position.band)

    @extend_schema_field(serializers.ChoiceField(choices=list(BASIS_KEYS), allow_null=True))
    def get_band_basis(self, position: Position) -> str | None:
        basis = str(position.band_basis)
        return next((key for key, text in BASIS_KEYS.items() if basis and str(text) == basis), None)

    def get_band_basis_text(self, position: Position) -> str:
        return str(position.band_basis)


class PeerActionSerializer(serializers.Serializer):
    code = serializers.CharField(source="action.code", read_only=True)
    title = serializers.CharField(source="action.title", read_only=True)
    share = _value_field(
        source="share.value", read_only=True, help_text="Share of your group adopting, in percent."
    )
    adopted = serializers.BooleanField(read_only=True, help_text="Whether you have adopted it.")


class TrailingGoalSerializer(serializers.Serializer):
    code = serializers.CharField(source="goal.code", read_only=True)
    title = serializers.CharField(source="goal.title", read_only=True)
    end_goal = serializers.CharField(source="goal.end_goal.code", read_only=True)
    share = _value_field(
        source="share.value",
        read_only=True,
        help_text="Share of your group adopting an action of this goal, in percent.",
    )


class OrganisationPositionSerializer(serializers.Serializer):
    """Where an organisation stands against its peers at the end of a period."""

    # Expects ``k`` in the context.

    organisation = serializers.SlugField(source="organisation.slug", read_only=True)
    stakeholder_group = serializers.SlugField(
        source="organisation.stakeholder_group.slug", read_only=True
    )
    period = serializers.CharField(source="snapshot.period.label", read_only=True)
    compiled_at = serializers.DateTimeField(source="snapshot.compiled_at", read_only=True)
    min_group_size = serializers.IntegerField(source="snapshot.min_group_size", read_only=True)
    end_goals = PositionSerializer(many=True, read_only=True)
    dimensions = PositionSerializer(many=True, read_only=True)
    peer_actions = PeerActionSerializer(
        many=True,
        read_only=True,
        help_text="The ten actions your stakeholder group adopts most (published shares only).",
    )
    trailing_goals = TrailingGoalSerializer(
        many=True,
        read_only=True,
        help_text="Intermediate goals where most of your group adopts something and you nothing.",
    )
