"""The publication gate: a compiled snapshot is audited; published when the audit finds
nothing, otherwise held back (no page, API or export shows it) and the admins told."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from apps.benchmarking import services
from apps.benchmarking.exports.selectors import export_snapshots
from apps.benchmarking.exports.services import export_request
from apps.benchmarking.models import BenchmarkSnapshot, ExportJob
from apps.benchmarking.periods import period_get_or_create
from apps.benchmarking.selectors import latest_snapshot, snapshot_for, snapshots
from tests.accounts.factories import UserFactory
from tests.benchmarking.conftest import clean_audit, compile_published

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class FakeFinding:
    """A double of ``protection.Finding``."""

    key: tuple[str, str, str, str, str]
    kind: str
    interval: tuple[int, int] | None
    detail: str


FINDING = FakeFinding(
    ("end_goal", "EG1", "country", "PL", "adopting"), "too_narrow", (6, 6), "pinned to all"
)


def failing_audit(snapshot: BenchmarkSnapshot) -> list[FakeFinding]:
    return [FINDING]


@pytest.fixture
def admins(db: None) -> dict[str, Any]:
    return {
        "superuser": UserFactory(email="root@example.org", staff=True),
        "staff": UserFactory(email="staff@example.org", is_staff=True),
        "gone": UserFactory(email="gone@example.org", staff=True, is_active=False),
        "member": UserFactory(email="member@example.org"),
    }


def _held(bench_population: dict[str, Any], capture: Any) -> BenchmarkSnapshot:
    with capture(execute=True):
        return services.snapshot_compile_and_publish(
            period=bench_population["period"], audit=failing_audit
        )


def test_a_clean_audit_publishes(bench_population: dict[str, Any]) -> None:
    snapshot = services.snapshot_compile_and_publish(
        period=bench_population["period"], audit=clean_audit
    )
    assert snapshot.is_published
    assert snapshot.audited_at is not None
    assert snapshot.audit_findings == []
    assert snapshots() == [snapshot]
    assert latest_snapshot() == snapshot
    assert snapshot_for("2026-Q2") == snapshot
    assert list(export_snapshots()) == [snapshot]


def test_the_real_audit_publishes_a_compiled_population(bench_population) -> None:
    """The compile's protection and the audit agree: twelve organisations, two periods."""
    first = services.snapshot_compile_and_publish(period=period_get_or_create("2026-Q1"))
    second = services.snapshot_compile_and_publish(period=bench_population["period"])
    assert first.is_published, first.audit_findings
    assert second.is_published, second.audit_findings
    assert second.cells.filter(suppressed=False).exists()
    assert second.cells.filter(suppressed=True).exists()


def test_a_failing_audit_holds_the_snapshot_back_everywhere(
    client, bench_population, admins, django_capture_on_commit_callbacks
) -> None:
    api_client = APIClient()
    snapshot = _held(bench_population, django_capture_on_commit_callbacks)

    assert not snapshot.is_published
    assert snapshot.audit_findings == [
        {
            "key": ["end_goal", "EG1", "country", "PL", "adopting"],
            "kind": "too_narrow",
            "interval": [6, 6],
            "detail": "pinned to all",
        }
    ]
    assert snapshots() == []
    assert latest_snapshot() is None
    assert snapshot_for("2026-Q2") is None
    assert not export_snapshots().exists()
    assert api_client.get("/api/v1/benchmarks/").json()["results"] == []
    assert api_client.get("/api/v1/benchmarks/2026-Q2/").status_code == 404
    assert client.get("/benchmarks/", {"period": "2026-Q2"}).status_code == 404
    assert "No benchmark has been compiled yet." in client.get("/benchmarks/").content.decode()


