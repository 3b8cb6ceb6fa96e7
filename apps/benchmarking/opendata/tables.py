"""The open data's tables: their columns (each described once, for the files and the data
package's Table Schema) and their rows, read once and rendered as CSV (the house's
exporter, ``apps.core.exporters``) or JSON.

``figures`` holds every public figure of a published snapshot, one row per cell: the
curators' subjects (``STAFF_ONLY_SUBJECTS``) are never read. A withheld figure has an
empty ``value`` and ``n``, ``withheld`` true and the reason the public outputs give
(``small_group`` or ``complementary``, :func:`..anonymisation.public_reason`). ``measures``
says what each measure is.

The files are the same in every language (one address each, cached for good): labels
and descriptions are in English, the language of the roadmap paper.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from django_countries import countries

from apps.core.exporters import CSV, Cell, Rendered, Sheet, TabularExporter
from apps.organisations.models import Level
from apps.organisations.permissions import Role
from apps.organisations.regions import Region
from apps.roadmap.models import StakeholderGroup

from ..exports.aggregate import subject_titles
from ..figures import number
from ..models import BenchmarkCell, BenchmarkSnapshot, Breakdown, Subject

CHUNK_SIZE = 2000
JSON = "json"
MEDIA_TYPES = {CSV: "text/csv", JSON: "application/json"}
# A figure's key, the order of the snapshot's unique index: the order of the rows.
KEY_FIELDS = BenchmarkCell.FIGURE_FIELDS[:5]
TRUE, FALSE = "yes", "no"  # how the CSV writes booleans (``apps.core.exporters.cell_text``)


@dataclass(frozen=True)
class Column:
    """One column of a table, as its Table Schema field: a name, a type, a description."""

    name: str
    type: str  # a Table Schema type: string, integer, number, boolean
    description: str

    def field(self) -> dict[str, Any]:
        field: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
        }
        if self.type == "boolean":
            field |= {"trueValues": [TRUE], "falseValues": [FALSE]}
        return field


# What each public measure is (the ``measures`` table, and the ``measure`` column's key).
MEASURES = {
    "organisations": "How many verified organisations the group holds (subject population).",
    "adopting": "How many organisations of the group adopt the subject (an action, or any "
    "action of the goal or dimension), discontinued adoptions left out.",
    "share_adopting": "The share of the group's organisations that adopt the subject, in "
    "percent (0 to 100).",
    "median_percent": "The median percent complete of the subject's adoptions, among the "
    "organisations adopting it (0 to 100).",
    "coverage_q1": "First quartile of how many of the subject's actions each organisation of "
    "the group adopts (zeros included).",
    "coverage_median": "Median of how many of the subject's actions each organisation of the "
    "group adopts (zeros included).",
    "coverage_q3": "Third quartile of how many of the subject's actions each organisation of "
    "the group adopts (zeros included).",
    "rated": "How many organisations of the group have rated their maturity of the subject.",
    "maturity_q1": "First quartile of the maturity levels the organisations give themselves "
    "(1 ad hoc to 5).",
    "maturity_median": "Median of the maturity levels the organisations give themselves "
    "(1 ad hoc to 5).",
    "maturity_q3": "Third quartile of the maturity levels the organisations give themselves "
    "(1 ad hoc to 5).",
    "reporting": "How many organisations of the group reported the metric or the barrier in "
    "the period.",
    "share_reporting": "The share of the group's organisations that reported the barrier in "
    "the period, in percent (0 to 100).",
    "metric_total": "The sum of the metric's values reported in the period.",
    "metric_median": "The median of the organisations' own totals of the metric in the period.",
    "partnered_percent": "The share of the group's adoptions with a confirmed partner from "
    "another stakeholder group, in percent (0 to 100).",
    "answering": "How many organisations of the group had at least one member answer the "
    "attitude pulse's statement in the period.",
    "pulse_mean": "The mean answer to the attitude pulse's statement in the period, from 1 "
    "(strongly disagree) to 5 (strongly agree); n is how many organisations the answers "
    "came from.",
    "pulse_agree_percent": "The share of the answers to the attitude pulse's statement that "
    "agree or strongly agree (4 or 5), in percent (0 to 100).",
}

FIGURE_COLUMNS = (
    Column("period", "string", "The reporting period, such as 2026-Q3."),
    Column(
        "subject_type",
        "string",
        "What the figure is about: action, intermediate_goal, end_goal, dimension, "
        "maturity_goal (maturity of an end goal), maturity_dimension, metric, barrier "
        "(a barrier category), population (the organisations themselves), partnership "
        "(joint commitments) or pulse (a statement of the attitude pulse).",
    ),
    Column(
        "subject_code",
        "string",
        "The subject's code in the roadmap (A1.1.1, EG1, …) or its slug (a dimension, a "
        "metric, a barrier category); empty for the population.",
    ),
    Column("subject_label", "string", "The subject's title in English."),
    Column(
        "breakdown",
        "string",
        "Whose figure it is: all (everyone), stakeholder_group, region, country, level "
        "(level of operation) or role (the role people held when answering the attitude "
        "pulse).",
    ),
    Column(
        "breakdown_value",
        "string",
        "The group: a stakeholder group's slug, a region (western, northern, southern, cee, "
        "outside), an ISO 3166 country code, a level of operation or a role (admin, pe_lead, "
        "contributor, viewer); empty for everyone.",
    ),
    Column("breakdown_label", "string", "The group's name in English."),
    Column("measure", "string", "What is measured: see the measures table."),
    Column(
        "n",
        "integer",
        "How many organisations the figure comes from; empty when the figure is withheld, "
        "or when that number is withheld while the figure (a median or quartile) is not.",
    ),
    Column("value", "number", "The figure; empty when it is withheld."),
    Column(
        "withheld",
        "boolean",
        "Whether the anonymisation rules withhold the figure (yes or no; true or false in JSON).",
    ),
    Column(
        "reason",
        "string",
        "Why the figure is withheld: small_group (from fewer than k organisations) or "
        "complementary (it, or a figure around it, would give away an organisation's "
        "answer); empty when it is published.",
    ),
)
MEASURE_COLUMNS = (
    Column("measure", "string", "The measure's name, as in the figures table."),
    Column("description", "string", "What it measures."),
)


def _subject_labels(snapshot: BenchmarkSnapshot) -> dict[str, dict[str, str]]:
    """``{subject type: {code: title}}`` (the aggregate's, and the population's). Six queries."""
    return {**subject_titles(snapshot), Subject.POPULATION: {"": gettext("Organisations")}}


def _group_labels() -> dict[str, dict[str, str]]:
    """``{breakdown: {value: English name}}``. One query (the stakeholder groups)."""
    return {
        Breakdown.ALL: {"": gettext("Everyone")},
        Breakdown.STAKEHOLDER_GROUP: dict(StakeholderGroup.objects.values_list("slug", "name")),
        Breakdown.REGION: {str(value): str(label) for value, label in Region.choices},
        Breakdown.COUNTRY: {str(code): str(name) for code, name in countries},
        Breakdown.LEVEL: {str(value): str(label) for value, label in Level.choices},
        Breakdown.ROLE: {str(value): str(label) for value, label in Role.choices},
    }


class OpenTable(TabularExporter):
    """One table of a snapshot's open data: its columns and rows, rendered as CSV (by the
    house's exporter) or JSON (:meth:`render_json`), always in English."""

    # ``identifier`` names the resource (its files are ``<identifier>.csv`` and ``.json``),
    # ``verbose_name`` is its title.
    description: str
    columns: Sequence[Column]
    permission = ""  # public: published, anonymised figures only

    def __init__(self, snapshot: BenchmarkSnapshot) -> None:
        self.snapshot = snapshot

    def filename_stem(self) -> str:
        return f"pe-roadmap-benchmark-{self.snapshot.period.label}-{self.identifier}"

    def rows(self) -> Iterator[list[Cell]]:
        raise NotImplementedError

    def sheets(self) -> Iterator[Sheet]:
        yield Sheet(self.identifier, [c.name for c in self.columns], self.rows())

    def render_in(self, file_format: str) -> Rendered:
        """The table as ``csv`` or ``json``, in English whatever the reader's language."""
        with translation.override("en"):
            if file_format == JSON:
                return self.render_json()
            return self.render(CSV)

    def render_json(self) -> Rendered:
        """An array of objects, one per row, keyed by column: numbers as numbers, booleans
        as booleans, an empty value as null (what Frictionless reads as tabular JSON)."""
        names = [c.name for c in self.columns]
        records = [dict(zip(names, row, strict=True)) for row in self.rows()]
        content = json.dumps(records, ensure_ascii=False, default=_json_value)
        return Rendered(
            filename=f"{self.filename_stem()}.{JSON}",
            content_type="application/json",
            content=content.encode(),
        )


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Not JSON: {value!r}")


