"""Serializers of the export API (the read API's are in ``apps.benchmarking.api``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ...models import ExportJob
from ..selectors import ORG_FORMATS, export_snapshots

NOT_COMPILED = "No benchmark has been compiled for this period."


class ExportRequestSerializer(serializers.Serializer):
    period = serializers.CharField(
        max_length=12, help_text="A compiled reporting period, such as 2026-Q2."
    )
    format = serializers.ChoiceField(choices=list(ORG_FORMATS), help_text="pdf, xlsx or csv.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        snapshot = export_snapshots().filter(period__label=attrs["period"].strip().upper()).first()
        if snapshot is None:
            raise serializers.ValidationError({"period": [NOT_COMPILED]})
        return {**attrs, "snapshot": snapshot}


class ExportAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ExportJob.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    status_url = serializers.URLField(help_text="Poll this address for the file.")
    detail = serializers.CharField(help_text="What happens next, in words.")


class ExportPendingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])
    progress = serializers.IntegerField(min_value=0, max_value=100)
    detail = serializers.CharField()


class ExportGoneSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[ExportJob.Status.FAILED, "expired"])
    detail = serializers.CharField()
