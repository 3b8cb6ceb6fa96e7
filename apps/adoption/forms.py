"""Forms of the adoption pages. They parse and check input; services do the writes.

Rules that belong to the domain (a target date after the start date, one adoption per
action, file types, percentages) live in ``services.py``; the views turn the services'
errors into errors on these forms' fields (``add_service_errors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.roadmap.models import Action, Assumption, BarrierCategory

from .evidence import ALLOWED_LABEL, size_label
from .models import AdoptionStatus, Metric, ProgressEntry
from .services import ADOPTION_FIELDS, EntryInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from apps.accounts.models import User

MAX_LINKS = 10
# The service says the same; the form says it too, so that it shows with the other errors.
PERCENT_RANGE = _("Give a percentage from 0 to 100.")
FILES_LOST = _(
    "Nothing was saved. Choose your files again: browsers cannot keep a file selection "
    "after an error."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_service_errors(
    form: forms.Form, error: ValidationError, mapping: Mapping[str, str | None] | None = None
) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form
    has one (after ``mapping``), otherwise with the errors of the whole form."""
    mapping = mapping or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        field = mapping.get(key, key)
        if field not in form.fields:
            field = None
        for item in errors:
            target = field
            if key == NON_FIELD_ERRORS and item.code == "target_before_start":
                target = "target_date"
            form.add_error(target, item)


# --- Adoptions ---------------------------------------------------------------------------


def member_users(organisation: Organisation) -> QuerySet[User]:
    from apps.accounts.models import User

    return User.objects.filter(memberships__organisation=organisation).order_by(
        "full_name", "email"
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class AdoptionFieldsForm(forms.Form):
    """What an adoption records; the action is chosen only when adopting."""

    status = forms.ChoiceField(
        label=_("Status"), choices=AdoptionStatus.choices, initial=AdoptionStatus.PLANNED
    )
    is_urgent = forms.BooleanField(label=_("Urgent"), required=False)
    is_important = forms.BooleanField(label=_("Important"), required=False, initial=True)
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        empty_label=_("No owner yet"),
        help_text=_("The member who keeps this adoption moving; reminders go to them."),
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OwnerChoiceField, self.fields["owner"]).queryset = member_users(organisation)
        self.fields["is_urgent"].help_text = _(
            "Rate urgency and importance apart: urgent is not the same as important."
        )

    def adoption_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ADOPTION_FIELDS}


class AdoptionCreateForm(AdoptionFieldsForm):
    action = forms.CharField(
        label=_("Action code"),
        max_length=16,
        help_text=_("The code of an action of the published roadmap, such as A2.1.3."),
    )
    field_order = ["action"]

    def clean_action(self) -> Action:
        code = self.cleaned_data["action"].strip().upper()
        action = Action.objects.published().filter(code=code).first()
        if action is None:
            raise ValidationError(
                _("No action %(code)s in the published roadmap.") % {"code": code},
                code="unknown_action",
            )
        return action


OWNER_NOT_MEMBER = _("The owner must be a member of the organisation.")


class AdoptSelectedForm(forms.Form):
    """The catalogue's checkboxes (codes of published actions), and an owner and a target
    date given to every adoption the batch creates."""

    actions = forms.ModelMultipleChoiceField(
        queryset=Action.objects.published(),
        to_field_name="code",
        error_messages={"required": _("Select at least one action to adopt.")},
    )
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        empty_label=_("No owner yet"),
        error_messages={"invalid_choice": OWNER_NOT_MEMBER},
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OwnerChoiceField, self.fields["owner"]).queryset = member_users(organisation)


# --- Progress entries ----------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django docs, "Uploading multiple files")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data if item]
        return [single_file_clean(data, initial)] if data else []


def _filled(value: Any) -> bool:
    # Not ``value not in (None, "", False)``: a figure of 0 equals False.
    return value is not None and value is not False and value != "" and value != []


def _any_filled(fields: Iterable[forms.BoundField]) -> bool:
    return any(field.errors or _filled(field.value()) for field in fields)


def _status_change_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("No change")), *AdoptionStatus.choices]


AssumptionGroups = list[tuple["StrOrPromise", list[Assumption]]]


def assumption_groups(action: Action) -> AssumptionGroups:
    """The assumptions a report on ``action`` can name (its edition's), in one query: those
    of the action's own intermediate goal and end goal first, then the others, each group
    in roadmap order."""
    goal = action.intermediate_goal
    rows = Assumption.objects.filter(edition=action.edition_id).select_related(
        "end_goal", "intermediate_goal__end_goal"
    )

    def place(assumption: Assumption) -> tuple[int, int, int, str]:
        # An end goal's assumptions before those of its intermediate goals.
        if assumption.intermediate_goal is not None:
            under = assumption.intermediate_goal
            return (under.end_goal.order, under.order, assumption.order, assumption.code)
        end_goal = assumption.end_goal
        return (end_goal.order if end_goal else 0, -1, assumption.order, assumption.code)

    own: list[Assumption] = []
    others: list[Assumption] = []
    for assumption in sorted(rows, key=place):
        mine = (
            assumption.intermediate_goal_id == goal.pk or assumption.end_goal_id == goal.end_goal_id
        )
        (own if mine else others).append(assumption)
    groups: AssumptionGroups = [
        (_("Of this action's goals"), own),
        (_("Of the roadmap's other goals"), others),
    ]
    return [(label, items) for label, items in groups if items]