def test_the_admins_are_told_what_the_audit_found(
    bench_population, admins, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    snapshot = _held(bench_population, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mailoutbox) == ["root@example.org", "staff@example.org"]
    body = mailoutbox[0].body
    assert "2026-Q2" in mailoutbox[0].subject
    assert "end_goal / EG1 / country / PL / adopting" in body
    assert "[6, 6]: pinned to all" in body
    assert reverse("admin:benchmarking_benchmarksnapshot_change", args=[snapshot.pk]) in body


def test_nobody_is_told_before_the_commit(bench_population, admins, mailoutbox) -> None:
    services.snapshot_compile_and_publish(period=bench_population["period"], audit=failing_audit)
    assert mailoutbox == []


def test_a_snapshot_is_audited_once_after_its_compile(bench_population) -> None:
    calls: list[int] = []

    def counting(snapshot: BenchmarkSnapshot) -> list[FakeFinding]:
        calls.append(snapshot.pk)
        return []

    period = bench_population["period"]
    first = services.snapshot_compile_and_publish(period=period, audit=counting)
    again = services.snapshot_compile_and_publish(period=period, audit=counting)
    assert again == first
    assert calls == [first.pk]


def test_an_earlier_period_is_not_published_after_a_later_one(
    bench_population, admins, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    later = compile_published("2026-Q3")
    with django_capture_on_commit_callbacks(execute=True):
        earlier = services.snapshot_compile_and_publish(
            period=period_get_or_create("2026-Q2"), audit=clean_audit
        )
    assert not earlier.is_published
    assert [f["kind"] for f in earlier.audit_findings] == ["later_published"]
    assert "2026-Q3 is already published" in earlier.audit_findings[0]["detail"]
    assert "2026-Q3 is already published" in mailoutbox[0].body
    assert later.is_published


def test_a_held_snapshot_is_not_exported(bench_population, admins) -> None:
    snapshot = services.snapshot_compile_and_publish(
        period=bench_population["period"], audit=failing_audit
    )
    with pytest.raises(ValidationError, match="not published"):
        export_request(
            requested_by=admins["superuser"], organisation=None, snapshot=snapshot, format="csv"
        )
    assert not ExportJob.objects.exists()


# --- The admin -------------------------------------------------------------------------


def test_the_admin_lists_held_snapshots_with_their_findings(
    client, bench_population, admins, django_capture_on_commit_callbacks
) -> None:
    held = _held(bench_population, django_capture_on_commit_callbacks)
    published = compile_published("2026-Q3")
    client.force_login(admins["superuser"])
    changelist = reverse("admin:benchmarking_benchmarksnapshot_changelist")

    only_held = client.get(changelist, {"published": "held"}).content.decode()
    only_published = client.get(changelist, {"published": "yes"}).content.decode()
    detail = client.get(reverse("admin:benchmarking_benchmarksnapshot_change", args=[held.pk]))

    assert reverse("admin:benchmarking_benchmarksnapshot_change", args=[held.pk]) in only_held
    assert str(published.period) not in only_held
    assert str(published.period) in only_published
    assert "end_goal / EG1 / country / PL / adopting" in detail.content.decode()
    assert "pinned to all" in detail.content.decode()


def _audit_again(client: Any, snapshot: BenchmarkSnapshot) -> Any:
    return client.post(
        reverse("admin:benchmarking_benchmarksnapshot_changelist"),
        {"action": "audit_and_publish", ACTION_CHECKBOX_NAME: [snapshot.pk]},
        follow=True,
    )


def test_the_admin_publishes_only_when_the_audit_is_clean(
    client, bench_population, admins, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    held = _held(bench_population, django_capture_on_commit_callbacks)
    client.force_login(admins["superuser"])

    monkeypatch.setattr(services, "audit_snapshot", failing_audit)
    response = _audit_again(client, held)
    held.refresh_from_db()
    assert not held.is_published
    assert "the audit found 1 problems; not published" in response.content.decode()

    monkeypatch.setattr(services, "audit_snapshot", clean_audit)
    response = _audit_again(client, held)
    held.refresh_from_db()
    assert held.is_published
    assert held.audit_findings == []
    assert "the audit is clean; the snapshot is published" in response.content.decode()
    assert snapshots() == [held]
