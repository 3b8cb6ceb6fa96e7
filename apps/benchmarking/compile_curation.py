"""The curators' figures of a snapshot: per action, how its adoptions fare.

For the curators' learning report (``apps.curation``), each action of the edition gets,
for everyone only (breakdown ``all``), from the compile's state table (each adoption's
status at the period's end, :mod:`.compile_tables`), in SQL like every other figure:

- ``dormant`` (status *paused*), ``implemented``, ``embedded`` and ``discontinued``: how
  many organisations' adoptions of the action stood so at the period's end;
- ``share_dormant``: dormant adopters as a percent of the organisations adopting it
  (``adopting``, the public figure: anything but discontinued), and
  ``share_discontinued``: discontinued as a percent of every organisation that has
  adopted it (``adopting`` + ``discontinued``);
- ``days_implemented_median`` and ``days_embedded_median``: the median number of days
  from an adoption's start to its first entry reaching *implemented* (or *embedded*,
  which passes it) and *embedded*, among the adoptions that reached it by the period's
  end. The start is the adoption's ``start_date`` when it has one, else the date of its
  first entry: entry dates are the organisation's own timeline (imported histories are
  dated in the past), ``created_at`` only when the row was written. A start after the
  date reached (a data slip) leaves the adoption out;
- per barrier category (subject ``curation_barrier``, code ``<action>/<category>``),
  ``barrier_orgs``: how many organisations reported that barrier on an entry of their
  adoption of the action, **cumulatively** up to the period's end (one period alone
  rarely reaches *k*; the curators ask which barriers an action meets, not when).
- per assumption of the edition (subject ``curation_assumption``, code
  ``<action>/<assumption>``), ``assumption_orgs``: how many organisations said that
  assumption did not hold for their adoption of the action, naming it on a barrier report or
  on the entry that discontinued the adoption, cumulatively like the barriers.

**Anonymisation.** Every figure passes :func:`.anonymisation.anonymise` with the others
(a bundle or population below *k* withholds it), and before that these rules of its own,
stricter than the public ones (:func:`withhold`), because the counts split groups the
public figures publish:

1. *No figure from fewer than k organisations, nor from "all but fewer than k".* The
   status counts split the public ``adopting`` (P) into dormant, implemented, embedded
   and the rest (planned or in progress, never published); ``discontinued`` splits the
   public non-adopters (N - P) into discontinued and never adopted. Within each split a
   count is published only when it is at least *k*, and only while what is left
   unpublished of its group (the rest) is at least *k* too: otherwise the smallest
   published count is withheld as well, until it is. So every published count, and every
   difference a reader can take between published and public figures (a rest), is at
   least *k*: a share never reveals a small group by its complement.
2. A share is published with its count only (its value gives the count away).
3. A median of days is published only from at least ``BENCHMARK_MIN_GROUP_QUANTILES``
   adoptions that reached the status (the public rule for quantiles); how many did is
   not published.
4. A barrier count (and a count of an assumption challenged) is published only when at
   least *k* organisations reported it and at least *k* of those with an adoption of the
   action (P + discontinued) did not.
5. When the public ``adopting`` of the action is withheld (for everyone), so are all of
   its status counts and shares: the splits' groups are then unknown to the reader.

**Why the protection audit need not model them** (:mod:`.protection`). None of these
measures is an additive count (:data:`.protection.COUNTS`), so the linear programmes
ignore them; each is stored with ``n`` = the population of everyone (its reading base),
which the audit's rule checks accept. They are safe by construction: each split's
published counts and rest are all at least *k*, every interval a reader can derive for a
withheld count of a split spans its rest (at least *k* wide), and they relate to the
public families through ``adopting`` and the population only, both of which they take as
known. They are moreover portal staff's only: no public page, export or API response
reads the curation subjects (:data:`.models.STAFF_ONLY_SUBJECTS`,
``BenchmarkCellQuerySet.public``). ``tests/benchmarking/test_compile_curation.py`` checks
that no figure behind fewer than *k* organisations is stored unsuppressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from django.conf import settings

from apps.adoption.models import Adoption, AdoptionStatus, BarrierReport, ProgressEntry
from apps.roadmap.models import Assumption, BarrierCategory, Edition

from .aggregates import percentile_cont
from .anonymisation import COMPLEMENTARY, SMALL_GROUP, Cell
from .compile_tables import Tables, table_name
from .models import Breakdown, Subject

# The counts that split the organisations adopting an action (anything but discontinued).
ADOPTING_SPLIT = {
    "dormant": AdoptionStatus.PAUSED,
    "implemented": AdoptionStatus.IMPLEMENTED,
    "embedded": AdoptionStatus.EMBEDDED,
}
DISCONTINUED = "discontinued"
SHARES = {"share_dormant": "dormant", "share_discontinued": DISCONTINUED}
MEDIANS = {
    "days_implemented_median": (AdoptionStatus.IMPLEMENTED, AdoptionStatus.EMBEDDED),
    "days_embedded_median": (AdoptionStatus.EMBEDDED,),
}
BARRIER_MEASURE = "barrier_orgs"
ASSUMPTION_MEASURE = "assumption_orgs"


def barrier_code(action: str, category: str) -> str:
    """The subject code of a figure of an action and a barrier category or an assumption."""
    return f"{action}/{category}"


def withhold(group: int, counts: dict[str, int], k: int) -> set[str]:
    """Rule 1: the counts of a split of ``group`` that stay published: each at least ``k``,
    and what is left of the group besides them at least ``k`` (the smallest withheld first
    until it is)."""
    shown = {m for m, c in counts.items() if c >= k}
    while shown and group - sum(counts[m] for m in shown) < k:
        shown.remove(min(shown, key=lambda m: (counts[m], m)))
    return set(counts) - shown


def _days(postgres: bool, later: str, earlier: str) -> str:
    if postgres:
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _medians(tables: Tables, statuses: tuple[str, ...]) -> dict[str, tuple[int, float]]:
    """``{action: (adoptions, median days)}`` from start to the first entry reaching one of
    ``statuses``, for the adoptions that did by the period's end."""
    entries = table_name(ProgressEntry)
    marks = ", ".join(["%s"] * len(statuses))
    source = (
        "SELECT s.action, COALESCE(a.start_date, (SELECT MIN(e.entry_date) "
        f"FROM {entries} e WHERE e.adoption_id = a.id AND e.is_current)) AS started, "
        f"(SELECT MIN(e.entry_date) FROM {entries} e WHERE e.adoption_id = a.id "
        f"AND e.is_current AND e.entry_date <= %s AND e.status_to IN ({marks})) AS reached "
        f"FROM benchmark_state s JOIN {table_name(Adoption)} a ON a.id = s.adoption"
    )
    days = _days(tables.postgres, "t.reached", "t.started")
    query = (
        f"SELECT t.action, {days} AS days FROM ({source}) t "
        "WHERE t.reached IS NOT NULL AND t.reached >= t.started"
    )
    params = [tables.period.ends_on, *statuses]
    if tables.postgres:
        tables.execute(
            "SELECT action, COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY days) "
            f"FROM ({query}) d GROUP BY action",
            params,
        )
        return {a: (n, float(m)) for a, n, m in tables.cursor.fetchall()}
    tables.execute(f"SELECT action, days FROM ({query}) d ORDER BY action, days", params)
    found = {}
    for action, rows in groupby(tables.cursor.fetchall(), key=lambda r: r[0]):
        values = [float(r[1]) for r in rows]
        found[action] = (len(values), percentile_cont(values, 0.5))
    return found


