"""A snapshot's Frictionless Data Package (``/data/<period>/datapackage.json``).

A tabular data package (https://specs.frictionlessdata.io/data-package/): the licence (CC BY
4.0), the sources (the PARADIGM roadmap paper, as the edition cites it, and the method),
the method in words, and every table of :mod:`.tables` twice, as CSV and as JSON, each with
its Table Schema. Resource paths are relative to the package's own address, where the
files are. In English, like the files.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from ..method import benchmark_method
from ..models import BenchmarkSnapshot
from .tables import CSV, FORMATS, JSON, MEDIA_TYPES, TABLES, OpenTable

PROFILE = "tabular-data-package"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
MISSING_VALUES = [""]
# Keys of the tables whose key columns are never empty (a Table Schema's primary key
# cannot hold an empty value; the figures' codes are empty for everyone and the population).
PRIMARY_KEYS = {"measures": ["measure"]}


def resource_name(table: str, file_format: str) -> str:
    """``figures`` for the CSV, ``figures-json`` for the same table in JSON."""
    return table if file_format == CSV else f"{table}-{file_format}"


def _schema(table: type[OpenTable]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [column.field() for column in table.columns],
        "missingValues": MISSING_VALUES,
    }
    if table.identifier in PRIMARY_KEYS:
        schema["primaryKey"] = PRIMARY_KEYS[table.identifier]
    return schema


def _resource(table: type[OpenTable], file_format: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": resource_name(table.identifier, file_format),
        "path": f"{table.identifier}.{file_format}",
        "profile": "tabular-data-resource",
        "title": str(table.verbose_name),
        "description": table.description,
        "format": file_format,
        "mediatype": MEDIA_TYPES[file_format],
        "encoding": "utf-8",
        "schema": _schema(table),
    }
    if file_format == JSON:
        resource["description"] += " The same table as the CSV file, as an array of objects."
    return resource


def _method_text(snapshot: BenchmarkSnapshot, method_url: str) -> str:
    """The method in Markdown, as the benchmark page's method section words it."""
    method = benchmark_method(snapshot)
    points = [*method.counted, *method.withheld]
    lines = [f"- **{point.title}.** {point.text}" for point in points]
    return "\n".join(
        [
            f"How these figures are made (smallest group published k = {method.k}, protection "
            f"level {method.protection_level}; the method is also at {method_url}):",
            "",
            *lines,
        ]
    )


def data_package(
    snapshot: BenchmarkSnapshot, *, package_url: str, method_url: str
) -> dict[str, Any]:
    """The descriptor of ``snapshot``'s open data; ``package_url`` is the address of the
    period's page (its files are below it), ``method_url`` that of the method."""
    label = snapshot.period.label
    edition = snapshot.edition
    paper = f"https://doi.org/{edition.doi}" if edition.doi else edition.licence_url
    with translation.override("en"):
        method = _method_text(snapshot, method_url)
    description = (
        f"Every public figure of the {settings.SITE_NAME} benchmark for {label} "
        f"({snapshot.period.starts_on} to {snapshot.period.ends_on}): how the verified "
        "organisations using the PARADIGM Patient Engagement Sustainability Roadmap (edition "
        f"{edition.version_label}) adopt its actions, by end goal, dimension, stakeholder "
        "group, region, country and level of operation, with maturity, metrics, barriers and "
        "joint commitments. The benchmark is compiled once when the period closes, audited, "
        "published and never changed. Figures that could single out an organisation are "
        "withheld: they are listed with an empty value and the reason.\n\n"
        f"{method}\n\n"
        f"Roadmap: {edition.citation}"
    )
    return {
        "profile": PROFILE,
        "name": f"pe-roadmap-benchmark-{label.lower()}",
        "title": f"{settings.SITE_NAME}: benchmark {label}",
        "description": description,
        "homepage": package_url,
        "version": "1.0.0",
        "created": snapshot.compiled_at.isoformat(),
        "keywords": ["patient engagement", "PARADIGM", "roadmap", "benchmark", label],
        "licenses": [LICENCE],
        "citation": edition.citation + (f" {paper}" if edition.doi else ""),
        "sources": [
            {"title": edition.citation, "path": paper},
            {"title": "Benchmark method: how these figures are made", "path": method_url},
        ],
        "resources": [
            _resource(table, file_format) for table in TABLES.values() for file_format in FORMATS
        ],
    }
