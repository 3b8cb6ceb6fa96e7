"""``manage.py audit_benchmarks [--period P]``: each finding, a summary, non-zero exit."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from apps.benchmarking import services
from apps.benchmarking.models import BenchmarkSnapshot
from tests.benchmarking.conftest import clean_audit, compile_published
from tests.benchmarking.test_publication import FINDING, FakeFinding

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit_benchmarks", *args, stdout=out)
    return out.getvalue()


def test_a_clean_snapshot_passes(bench_population, monkeypatch) -> None:
    compile_published("2026-Q2")
    monkeypatch.setattr(services, "audit_snapshot", clean_audit)
    out = _run("--period", "2026-Q2")
    assert "2026-Q2 (published): 0 finding(s)" in out
    assert "1 snapshot(s) audited, 0 finding(s)." in out


def test_each_finding_is_printed_and_the_exit_status_is_not_zero(
    bench_population, monkeypatch
) -> None:
    snapshot = compile_published("2026-Q2")
    other = FakeFinding(
        ("population", "", "region", "cee", "organisations"), "attribute", None, "n"
    )
    monkeypatch.setattr(services, "audit_snapshot", lambda s: [FINDING, other])
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 snapshot\(s\) audited, 2 finding\(s\)\."):
        call_command("audit_benchmarks", "--period", "2026-q2", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "2026-Q2 (published): 2 finding(s)",
        "  end_goal / EG1 / country / PL / adopting: too_narrow [6, 6]: pinned to all",
        "  population /  / region / cee / organisations: attribute: n",
    ]
    snapshot.refresh_from_db()
    assert snapshot.is_published  # the command reports; it changes nothing
    assert snapshot.audit_findings == []


def test_without_a_period_every_snapshot_is_audited_oldest_first(
    bench_population, monkeypatch
) -> None:
    compile_published("2026-Q2")
    compile_published("2026-Q3")
    audited: list[str] = []

    def audit(snapshot: BenchmarkSnapshot) -> list[FakeFinding]:
        audited.append(snapshot.period.label)
        return [FINDING] if snapshot.period.label == "2026-Q3" else []

    monkeypatch.setattr(services, "audit_snapshot", audit)
    with pytest.raises(CommandError, match=r"2 snapshot\(s\) audited, 1 finding\(s\)"):
        _run()
    assert audited == ["2026-Q2", "2026-Q3"]


def test_the_real_audit_finds_nothing_in_a_compiled_snapshot(bench_population) -> None:
    services.snapshot_compile_and_publish(period=bench_population["period"])
    out = _run("--period", "2026-Q2")
    assert "2026-Q2 (published): 0 finding(s)" in out


def test_an_unknown_period_is_an_error(db) -> None:
    with pytest.raises(CommandError, match="No snapshot has been compiled for 2031-Q1"):
        _run("--period", "2031-Q1")