def _barriers(tables: Tables) -> dict[tuple[str, str], int]:
    """``{(action, category): organisations}`` reporting it up to the period's end."""
    tables.execute(
        "SELECT s.action, c.slug, COUNT(DISTINCT s.org) "
        f"FROM {table_name(BarrierReport)} b "
        f"JOIN {table_name(ProgressEntry)} e ON e.id = b.entry_id "
        "JOIN benchmark_state s ON s.adoption = e.adoption_id "
        f"JOIN {table_name(BarrierCategory)} c ON c.id = b.category_id "
        "WHERE e.is_current AND e.entry_date <= %s GROUP BY s.action, c.slug",
        [tables.period.ends_on],
    )
    return {(action, slug): n for action, slug, n in tables.cursor.fetchall()}


def _assumptions(tables: Tables) -> dict[tuple[str, str], int]:
    """``{(action, assumption): organisations}`` that named it as challenged, on a barrier
    report or on the entry discontinuing their adoption, up to the period's end."""
    entries, assumptions = table_name(ProgressEntry), table_name(Assumption)
    named = (
        f"SELECT e.adoption_id, b.assumption_id AS assumption FROM {table_name(BarrierReport)} b "
        f"JOIN {entries} e ON e.id = b.entry_id "
        "WHERE e.is_current AND e.entry_date <= %s AND b.assumption_id IS NOT NULL "
        "UNION ALL "
        f"SELECT e.adoption_id, e.challenged_assumption_id FROM {entries} e "
        "WHERE e.is_current AND e.entry_date <= %s AND e.challenged_assumption_id IS NOT NULL"
    )
    tables.execute(
        "SELECT s.action, a.code, COUNT(DISTINCT s.org) "
        f"FROM ({named}) n JOIN benchmark_state s ON s.adoption = n.adoption_id "
        f"JOIN {assumptions} a ON a.id = n.assumption GROUP BY s.action, a.code",
        [tables.period.ends_on, tables.period.ends_on],
    )
    return {(action, code): n for action, code, n in tables.cursor.fetchall()}


