"""Importing adoptions and progress from the file that ``exporters`` writes.

Contract of :func:`import_adoptions`:

1. Read the whole file: CSV or XLSX (detected from the content), at most
   :data:`MAX_BYTES` and :data:`MAX_ROWS` data rows.
2. Check every row against the published roadmap, the metric and barrier
   catalogues, the organisation's members and adoptions, and the other rows,
   collecting one error per problem, such as
   ``"Row 7 (adoptions): target date is before start date"``.
3. If there is any error, change nothing and return the errors.
4. Otherwise write everything in one transaction and return the counts.

Why the services are not called: ``adoption_create`` records an "Adopted the
action." entry and ``progress_entry_create`` applies each entry's status to
the adoption and stamps today's activity. Replaying a file through them would
add history the file does not hold, so exporting the imported organisation
would not give the same file. The import therefore builds the ``Adoption``,
``ProgressEntry``, ``Evidence``, ``MetricValue`` and ``BarrierReport`` rows
itself, after the checks the services make (an action of the published
edition, an owner who is a member, and the rules of :mod:`apps.adoption.rules`:
dates, statuses, percentages, metric values that are not negative, web
addresses, partners) and ``full_clean()`` on every object; it then writes them
with bulk inserts inside ``transaction.atomic()``.

Choices:

- A row of ``adoptions`` for an action the organisation has already adopted is
  refused: an import adds adoptions, it never overwrites one. Rows of
  ``entries`` for such an adoption are accepted and appended, and the
  adoption's status and percent follow them as when progress is logged, unless
  the entry is already recorded (its ``entry_ref`` is the number of one of that
  adoption's entries) or the adoption is read-only.
- ``supersedes_ref`` points to an entry earlier in the same file.
- The ``partners`` of a new adoption are asked, not added: each organisation named gets a
  pending request, through the request service (audited, told by email after the commit),
  and becomes a partner once it accepts. The service's rules apply: an unknown or
  unverified organisation, the importing one itself, or partners of a read-only adoption
  are errors; an organisation named twice is asked once. Entries are written by the
  importing organisation.
- An entry keeps its author when the author's email is a member of the
  organisation; otherwise the importing person becomes the author. An empty
  author stays empty. Entries keep the file's ``entry_date``.
- Values of metrics that are no longer active are accepted: they are history.
- Adoptions marked ``action_removed`` name the edition of their action, which
  must not be the published one.

The steps live in their own modules: this one reads the upload and runs the import;
``import_cells`` reads rows and cells, ``import_lookups`` loads what rows are checked
against, ``import_checks`` turns the rows into a plan or errors, ``import_writes`` stores a plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.exporters import RECORD_TYPE, TabularFileError, detect_format, read_tabular
from apps.organisations.models import Organisation

from .exporters import AdoptionExporter
from .import_cells import Sheets
from .import_checks import ImportPlan
from .import_lookups import Lookups
from .import_writes import write_plan

if TYPE_CHECKING:
    from apps.accounts.models import User

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    adoptions: int = 0
    entries: int = 0
    barriers: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_adoptions(
    *, organisation: Organisation, by: User, fileobj: IO[bytes], format: str = ""
) -> ImportResult:
    """Import the adoptions and progress in ``fileobj`` (``format``: csv, xlsx or "" to detect).

    All or nothing: any invalid row means nothing is stored and every error is returned.
    """
    try:
        sheets = read_upload(fileobj, format)
    except TabularFileError as exc:
        return ImportResult(errors=[str(exc)])
    plan = ImportPlan(organisation=organisation, by=by, lookups=Lookups.load(organisation, sheets))
    plan.check(sheets)
    if plan.errors:
        return ImportResult(errors=plan.errors)
    with transaction.atomic():
        write_plan(plan)
        result = ImportResult(
            adoptions=len(plan.adoptions), entries=len(plan.entries), barriers=len(plan.barriers)
        )
        audit_record(
            actor=by,
            verb="adoptions.imported",
            obj=organisation,
            organisation=organisation,
            after={
                "adoptions": result.adoptions,
                "entries": result.entries,
                "barriers": result.barriers,
            },
        )
    return result


def read_upload(fileobj: IO[bytes], file_format: str = "") -> Sheets:
    """The file's sheets; TabularFileError when it is too large, of another type or unreadable."""
    data = fileobj.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TabularFileError(
            _("The file is larger than %(limit)s MB. Split it into smaller files.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    detected = detect_format(data[:4])
    if file_format and file_format != detected:
        raise TabularFileError(
            _("The file is not in the %(chosen)s format: its content is %(found)s.")
            % {"chosen": file_format.upper(), "found": detected.upper()}
        )
    sheets = read_tabular(
        data, detected, max_rows=MAX_ROWS, skip_sheets=(AdoptionExporter.notes_sheet,)
    )
    if _holds_nul(sheets):
        # No text of the portal holds one, and PostgreSQL refuses it (a 500, not an error list).
        raise TabularFileError(_("The file contains NUL characters: it is not a text export."))
    if "" in sheets and sheets[""][0][:1] != [RECORD_TYPE]:
        raise TabularFileError(
            _("The file has no record_type column. Start from an export of this page.")
        )
    return sheets


def _holds_nul(sheets: Sheets) -> bool:
    return any(
        "\x00" in text
        for name, (header, rows) in sheets.items()
        for text in [name, *header, *(value for row in rows for value in row.values.values())]
    )
