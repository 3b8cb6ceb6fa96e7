"""The curators' report per action, as the API gives it (withheld figures null, with the
reason). No ``n``: the figures' groups are not the reader's business."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Flag
from ..selectors import ActionRow


class CurationFigureSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    reason = serializers.CharField(help_text="Why the figure is withheld (empty when shown).")


class CurationUptakeSerializer(CurationFigureSerializer):
    period = serializers.CharField()


class CurationBarrierSerializer(serializers.Serializer):
    category = serializers.CharField(source="slug")
    name = serializers.CharField()
    organisations = serializers.IntegerField()


class CurationAssumptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    organisations = serializers.IntegerField()


class CurationActionSerializer(serializers.Serializer):
    """One action of the report."""

    code = serializers.CharField()
    title = serializers.CharField()
    end_goal = serializers.CharField()
    uptake = serializers.SerializerMethodField(
        help_text="Share of organisations adopting it (percent), per published period."
    )
    uptake_trend = serializers.DecimalField(
        source="trend",
        max_digits=7,
        decimal_places=2,
        allow_null=True,
        help_text="Latest uptake minus the previous period's, in points (null: withheld).",
    )
    median_days_to_implemented = CurationFigureSerializer(source="days_implemented")
    median_days_to_embedded = CurationFigureSerializer(source="days_embedded")
    dormant_share = CurationFigureSerializer(source="dormant")
    discontinued_share = CurationFigureSerializer(source="discontinued")
    barriers = CurationBarrierSerializer(many=True, help_text="The most reported barriers.")
    assumptions_challenged = CurationAssumptionSerializer(
        source="assumptions",
        many=True,
        help_text=(
            "The assumptions of the theory of change organisations said did not hold for "
            "their adoptions of the action, most named first."
        ),
    )
    flags = serializers.ListField(child=serializers.ChoiceField(choices=Flag.choices))

    @extend_schema_field(CurationUptakeSerializer(many=True))
    def get_uptake(self, row: ActionRow) -> Any:
        periods = self.context["periods"]
        values = [
            {"period": p.label, "value": v.value, "reason": v.reason}
            for p, v in zip(periods, row.uptake, strict=True)
        ]
        return CurationUptakeSerializer(values, many=True).data