def _reported(
    subject: str, code: str, measure: str, n: int, adopted: int, population: int, k: int
) -> Cell:
    """A count of organisations reporting something on their adoptions of an action (rule 4)."""
    cell = _cell(subject, code, measure, population, n)
    if n < k or adopted - n < k:
        cell.suppress(SMALL_GROUP if n < k else COMPLEMENTARY)
    return cell


def curation_cells(tables: Tables, edition: Edition, population: int, *, k: int) -> Iterator[Cell]:
    """Every curators' figure of the period (breakdown ``all``), rules 1-4 applied
    (rule 5 and the public rules: :func:`after_anonymise`). ``population``: the verified
    organisations, everyone's population."""
    tables.execute("SELECT action, status, COUNT(*) FROM benchmark_state GROUP BY action, status")
    by_status: dict[str, dict[str, int]] = {}
    for action, status, n in tables.cursor.fetchall():
        by_status.setdefault(action, {})[status] = n
    medians = {measure: _medians(tables, statuses) for measure, statuses in MEDIANS.items()}
    barriers = _barriers(tables)
    k_quantiles = settings.BENCHMARK_MIN_GROUP_QUANTILES
    categories = list(BarrierCategory.objects.order_by("slug").values_list("slug", flat=True))
    challenged = _assumptions(tables)
    assumption_codes = list(edition.assumptions.order_by("code").values_list("code", flat=True))
    for code in edition.actions.order_by("code").values_list("code", flat=True):
        statuses = by_status.get(code, {})
        discontinued = statuses.get(AdoptionStatus.DISCONTINUED, 0)
        adopting = sum(statuses.values()) - discontinued
        counts = {m: statuses.get(s, 0) for m, s in ADOPTING_SPLIT.items()}
        withheld = withhold(adopting, counts, k)
        withheld |= withhold(population - adopting, {DISCONTINUED: discontinued}, k)
        counts[DISCONTINUED] = discontinued
        shares = {
            "share_dormant": 100 * counts["dormant"] / adopting if adopting else 0,
            "share_discontinued": (
                100 * discontinued / (adopting + discontinued) if adopting + discontinued else 0
            ),
        }
        figures: list[tuple[str, float, bool, str]] = [
            (m, c, m in withheld, SMALL_GROUP if c < k else COMPLEMENTARY)
            for m, c in counts.items()
        ]
        figures += [
            (m, round(v, 1), SHARES[m] in withheld, COMPLEMENTARY) for m, v in shares.items()
        ]
        for measure in MEDIANS:
            n, median = medians[measure].get(code, (0, 0.0))
            reason = SMALL_GROUP if n < k else COMPLEMENTARY
            figures.append((measure, round(median, 1), n < k_quantiles, reason))
        for measure, value, suppressed, reason in figures:
            cell = _cell(Subject.CURATION_ACTION, code, measure, population, value)
            if suppressed:
                cell.suppress(reason)
            yield cell
        adopted = adopting + discontinued
        reported = (
            (Subject.CURATION_BARRIER, BARRIER_MEASURE, categories, barriers),
            (Subject.CURATION_ASSUMPTION, ASSUMPTION_MEASURE, assumption_codes, challenged),
        )
        for subject, measure, keys, counted in reported:
            for key in keys:
                n = counted.get((code, key), 0)
                yield _reported(
                    subject, barrier_code(code, key), measure, n, adopted, population, k
                )


def _cell(subject: str, code: str, measure: str, population: int, value: float) -> Cell:
    # n: everyone's population, the figure's reading base (see the module docstring).
    return Cell(subject, code, Breakdown.ALL, "", measure, population, value, additive=False)


def after_anonymise(cells: list[Cell]) -> None:
    """Rule 5: an action whose public ``adopting`` (for everyone) is withheld has its status
    counts and shares withheld too."""
    hidden = {
        c.subject_code
        for c in cells
        if c.subject_type == Subject.ACTION
        and c.breakdown == Breakdown.ALL
        and c.measure == "adopting"
        and c.suppressed
    }
    split = {*ADOPTING_SPLIT, DISCONTINUED, *SHARES}
    for cell in cells:
        if (
            cell.subject_type == Subject.CURATION_ACTION
            and cell.subject_code in hidden
            and cell.measure in split
        ):
            cell.suppress(COMPLEMENTARY)