class FiguresTable(OpenTable):
    identifier = "figures"
    verbose_name = "Benchmark figures"
    description = (
        "Every public figure of the period's benchmark, one row per figure: a measure of a "
        "subject for everyone or for one group. Withheld figures are listed with an empty "
        "value and the reason. A figure is identified by subject_type, subject_code, "
        "breakdown, breakdown_value and measure (unique together; codes are empty for the "
        "population and for everyone)."
    )
    columns = FIGURE_COLUMNS

    def rows(self) -> Iterator[list[Cell]]:
        """Every public cell, in the order of the snapshot's unique index. Eight queries:
        the labels, then the cells, read in chunks."""
        subjects = _subject_labels(self.snapshot)
        groups = _group_labels()
        period = self.snapshot.period.label
        cells = (
            BenchmarkCell.objects.public()
            .filter(snapshot=self.snapshot)
            .order_by(*KEY_FIELDS)
            .values(*BenchmarkCell.FIGURE_FIELDS)
        )
        for cell in cells.iterator(chunk_size=CHUNK_SIZE):
            withheld = cell["suppressed"]
            subject, breakdown = cell["subject_type"], cell["breakdown"]
            yield [
                period,
                subject,
                cell["subject_code"],
                subjects.get(subject, {}).get(cell["subject_code"], ""),
                breakdown,
                cell["breakdown_value"],
                groups.get(breakdown, {}).get(cell["breakdown_value"], ""),
                cell["measure"],
                None if withheld else cell["n"],
                None if withheld else number(cell["value"]),
                withheld,
                cell["reason"] if withheld else "",
            ]


class MeasuresTable(OpenTable):
    identifier = "measures"
    verbose_name = "Measures"
    description = "What each measure of the figures table is."
    columns = MEASURE_COLUMNS

    def rows(self) -> Iterator[list[Cell]]:
        for measure, description in MEASURES.items():
            yield [measure, description]


TABLES: dict[str, type[OpenTable]] = {t.identifier: t for t in (FiguresTable, MeasuresTable)}
FORMATS = (CSV, JSON)
