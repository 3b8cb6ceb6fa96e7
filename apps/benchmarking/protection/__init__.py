"""Protection intervals: what a reader can infer about a withheld count, by linear programming.

The rules are stated in :mod:`apps.benchmarking.anonymisation`; this module holds the
solver. For one *family* (a subject type and code, or the population) it sets up the
reader's linear programme: one variable per withheld count of the family and per withheld
population, and every relation a reader knows (the sums between breakdowns, ``0 <= count <=
population``, a listed population is at least 1, what a withheld cell's reason says about
its group, ``implementing <= adopting`` in a bundle, and every published value of this and
earlier snapshots taken as known). It then asks HiGHS for the smallest and largest value
of each withheld figure (and of its complement, population minus count), rounds the bounds
inward to whole numbers, and reports every interval narrower than ``min(p, population)``.
The roadmap's structure relates the adoption families (a goal's or dimension's count lies
between each of its actions' and their sum): :func:`joint_family` puts every family it
relates into one programme, whose too-narrow findings name the published counts in the
relations that pin them (the duals of the binding rows), the candidates to withhold.

The same function serves :func:`protect_family` (which withholds more cells until no interval is
too narrow) and :func:`audit_cells` (which recomputes every interval from what is published
only, and checks the other rules). The programme is built once per family and re-solved
with a new objective for each bound; HiGHS keeps its basis between solves (a tenth of a
millisecond each, against milliseconds for ``scipy.optimize.linprog`` per call).

The package: :mod:`.model` (the counts and figures a reader sees, and the shapes the solver
works on), :mod:`.roadmap` (the roadmap's relations), :mod:`.programme` (the solver),
:mod:`.protect` (withholding) and :mod:`.audit` (checking a snapshot as published). What
other modules use is imported here.
"""

from .audit import audit_cells, audit_snapshot, earlier_published, families_of
from .model import (
    COUNTS,
    ORGANISATIONS,
    OWN_N,
    PARTICIPATION,
    POPULATION,
    REST,
    Bundle,
    Family,
    Finding,
    Key,
    Relation,
    bases,
    equations,
    hidden_n_enabled,
    is_quantile,
    n_basis,
    open_regions,
    quantile_bounds,
)
from .programme import Floor, Infeasible, narrow_intervals
from .protect import NeedsPopulation, protect_family
from .roadmap import Roadmap, joint_family, roadmap_structure

__all__ = [
    "COUNTS",
    "ORGANISATIONS",
    "OWN_N",
    "PARTICIPATION",
    "POPULATION",
    "REST",
    "Bundle",
    "Family",
    "Finding",
    "Floor",
    "Infeasible",
    "Key",
    "NeedsPopulation",
    "Relation",
    "Roadmap",
    "audit_cells",
    "audit_snapshot",
    "bases",
    "earlier_published",
    "equations",
    "families_of",
    "hidden_n_enabled",
    "is_quantile",
    "joint_family",
    "n_basis",
    "narrow_intervals",
    "open_regions",
    "protect_family",
    "quantile_bounds",
    "roadmap_structure",
]