def _assumption_field(label: StrOrPromise, groups: AssumptionGroups) -> forms.TypedChoiceField:
    choices: list[Any] = [("", _("None"))]
    choices += [
        (group, [(a.pk, f"{a.code} {Truncator(a.text).chars(90)}") for a in items])
        for group, items in groups
    ]
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=int, empty_value=None, required=False
    )


class ProgressEntryForm(forms.Form):
    """One progress entry: what was done, evidence, metric values and barriers.

    Metric fields are ``metric_<slug>``, one per active metric (a yes/no metric is a
    choice of yes, no or not reported, stored as 1 or 0); barrier fields are
    ``barrier_<slug>`` (ticked when met) and ``barrier_<slug>_note``. A note on a barrier
    that is not ticked is an error on the note (the page shows a barrier's note once it is
    ticked): nothing typed is dropped without the writer knowing.
    """

    entry_date = forms.DateField(label=_("Date"), widget=DateInput())
    narrative = forms.CharField(
        label=_("What was done"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    status_to = forms.ChoiceField(
        label=_("Status change"), choices=_status_change_choices, required=False
    )
    percent_complete = forms.IntegerField(
        label=_("Percent complete"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": PERCENT_RANGE,
            "max_value": PERCENT_RANGE,
        },
        help_text=_("From 0 to 100. Leave empty to keep the current figure."),
    )
    links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Web addresses (https://…), one per line."),
    )
    # A form field: the form's metaclass takes it into base_fields, and ``self.files``
    # stays the uploads, which the stubs do not know.
    files = MultipleFileField(label=_("Evidence files"), required=False)  # type: ignore[assignment]

    def __init__(
        self,
        *args: Any,
        metrics: Iterable[Metric],
        barriers: Iterable[BarrierCategory],
        assumptions: AssumptionGroups | None = None,
        partner: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry_date"].initial = timezone.localdate
        # Issue 17: a partner of a joint adoption logs progress, but its status and percent
        # complete stay the adoption's own organisation's (and so does discontinuing it).
        if partner:
            del self.fields["status_to"], self.fields["percent_complete"]
        # Issue 16: the assumptions of the action's edition a report can say it challenges.
        assumptions = assumptions or []
        self.assumptions = {a.pk: a for _group, items in assumptions for a in items}
        if self.assumptions and not partner:
            self.fields["challenged_assumption"] = _assumption_field(
                _("Assumption challenged"), assumptions
            )
            self.fields["challenged_assumption"].help_text = _(
                "If you discontinue the adoption because an assumption of the roadmap did not "
                "hold for you, which one."
            )
        limit_mb = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        self.fields["files"].help_text = " ".join(
            [
                _("%(types)s; at most %(limit)d MB each. The type is checked from the content.")
                % {"types": ALLOWED_LABEL, "limit": limit_mb},
                _("At most %(count)d files, %(total)s in all.")
                % {
                    "count": settings.EVIDENCE_MAX_FILES_PER_ENTRY,
                    "total": size_label(settings.EVIDENCE_MAX_BYTES_PER_ENTRY),
                },
            ]
        )
        self.fields["files"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"
        self.metrics = {f"metric_{m.slug}": m for m in metrics}
        self.barriers = {f"barrier_{b.slug}": b for b in barriers}
        for name, metric in self.metrics.items():
            self.fields[name] = _metric_field(metric)
        for name, category in self.barriers.items():
            self.fields[name] = forms.BooleanField(
                label=category.name, required=False, help_text=category.description
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("Note on “%(barrier)s”") % {"barrier": category.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if self.assumptions:
                self.fields[f"{name}_assumption"] = _assumption_field(
                    _("Assumption “%(barrier)s” challenges") % {"barrier": category.name},
                    assumptions,
                )

    # The template lays out the groups of fields; these give it the bound fields.
    def main_fields(self) -> list[forms.BoundField]:
        names = [
            "entry_date",
            "narrative",
            "status_to",
            "challenged_assumption",
            "percent_complete",
        ]
        return [self[name] for name in names if name in self.fields]

    def evidence_fields(self) -> list[forms.BoundField]:
        return [self["links"], self["files"]]

    def metric_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.metrics]

    def barrier_fields(
        self,
    ) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField | None]]:
        """Each barrier's box, note and challenged assumption (None when there are none)."""
        return [
            (
                self[name],
                self[f"{name}_note"],
                self[f"{name}_assumption"] if self.assumptions else None,
            )
            for name in self.barriers
        ]

    # The optional parts start folded (<details>), unless one holds a value or an error.
    def evidence_open(self) -> bool:
        return _any_filled(self.evidence_fields())

    def metrics_open(self) -> bool:
        return _any_filled(self.metric_fields())

    def barriers_open(self) -> bool:
        fields = [field for row in self.barrier_fields() for field in row if field is not None]
        return _any_filled(fields)

    def clean_links(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(links) > MAX_LINKS:
            raise ValidationError(
                _("Give at most %(max)d links.") % {"max": MAX_LINKS}, code="too_many"
            )
        return links

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name, metric in self.metrics.items():
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("%(metric)s cannot be negative.") % {"metric": metric.name})
        for name, category in self.barriers.items():
            if cleaned.get(f"{name}_note", "").strip() and not cleaned.get(name):
                self.add_error(
                    f"{name}_note",
                    _("Tick “%(barrier)s” if you met this barrier, or clear its note.")
                    % {"barrier": category.name},
                )
            if cleaned.get(f"{name}_assumption") and not cleaned.get(name):
                self.add_error(
                    f"{name}_assumption",
                    _("Tick “%(barrier)s” if you met this barrier, or choose no assumption.")
                    % {"barrier": category.name},
                )
        if cleaned.get("challenged_assumption") and (
            cleaned.get("status_to") != AdoptionStatus.DISCONTINUED
        ):
            self.add_error(
                "challenged_assumption",
                _("Name a challenged assumption only when you discontinue the adoption."),
            )
        return cleaned

    def entry_input(self) -> EntryInput:
        data = self.cleaned_data
        return EntryInput(
            entry_date=data["entry_date"],
            narrative=data["narrative"],
            status_to=data.get("status_to", ""),
            percent_complete=data.get("percent_complete"),
            links=data["links"],
            files=data["files"],
            metric_values=self._metric_values(),
            barriers=self._barriers(),
            barrier_assumptions=self._barrier_assumptions(),
            challenged_assumption=self._assumption(data.get("challenged_assumption")),
        )

    def _assumption(self, pk: int | None) -> Assumption | None:
        return self.assumptions.get(pk) if pk is not None else None

    def _barrier_assumptions(self) -> dict[BarrierCategory, Assumption]:
        chosen = {
            category: self._assumption(self.cleaned_data.get(f"{name}_assumption"))
            for name, category in self.barriers.items()
            if self.cleaned_data.get(name)
        }
        return {category: a for category, a in chosen.items() if a is not None}

    def _metric_values(self) -> dict[Metric, Decimal]:
        values = {metric: self.cleaned_data.get(name) for name, metric in self.metrics.items()}
        return {metric: value for metric, value in values.items() if value is not None}

    def _barriers(self) -> dict[BarrierCategory, str]:
        return {
            category: self.cleaned_data.get(f"{name}_note", "").strip()
            for name, category in self.barriers.items()
            if self.cleaned_data.get(name)
        }


def _yes_no_field(metric: Metric) -> forms.TypedChoiceField:
    """Yes or no (stored as 1 or 0), or not reported (no value stored)."""
    return forms.TypedChoiceField(
        label=metric.name,
        required=False,
        choices=[("", _("Not reported")), ("1", _("Yes")), ("0", _("No"))],
        coerce=Decimal,
        empty_value=None,
        help_text=metric.description,
    )


def _metric_field(metric: Metric) -> forms.DecimalField | forms.TypedChoiceField:
    label = f"{metric.name} ({metric.unit})" if metric.unit else metric.name
    if metric.kind == Metric.Kind.YES_NO:
        return _yes_no_field(metric)
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=metric.description,
        widget=forms.NumberInput(attrs={"min": 0, "step": "any"}),
    )


def entry_initial(entry: ProgressEntry) -> dict[str, Any]:
    """A form's initial values from an entry (its evidence, metrics and barriers
    prefetched), for a correction. Files cannot be prefilled."""
    initial: dict[str, Any] = {
        "entry_date": entry.entry_date,
        "narrative": entry.narrative,
        "status_to": entry.status_to if entry.changes_status else "",
        "percent_complete": entry.percent_complete,
        "links": "\n".join(e.url for e in entry.linked_evidence),
    }
    for value in entry.metric_list:
        if value.metric.kind == Metric.Kind.YES_NO:
            initial[f"metric_{value.metric.slug}"] = "1" if value.value else "0"
        else:
            initial[f"metric_{value.metric.slug}"] = value.value
    for report in entry.barrier_list:
        initial[f"barrier_{report.category.slug}"] = True
        initial[f"barrier_{report.category.slug}_note"] = report.note
        initial[f"barrier_{report.category.slug}_assumption"] = report.assumption_id
    initial["challenged_assumption"] = entry.challenged_assumption_id
    return initial
