"""The attitude pulse in the API: the current statements, and one person's answers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.organisations.models import Organisation
from apps.pulse.selectors import answering_organisations


class PulseStatementTextSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="PU-1, PU-2, …")
    text = serializers.CharField(read_only=True, help_text="In the request's language.")


class PulseSerializer(serializers.Serializer):
    """The pulse of the current reporting period."""

    period = serializers.CharField(read_only=True, help_text="The current period: 2026-Q4.")
    next_period_starts_on = serializers.DateField(read_only=True)
    scale = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What each value means, from 1 (strongly disagree) to 5 (strongly agree).",
    )
    statements = PulseStatementTextSerializer(many=True, read_only=True)
    answered = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Whether you have answered in this period; null when not signed in.",
    )


class PulseAnswerSerializer(serializers.Serializer):
    statement = serializers.CharField(max_length=12, help_text="A statement's code: PU-1.")
    value = serializers.IntegerField(help_text="1 (strongly disagree) to 5 (strongly agree).")


class PulseResponseSerializer(serializers.Serializer):
    """Your answers, for one of your organisations: every statement, once."""

    organisation = serializers.SlugField(
        max_length=80, help_text="The slug of an organisation you are a member of."
    )
    answers = PulseAnswerSerializer(many=True)

    def validate_organisation(self, slug: str) -> Organisation:
        user = self.context["request"].user
        organisation = answering_organisations(user=user).filter(slug=slug).first()
        if organisation is None:
            raise serializers.ValidationError(
                _("You are not a member of an organisation “%(slug)s”.") % {"slug": slug}
            )
        return organisation


class PulseReceiptSerializer(serializers.Serializer):
    period = serializers.CharField(read_only=True)
    organisation = serializers.SlugField(read_only=True)
    answers = serializers.IntegerField(read_only=True, help_text="How many answers were kept.")
