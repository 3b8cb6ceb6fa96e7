"""The organisation's adoptions and progress, as a file that can be imported again.

Three sheets (in CSV: three ``record_type`` values in one file, see
``apps.core.exporters``):

- ``adoptions``: one row per adoption, keyed by action code and edition;
- ``entries``: one row per progress entry, every version (corrections
  included), in the order they were recorded. ``entry_ref`` is the entry's
  number in this portal and ``supersedes_ref`` the number of the entry it
  corrects, so correction chains survive the round trip. Metric values have one
  column per metric of the catalogue (``metric:<code>``, catalogue order, active
  or not, so columns are stable); evidence links are one per line;
- ``barriers``: one row per barrier met by an entry. A sheet rather than lines
  in a cell, because notes may span several lines.

Uploaded evidence files are not exported; their links are, and the notes sheet
says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.exporters import Cell, Note, Percent, Sheet, TabularExporter
from apps.organisations.models import Organisation
from apps.organisations.permissions import Perm

from ..models import (
    Adoption,
    AdoptionStatus,
    BarrierReport,
    Evidence,
    Metric,
    ProgressEntry,
)
from ..partnerships.querysets import accepted_partner_slugs, prefetch_accepted_partnerships

ADOPTIONS = "adoptions"
ENTRIES = "entries"
BARRIERS = "barriers"
SHEET_NAMES = (ADOPTIONS, ENTRIES, BARRIERS)
METRIC_PREFIX = "metric:"
CHUNK_SIZE = 1000

ADOPTION_COLUMNS: list[tuple[str, str | Promise]] = [
    ("action_code", gettext_lazy("Code of the adopted action, such as A2.1.3.")),
    (
        "edition",
        gettext_lazy(
            "Version label of the roadmap edition of the action. Empty means the published edition."
        ),
    ),
    ("status", gettext_lazy("One of the status codes listed below.")),
    ("urgent", gettext_lazy("yes or no.")),
    ("important", gettext_lazy("yes or no.")),
    ("owner_email", gettext_lazy("Email address of the member who owns the adoption, or empty.")),
    ("start_date", gettext_lazy("A date as YYYY-MM-DD, or empty.")),
    ("target_date", gettext_lazy("A date as YYYY-MM-DD, not before the start date, or empty.")),
    ("notes", gettext_lazy("Free text.")),
    (
        "partners",
        gettext_lazy(
            "Short names of the organisations acting on the adoption with you (partners who "
            "accepted), one per line, or empty. On import, each verified organisation named "
            "is asked to act on the new adoption with you; it becomes a partner once it accepts."
        ),
    ),
    ("percent_complete", gettext_lazy("A whole number from 0 to 100.")),
    (
        "action_removed",
        gettext_lazy("yes when the action was removed from the roadmap (read-only adoption)."),
    ),
]

ENTRY_COLUMNS: list[tuple[str, str | Promise]] = [
    (
        "entry_ref",
        gettext_lazy(
            "A reference unique in the file (exports use the entry's number). Needed only "
            "when a correction or a barrier points to the entry."
        ),
    ),
    (
        "supersedes_ref",
        gettext_lazy("The entry_ref of an earlier entry that this one corrects, or empty."),
    ),
    (
        "action_code",
        gettext_lazy(
            "The action of the entry's adoption: in the adoptions rows, or already adopted."
        ),
    ),
    ("edition", gettext_lazy("As for adoptions.")),
    ("entry_date", gettext_lazy("A date as YYYY-MM-DD, not in the future.")),
    ("narrative", gettext_lazy("What was done.")),
    ("status_from", gettext_lazy("The status before the entry, or empty.")),
    ("status_to", gettext_lazy("The status the entry sets, or empty.")),
    ("percent_complete", gettext_lazy("A whole number from 0 to 100, or empty.")),
    (
        "author_email",
        gettext_lazy(
            "Email address of the author. An author who is not a member is replaced by you."
        ),
    ),
    (
        "evidence_links",
        gettext_lazy("Web addresses (http or https), one per line. Uploaded files are not copied."),
    ),
    (
        METRIC_PREFIX + "<code>",
        gettext_lazy(
            "One column per metric of the catalogue: a number, not negative, with at most "
            "two decimals, or empty."
        ),
    ),
]

BARRIER_COLUMNS: list[tuple[str, str | Promise]] = [
    ("entry_ref", gettext_lazy("The entry_ref of the entry that met the barrier.")),
    ("category", gettext_lazy("The code of the barrier category, listed below.")),
    ("note", gettext_lazy("Free text, or empty.")),
]

ADOPTION_HEADER = [name for name, _help in ADOPTION_COLUMNS]
ENTRY_BASE_HEADER = [name for name, _help in ENTRY_COLUMNS[:-1]]
BARRIER_HEADER = [name for name, _help in BARRIER_COLUMNS]


def metric_catalogue() -> list[tuple[int, str]]:
    """``(id, slug)`` of every metric, in catalogue order: the stable metric columns."""
    return list(Metric.objects.order_by("order", "name", "slug").values_list("pk", "slug"))


def entry_header(metric_slugs: list[str]) -> list[str]:
    return [*ENTRY_BASE_HEADER, *(METRIC_PREFIX + slug for slug in metric_slugs)]


def _lines(values: list[str]) -> str:
    return "\n".join(values)


class AdoptionExporter(TabularExporter):
    """Adoptions, progress entries and barriers of one organisation."""

    identifier = "adoptions"
    verbose_name = gettext_lazy("Adoptions and progress")
    permission = Perm.ADOPTION_VIEW

    def __init__(self, *, organisation: Organisation) -> None:
        self.organisation = organisation

    def filename_stem(self) -> str:
        return f"{self.organisation.slug}-adoptions-{timezone.localdate().isoformat()}"

    def sheets(self) -> Iterator[Sheet]:
        metrics = metric_catalogue()
        yield Sheet(ADOPTIONS, ADOPTION_HEADER, self.adoption_rows())
        yield Sheet(ENTRIES, entry_header([s for _pk, s in metrics]), self.entry_rows(metrics))
        yield Sheet(BARRIERS, BARRIER_HEADER, self.barrier_rows())

    def notes(self) -> list[Note]:
        columns = [
            (f"{sheet}: {name}", str(meaning))
            for sheet, described in (
                (ADOPTIONS, ADOPTION_COLUMNS),
                (ENTRIES, ENTRY_COLUMNS),
                (BARRIERS, BARRIER_COLUMNS),
            )
            for name, meaning in described
        ]
        return [
            _("Adoptions and progress of %(name)s, exported on %(date)s.")
            % {"name": self.organisation.name, "date": timezone.localdate().isoformat()},
            _(
                "Sheets: adoptions (one row per adopted action), entries (every version of "
                "every progress entry, in the order recorded) and barriers (barriers met, "
                "per entry)."
            ),
            _(
                "Uploaded evidence files are not exported: only evidence links are. Keep "
                "your files, or download them from the portal."
            ),
            _(
                "Text that a spreadsheet would take for a formula (starting with =, +, -, @) "
                "begins with an apostrophe; the import removes it."
            ),
            _(
                "Status codes: %(codes)s. Import this file into an organisation on the "
                "portal from its Import page; a file with any invalid row changes nothing."
            )
            % {"codes": ", ".join(AdoptionStatus.values)},
            _(
                "In this workbook numbers, percentages and dates are cells of their kind (a "
                "percentage is a fraction in a percent format); the import reads them back "
                "as written. The columns of each sheet follow."
            ),
            *columns,
        ]

    def adoption_rows(self) -> Iterator[list[Cell]]:
        adoptions = (
            Adoption.objects.for_organisation(self.organisation)
            .select_related("action__edition", "owner")
            .prefetch_related(prefetch_accepted_partnerships())
            .order_by("action__code", "action__edition__version_label")
        )
        for adoption in adoptions.iterator(chunk_size=CHUNK_SIZE):
            yield [
                adoption.action.code,
                adoption.action.edition.version_label,
                adoption.status,
                adoption.is_urgent,
                adoption.is_important,
                adoption.owner.email if adoption.owner else "",
                adoption.start_date,
                adoption.target_date,
                adoption.notes,
                _lines(accepted_partner_slugs(adoption)),
                Percent(adoption.percent_complete, places=0),
                adoption.action_removed,
            ]

    def entry_rows(self, metrics: list[tuple[int, str]]) -> Iterator[list[Cell]]:
        entries = (
            ProgressEntry.objects.filter(adoption__organisation=self.organisation)
            .select_related("adoption__action__edition", "author")
            .prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.exclude(url="").order_by("pk")),
                "metrics",
            )
            .order_by("adoption__action__code", "adoption__action__edition__version_label", "pk")
        )
        for entry in entries.iterator(chunk_size=CHUNK_SIZE):
            values = {value.metric_id: value.value for value in entry.metrics.all()}
            yield [
                entry.pk,
                entry.supersedes_id,
                entry.adoption.action.code,
                entry.adoption.action.edition.version_label,
                entry.entry_date,
                entry.narrative,
                entry.status_from,
                entry.status_to,
                None
                if entry.percent_complete is None
                else Percent(entry.percent_complete, places=0),
                entry.author.email if entry.author else "",
                _lines([evidence.url for evidence in entry.evidence.all()]),
                *(values.get(pk) for pk, _slug in metrics),
            ]

    def barrier_rows(self) -> Iterator[list[Cell]]:
        barriers = (
            BarrierReport.objects.filter(entry__adoption__organisation=self.organisation)
            .select_related("category")
            .order_by(
                "entry__adoption__action__code",
                "entry__adoption__action__edition__version_label",
                "entry_id",
                "pk",
            )
        )
        for barrier in barriers.iterator(chunk_size=CHUNK_SIZE):
            yield [barrier.entry_id, barrier.category.slug, barrier.note]
