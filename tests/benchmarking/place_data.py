"""A published snapshot with figures for Poland, Germany (withheld) and Europe, for the
tests of the country and region pages and the map of Europe (the browser journey too)."""

from __future__ import annotations

from apps.benchmarking.models import BenchmarkCell, BenchmarkSnapshot
from apps.roadmap.models import Edition
from tests.benchmarking.uptake_data import snapshot
from tests.roadmap.factories import BarrierCategoryFactory


def cell(
    of: BenchmarkSnapshot,
    subject: str,
    code: str,
    measure: str,
    value: str | None,
    *,
    breakdown: str = "all",
    where: str = "",
    reason: str = "complementary",
) -> BenchmarkCell:
    """A published figure (None: withheld for ``reason``); its n is 40 when published."""
    return BenchmarkCell.objects.create(
        snapshot=of,
        subject_type=subject,
        subject_code=code,
        breakdown=breakdown,
        breakdown_value=where,
        measure=measure,
        n=None if value is None else 40,
        value=value,
        suppressed=value is None,
        reason=reason if value is None else "",
    )


def country_snapshot(edition: Edition, label: str = "2026-Q2") -> BenchmarkSnapshot:
    """Poland published (EG1 42.5%, EG2 withheld, maturity, barriers), Germany withheld
    (its share of EG1 too), Europe's figures; France has no figure at all (a country below
    the threshold); the action A1.1.1 addresses Poland's most reported barrier."""
    money, methods, trust = (
        BarrierCategoryFactory(slug="money", name="Lack of money"),
        BarrierCategoryFactory(slug="methods", name="No agreed methods"),
        BarrierCategoryFactory(slug="trust", name="Distrust"),
    )
    edition.actions.get(code="A1.1.1").addresses_barriers.set([money])
    edition.actions.get(code="A2.1.2").addresses_barriers.set([money, methods])
    published = snapshot(edition, label)
    for where, breakdown in (("", "all"), ("PL", "country"), ("cee", "region")):
        cell(published, "population", "", "organisations", "40", breakdown=breakdown, where=where)
    cell(
        published,
        "end_goal",
        "EG1",
        "share_adopting",
        "30",
    )
    cell(published, "end_goal", "EG2", "share_adopting", "20")
    cell(published, "end_goal", "EG1", "share_adopting", "42.5", breakdown="country", where="PL")
    cell(published, "end_goal", "EG2", "share_adopting", None, breakdown="country", where="PL")
    cell(published, "end_goal", "EG1", "share_adopting", "35", breakdown="region", where="cee")
    cell(published, "population", "", "organisations", None, breakdown="country", where="DE")
    cell(published, "end_goal", "EG1", "share_adopting", None, breakdown="country", where="DE")
    cell(published, "maturity_goal", "EG1", "maturity_median", "3", breakdown="country", where="PL")
    cell(published, "maturity_goal", "EG1", "maturity_median", "2.5")
    for barrier, share in ((money, "60"), (methods, "45"), (trust, None)):
        cell(
            published,
            "barrier",
            barrier.slug,
            "share_reporting",
            share,
            breakdown="country",
            where="PL",
        )
        cell(published, "barrier", barrier.slug, "share_reporting", "33.3")
    return published
