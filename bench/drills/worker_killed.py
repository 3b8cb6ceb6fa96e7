"""Worker drill: a Celery worker is killed (SIGKILL) in the middle of an export; after a
restart the export is made exactly once.

    .venv/bin/python -m bench.drills.worker_killed        # or: make drill-worker

A scratch database ``drills_worker`` on the shared PostgreSQL (20 synthetic organisations,
the last ended period compiled), a private Redis as broker (127.0.0.1:56103 by default)
and a Celery worker in its own process. The export is the full aggregate workbook (XLSX,
several seconds to render), requested as a portal admin would. Two kills:

1. the pool process rendering the export: the worker's main process sees it die and,
   with ``task_reject_on_worker_lost``, puts the task back on the queue at once;
2. the whole worker (main process and pool): nothing acknowledges or rejects the task
   (``task_acks_late``), so Redis delivers it again once its visibility timeout has
   passed. The drill runs the worker with ``CELERY_VISIBILITY_TIMEOUT=20`` (seconds;
   the default is an hour), so that a restarted worker gets it back within the drill.

Exactly once: after each kill the job ends done, with one file, one "export ready"
email and one finish time, though the task was delivered twice.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from typing import Any

from ._report import Report, parser, run_drill
from ._stack import DrillFailed, Service, Stack, pool_processes, setup_django

TASK = "apps.benchmarking.exports.tasks.export_report_task"


def request_export(user: Any) -> int:
    """The full aggregate as XLSX (the longest export), queued to the broker."""
    from apps.benchmarking.exports.services import export_request
    from bench.common import ensure_snapshot

    snapshot, _seconds = ensure_snapshot()
    return export_request(requested_by=user, organisation=None, snapshot=snapshot,
                          format="xlsx").pk  # fmt: skip


def job(job_id: int) -> Any:
    from apps.benchmarking.models import ExportJob

    return ExportJob.objects.get(pk=job_id)


def wait_rendering(job_id: int, timeout: float = 60) -> Any:
    """Wait until the job is running and its data is read (40%): it is rendering."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = job(job_id)
        if current.status == "running" and 40 <= current.progress < 100:
            # At once: a fixed wait here (1 s) outlasted the whole rendering once exports
            # got faster, and the drill killed a worker that had already finished.
            return current
        if current.status in ("done", "failed"):
            raise DrillFailed(f"the export ended ({current.status}) before it could be killed")
        time.sleep(0.02)
    raise DrillFailed("the export did not start rendering in time")


def wait_finished(job_id: int, timeout: float) -> float:
    started = time.monotonic()
    while job(job_id).status not in ("done", "failed"):
        if time.monotonic() - started > timeout:
            raise DrillFailed(f"export job {job_id} did not finish within {timeout:.0f} s")
        time.sleep(0.2)
    return time.monotonic() - started


def emails(stack: Stack) -> int:
    """Messages sent so far (the file backend writes one file per connection)."""
    mail = stack.dir / "mail"
    texts = (m.read_text(errors="replace") for m in mail.glob("*")) if mail.exists() else ()
    return sum(text.count("\nSubject: ") for text in texts)


def outcome(stack: Stack, report: Report, phase: str, job_id: int, expected: int) -> dict:
    """What the job left: status, files, emails, deliveries of the task so far."""
    deadline = time.monotonic() + 15  # the email is sent just after the job is marked done
    while emails(stack) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # time for a duplicate email to show, if there were one
    final = job(job_id)
    found = {
        "status": final.status,
        "progress": final.progress,
        "files": len(list((stack.dir / "media").rglob("*.xlsx"))),
        "emails": emails(stack),
        "deliveries": sum(log.read_text(errors="replace").count(" received")
                          for log in stack.dir.glob("worker-*.log")),
        "started_at": final.started_at,
        "finished_at": final.finished_at,
    }  # fmt: skip
    report.data.setdefault("jobs", []).append({"phase": phase, "job": job_id, **found})
    report.figure(f"{phase}: job", f"{final.status} ({final.progress}%)")
    report.figure(f"{phase}: deliveries / files / emails (all jobs so far)",
                  f"{found['deliveries']} / {found['files']} / {found['emails']}")  # fmt: skip
    return found


