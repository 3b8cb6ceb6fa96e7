"""Writes about benchmarks: compiling snapshots for closed periods, and the publication gate.

A compiled snapshot is audited (``protection.audit_snapshot``: the interval a reader can
infer for every withheld figure from everything published, and the attribute rules); it
is published only when the audit finds nothing. A snapshot that fails stays unpublished
(no page, API or export shows it: they read ``BenchmarkSnapshot.objects.published()``)
and the portal admins (active staff and superusers) are told by email.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone

from apps.adoption.models import ProgressEntry
from apps.core.emails import send_templated_email
from apps.roadmap.signals import announce_content_changed

from .compile import compile_snapshot
from .models import BenchmarkSnapshot, ReportingPeriod
from .periods import closed_periods
from .protection import audit_snapshot

Audit = Callable[[BenchmarkSnapshot], Sequence[Any]]
# How many findings the admins' email lists; the admin page shows them all.
EMAIL_FINDINGS = 20


# The finding that holds back a clean snapshot when a later period's is already public.
LATER_PUBLISHED = "later_published"


def compile_closed_periods(
    *, today: dt.date | None = None, audit: Audit | None = None
) -> list[BenchmarkSnapshot]:
    """Compile every ended period since the first progress entry that has no snapshot, and
    audit every snapshot never audited (publishing it or holding it back).

    Idempotent: periods compiled and audited before are returned untouched.
    """
    first = ProgressEntry.objects.aggregate(first=Min("entry_date"))["first"]
    if first is None:
        return []
    today = today or timezone.localdate()
    return [
        snapshot_compile_and_publish(period=p, audit=audit)
        for p in closed_periods(since=first, today=today)
    ]


def snapshot_compile_and_publish(
    *, period: ReportingPeriod, audit: Audit | None = None
) -> BenchmarkSnapshot:
    """The period's snapshot, compiled if it has none, then audited if it never was:
    published when the audit is clean, held back (and the admins told) otherwise."""
    snapshot = compile_snapshot(period=period)
    if snapshot.audited_at is None:
        snapshot_audit(snapshot=snapshot, audit=audit)
        snapshot.refresh_from_db()
    return snapshot


def finding_as_dict(finding: Any) -> dict[str, Any]:
    """A finding of the audit as stored in ``audit_findings`` (JSON): its cell key, kind,
    inferred interval and detail."""
    is_instance = dataclasses.is_dataclass(finding) and not isinstance(finding, type)
    data = dataclasses.asdict(finding) if is_instance else vars(finding)
    return {
        "key": list(data.get("key") or ()),
        "kind": str(data.get("kind", "")),
        "interval": list(data["interval"]) if data.get("interval") is not None else None,
        "detail": str(data.get("detail", "")),
    }


def finding_text(finding: dict[str, Any]) -> str:
    """One finding on one line: the cell, the kind, the interval and the detail."""
    cell = " / ".join(str(part) for part in finding["key"]) or "snapshot"
    interval = finding["interval"]
    bounds = f" [{interval[0]}, {interval[1]}]" if interval else ""
    return f"{cell}: {finding['kind']}{bounds}: {finding['detail']}"


def snapshot_findings(
    *, snapshot: BenchmarkSnapshot, audit: Audit | None = None
) -> list[dict[str, Any]]:
    """What the audit finds in the snapshot now, as stored (see :func:`finding_as_dict`).
    Writes nothing. ``audit`` is ``protection.audit_snapshot`` unless given."""
    return [finding_as_dict(f) for f in (audit or audit_snapshot)(snapshot)]


def snapshot_audit(
    *, snapshot: BenchmarkSnapshot, audit: Audit | None = None
) -> list[dict[str, Any]]:
    """Audit the snapshot now and record what was found. A clean snapshot is published
    (if it is not yet); findings on an unpublished one are sent to the portal admins once
    the transaction commits. Returns the findings.

    An unpublished snapshot is also held back when a later period's snapshot is already
    published (finding ``later_published``): that one was protected without knowing this
    one, so publishing it now could narrow what readers infer there."""
    with transaction.atomic():
        snapshot = BenchmarkSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        findings = snapshot_findings(snapshot=snapshot, audit=audit)
        if not snapshot.is_published:
            findings += _later_published_findings(snapshot)
        now = timezone.now()
        snapshot.audited_at = now
        snapshot.audit_findings = findings
        fields = ["audited_at", "audit_findings"]
        if not snapshot.is_published and not findings:
            snapshot.published_at = now
            fields.append("published_at")
            # The public action pages show each action's uptake from the latest snapshot.
            announce_content_changed(sender=BenchmarkSnapshot, edition=None)
        snapshot.save(update_fields=fields)
        if findings and not snapshot.is_published:
            pk = snapshot.pk
            transaction.on_commit(lambda: snapshot_held_notify(snapshot_id=pk), robust=True)
    return findings


def _later_published_findings(snapshot: BenchmarkSnapshot) -> list[dict[str, Any]]:
    later = later_published(snapshot).values_list("period__label", flat=True)
    return [
        {
            "key": [],
            "kind": LATER_PUBLISHED,
            "interval": None,
            "detail": f"{label} is already published, and was protected without this period",
        }
        for label in later
    ]


def later_published(snapshot: BenchmarkSnapshot) -> Any:
    """Published snapshots of periods after this one's."""
    return BenchmarkSnapshot.objects.published().filter(
        period__starts_on__gt=snapshot.period.starts_on
    )


def portal_admin_emails() -> list[str]:
    """The addresses of the portal admins: active staff and superusers."""
    users = get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True))
    return list(users.filter(is_active=True).exclude(email="").values_list("email", flat=True))


def snapshot_held_notify(*, snapshot_id: int) -> int:
    """Tell the portal admins that a snapshot was held back, with what its audit found."""
    snapshot = BenchmarkSnapshot.objects.select_related("period").get(pk=snapshot_id)
    findings = snapshot.audit_findings
    return send_templated_email(
        to=portal_admin_emails(),
        template="benchmark_snapshot_held",
        context={
            "snapshot": snapshot,
            "period": snapshot.period,
            "findings": [finding_text(f) for f in findings[:EMAIL_FINDINGS]],
            "more": max(0, len(findings) - EMAIL_FINDINGS),
            "count": len(findings),
            "path": reverse("admin:benchmarking_benchmarksnapshot_change", args=[snapshot.pk]),
        },
    )
