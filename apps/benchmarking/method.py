"""The method in plain words: what is withheld and why, with the rules' settings.

One text for every place that explains it: the method section of ``/benchmarks/`` and of
an organisation's benchmark page (``templates/benchmarking/_method.html``) and the Method
section of the reports (PDF, XLSX and CSV, ``exports/exporters.py``). The rules
themselves are stated in ``anonymisation.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .models import BenchmarkSnapshot


@dataclass(frozen=True)
class Point:
    """One rule: a short title, and what it means for the reader."""

    title: str
    text: str


@dataclass(frozen=True)
class Method:
    k: int
    protection_level: int
    quantile_group: int
    country_group: int
    counted: list[Point]
    withheld: list[Point]


def benchmark_method(snapshot: BenchmarkSnapshot) -> Method:
    """The method of ``snapshot``: its *k* (the smallest group it publishes a figure for),
    and the protection level and quantile threshold from the settings."""
    k = snapshot.min_group_size
    p = settings.BENCHMARK_PROTECTION_LEVEL
    quantiles = max(settings.BENCHMARK_MIN_GROUP_QUANTILES, k)
    countries = settings.BENCHMARK_MIN_GROUP_COUNTRY
    return Method(
        k=k,
        protection_level=p,
        quantile_group=quantiles,
        country_group=countries,
        counted=_counted(snapshot),
        withheld=_withheld(k, p, quantiles, countries),
    )


def _counted(snapshot: BenchmarkSnapshot) -> list[Point]:
    end = snapshot.period.ends_on.isoformat()
    return [
        Point(
            _("Who is counted"),
            _(
                "Organisations verified by the portal's admins by the end of the period's last "
                "day (%(end)s). An organisation verified later counts from the next period on; "
                "organisations waiting for verification, or rejected, are not counted."
            )
            % {"end": end},
        ),
        Point(
            _("When"),
            _(
                "Adoptions are counted as they stood at the end of the period. Each period's "
                "benchmark is compiled once and never changed: compiled again, it would give "
                "the same figures."
            ),
        ),
        Point(
            _("Audited before it is published"),
            _(
                "Each compiled benchmark is audited before anyone sees it: the audit works out, "
                "from the published figures only, what a reader could learn about every "
                "withheld figure. A benchmark is published only when the audit finds nothing."
            ),
        ),
    ]


def _withheld(k: int, p: int, quantiles: int, countries: int) -> list[Point]:
    points = [
        Point(
            _("Small groups"),
            _("No figure is published if it comes from fewer than %(k)s organisations.") % {"k": k},
        ),
        Point(
            _("None, one, all but one, or all"),
            _(
                "A count of none, one, all but one or all of a group is withheld: an "
                "organisation that knows its own answer could otherwise learn the answer of "
                "the others. Such figures are withheld rather than rounded or shown in bands, "
                "so every figure that is published is exact."
            ),
        ),
        Point(
            _("Medians and quartiles"),
            _(
                "Medians and quartiles are published only from at least %(n)s organisations: "
                "from fewer, they are close to single organisations' own values."
            )
            % {"n": quantiles},
        ),
        Point(
            _("Figures that could be worked out (complementary)"),
            _(
                "Counts add up (the stakeholder groups, regions and levels to everyone, the "
                "countries to their region), they are whole numbers between none and the whole "
                "group, and the figures of earlier periods are known. For every withheld "
                "figure we work out the narrowest range a reader could narrow it down to from "
                "everything published, in this period and earlier ones, and withhold more "
                "figures until that range holds at least %(p)s possible values (the protection "
                "level), or the whole group when it is smaller. The same holds for the number "
                "of organisations that do not adopt."
            )
            % {"p": p},
        ),
        Point(
            _("The roadmap's structure"),
            _(
                "We also assume the reader knows the roadmap: an organisation that adopts an "
                "action adopts its intermediate goal, end goal and dimension, so a goal's or "
                "dimension's count is never below any of its actions' counts nor above their "
                "sum. Where these relations would let a withheld figure be narrowed down, the "
                "action counts that would give it away are withheld too."
            ),
        ),
        Point(
            _("Joint commitments"),
            _(
                "The share of adoptions with a confirmed partner from another stakeholder "
                "group is published only when at least %(k)s organisations have such an "
                "adoption and at least %(k)s have an adoption without one. What a reader "
                "could work out by taking the published groups or regions away from everyone "
                "must pass the same rule, or more of them are withheld."
            )
            % {"k": k},
        ),
        Point(
            _("Earlier periods"),
            _(
                "Earlier periods' benchmarks stay public. A figure published in an earlier "
                "period and unchanged is known anyway: only what it would let a reader work "
                "out anew is protected. Where earlier figures alone, if unchanged, already "
                "narrow a withheld figure down, withholding more now cannot widen it; such a "
                "figure is protected no further."
            ),
        ),
        Point(
            _("Group sizes"),
            _(
                "How many organisations a withheld figure comes from is withheld with it: it "
                "is shown nowhere, neither on the pages nor in the API or the reports. A "
                "median or quartile of adopters, of reporting organisations or of ratings "
                "can be published while the number it comes from is withheld: it is then "
                "shown without that number, and only when it comes from at least %(n)s "
                "organisations."
            )
            % {"n": quantiles},
        ),
    ]
    if countries:
        points.insert(
            1,
            Point(
                _("Small countries"),
                _(
                    "A country with fewer than %(n)s organisations in a period has no figures "
                    "of its own: its organisations are counted in their region and in "
                    "everyone."
                )
                % {"n": countries},
            ),
        )
    return points