def check(report: Report, phase: str, found: dict, killed_at: Any, *, expected: int) -> None:
    report.check(f"{phase}: job done", found["status"] == "done", found["status"], "done")
    again = found["started_at"] is not None and found["started_at"] > killed_at
    report.check(f"{phase}: made again after the kill", again,
                 "after" if again else "before", "after the kill")  # fmt: skip
    report.check(f"{phase}: delivered again (all jobs)", found["deliveries"] >= 2 * expected,
                 found["deliveries"], f"≥ {2 * expected}")  # fmt: skip
    report.check(f"{phase}: files (all jobs)", found["files"] == expected, found["files"],
                 expected)  # fmt: skip
    report.check(f"{phase}: emails (all jobs)", found["emails"] == expected, found["emails"],
                 expected)  # fmt: skip


def drill(stack: Stack, report: Report, args: argparse.Namespace) -> None:
    report.step("Scratch database, private Redis, migrations, synthetic data, compile", stack)
    database = stack.scratch_database("drills_worker")
    stack.redis(args.redis_port)
    env = stack.portal_env(
        database_url=database,
        redis_url=f"redis://127.0.0.1:{args.redis_port}/0",
        CELERY_VISIBILITY_TIMEOUT=str(args.visibility_timeout),
    )
    stack.prepare_portal(env, organisations=args.organisations)
    setup_django(env)
    from django.utils import timezone

    from apps.accounts.models import User
    from bench.common import ensure_snapshot

    ensure_snapshot()
    admin = User.objects.create_superuser(email="drill-admin@example.org", password=None)
    worker: Service = stack.celery_worker(env, "worker-1")

    report.step("Kill 1: the pool process rendering the export", stack)
    first = request_export(admin)
    rendering = wait_rendering(first)
    pool = pool_processes(worker)
    killed_at = timezone.now()
    for pid in pool:
        os.kill(pid, signal.SIGKILL)
    report.figure("kill 1: pool process killed at", f"{rendering.progress}% (pids {pool})")
    seconds = wait_finished(first, timeout=90)
    report.figure("kill 1: kill → job done", f"{seconds:.1f} s")
    check(report, "kill 1", outcome(stack, report, "kill 1", first, 1), killed_at, expected=1)

    report.step("Kill 2: the whole worker, then a new one", stack)
    second = request_export(admin)
    rendering = wait_rendering(second)
    killed_at = timezone.now()
    kill_clock = time.monotonic()
    worker.kill()
    report.figure("kill 2: worker killed at", f"{rendering.progress}% (process group {worker.pid})")
    time.sleep(args.restart_after)
    stack.celery_worker(env, "worker-2")
    report.figure("kill 2: worker restarted after", f"{time.monotonic() - kill_clock:.1f} s")
    wait_finished(second, timeout=args.visibility_timeout + 90)
    report.figure("kill 2: kill → job done", f"{time.monotonic() - kill_clock:.1f} s")
    check(report, "kill 2", outcome(stack, report, "kill 2", second, 2), killed_at, expected=2)


def main() -> None:
    options = parser(__doc__, timeout=180)
    options.add_argument("--organisations", type=int, default=20)
    options.add_argument("--redis-port", type=int, default=56103)
    options.add_argument("--visibility-timeout", type=int, default=20,
                         help="CELERY_VISIBILITY_TIMEOUT of the drill, seconds.")  # fmt: skip
    options.add_argument("--restart-after", type=float, default=2,
                         help="Seconds between the kill and the new worker.")  # fmt: skip
    run_drill("worker", "Worker drill: SIGKILL mid-export", drill, options.parse_args())


if __name__ == "__main__":
    main()
