"""Redis drill: with Redis stopped the pages keep working and exports say that they are
queued; once Redis is back, the portal recovers and the queued exports are made.

    .venv/bin/python -m bench.drills.redis_stopped        # or: make drill-redis

gunicorn (2 workers) on a scratch database ``drills_redis`` of the shared PostgreSQL, with
a private Redis (127.0.0.1:56102 by default; never the shared one) as cache and broker.
Three phases, each visiting the home page, the roadmap, sign-in, an organisation's
dashboard, benchmark and export pages as its admin, and ``/healthz``:

1. Redis up: everything answers 200.
2. Redis stopped: every page still answers 200; ``/healthz`` answers 503 naming Redis;
   an export asked for on the page and one through the API are accepted with the message
   that they will run when the task queue is back, and their job rows wait in that state.
3. Redis started again and a worker up: the pages answer 200, the hourly clean-up task
   (``export_cleanup_task``, which beat sends at :15) sends the waiting exports, each is
   made once and can be downloaded, and a new export goes through the queue at once.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from ._http import Client
from ._report import Report, parser, run_drill
from ._stack import DrillFailed, Service, Stack, port_open, setup_django

PASSWORD = "drill-password-2026"
QUEUED_TEXT = "will run when the task queue is back"


def prepare(slug: str) -> dict[str, Any]:
    """A compiled benchmark, and the organisation's admin with a password and a token."""
    from rest_framework.authtoken.models import Token

    from apps.organisations.models import Membership
    from bench.common import ensure_snapshot

    snapshot, seconds = ensure_snapshot()
    user = Membership.objects.get(organisation__slug=slug, role="admin").user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    token = Token.objects.get_or_create(user=user)[0].key
    return {"email": user.email, "token": token, "period": snapshot.period.label,
            "compile_seconds": seconds}  # fmt: skip


def visit(base: str, slug: str, email: str) -> list[tuple[str, int, float, str]]:
    """Each page: (page, status, seconds, note). A fresh browser signs in."""
    visitor, member = Client(base), Client(base)
    rows = []
    for page, path in (("home", "/"), ("roadmap", "/roadmap/")):
        reply = visitor.get(path)
        rows.append((page, reply.status, reply.seconds, ""))
    signed_in = member.sign_in(email, PASSWORD)
    landed = "signed in" if "/account/login/" not in signed_in.url else "still on sign-in"
    rows.append(("sign in", signed_in.status, signed_in.seconds, landed))
    for page, path in (
        ("organisation dashboard", f"/o/{slug}/"),
        ("benchmark", f"/o/{slug}/benchmark/"),
        ("export page", f"/o/{slug}/benchmark/exports/"),
    ):
        reply = member.get(path)
        rows.append((page, reply.status, reply.seconds, ""))
    health = visitor.get("/healthz")
    checks = health.json()["checks"] if health.status in (200, 503) else {}
    down = ", ".join(f"{k} {v}" for k, v in checks.items() if v != "ok") or "all ok"
    rows.append(("/healthz", health.status, health.seconds, down))
    return rows


def check_pages(report: Report, phase: str, rows: list[tuple[str, int, float, str]]) -> None:
    for page, status, seconds, note in rows:
        report.data.setdefault("pages", []).append(
            {"phase": phase, "page": page, "status": status, "seconds": round(seconds, 3)}
        )
        if page == "/healthz":
            continue
        ok = status == 200 and note in ("", "signed in")
        report.check(f"{phase}: {page}", ok, f"{status} {note}".strip(), 200)
    slowest = max(rows[:-1], key=lambda row: row[2])
    errors = sum(1 for row in rows[:-1] if row[1] != 200)
    health = f"/healthz {rows[-1][1]} ({rows[-1][3]})"
    report.figure(f"{phase}: pages", f"{len(rows) - 1}, errors {errors}, slowest "
                  f"{slowest[0]} {slowest[2]:.2f} s; {health}")  # fmt: skip


def jobs() -> list[Any]:
    from apps.benchmarking.models import ExportJob

    return list(ExportJob.objects.order_by("pk"))


def wait_done(count: int, timeout: float) -> float:
    """Seconds until ``count`` export jobs are done (or failed)."""
    from apps.benchmarking.models import ExportJob

    started = time.monotonic()
    finished = ExportJob.objects.filter(status__in=["done", "failed"])
    while finished.count() < count:
        if time.monotonic() - started > timeout:
            raise DrillFailed(f"the exports were not made within {timeout:.0f} s")
        time.sleep(0.5)
    return time.monotonic() - started


def request_exports(report: Report, site: dict[str, Any]) -> None:
    """An export on the page (PDF) and through the API (CSV), with Redis stopped."""
    member = Client(site["base"])
    member.sign_in(site["email"], PASSWORD)
    member.get(f"/o/{site['slug']}/benchmark/exports/")
    page = member.post_form(
        f"/o/{site['slug']}/benchmark/exports/", {"period": site["period"], "format": "pdf"}
    )
    said = "says queued" if QUEUED_TEXT in page.text else "no queued message"
    report.figure("export on the page", f"{page.status} in {page.seconds:.2f} s, {said}")
    report.check("Redis stopped: export page says queued", page.status == 200
                 and QUEUED_TEXT in page.text, f"{page.status}, {said}", "200, queued")  # fmt: skip
    api = Client(site["base"], token=site["token"]).post_json(
        f"/api/v1/organisations/{site['slug']}/exports/",
        {"period": site["period"], "format": "csv"},
    )
    detail = api.json().get("detail", "") if api.status == 202 else api.text[:80]
    report.figure("export through the API", f"{api.status} in {api.seconds:.2f} s: {detail}")
    report.check("Redis stopped: export API says queued", api.status == 202
                 and QUEUED_TEXT in detail, f"{api.status}", "202, queued")  # fmt: skip
    from apps.benchmarking.exports.selectors import export_waits_for_queue

    waiting = [job for job in jobs() if export_waits_for_queue(job)]
    report.check("Redis stopped: job rows wait for the queue", len(waiting) == 2,
                 len(waiting), 2)  # fmt: skip


def recover(
    stack: Stack, report: Report, args: argparse.Namespace, env: dict, site: dict[str, Any]
) -> None:
    from apps.benchmarking.exports.tasks import export_cleanup_task
    from apps.core.tasks import heartbeat_task

    started = time.monotonic()
    stack.redis(args.redis_port)
    check_pages(report, "Redis back", visit(site["base"], site["slug"], site["email"]))
    stack.celery_worker(env)
    heartbeat_task.delay()
    export_cleanup_task.delay()  # what beat sends every hour
    seconds = wait_done(2, timeout=90)
    report.figure("waiting exports made after the clean-up task", f"{seconds:.1f} s")
    api = Client(site["base"], token=site["token"]).post_json(
        f"/api/v1/organisations/{site['slug']}/exports/",
        {"period": site["period"], "format": "xlsx"},
    )
    report.check("Redis back: a new export is accepted", api.status == 202, api.status, 202)
    wait_done(3, timeout=60)
    report.figure("Redis start → all three exports made", f"{time.monotonic() - started:.1f} s")
    downloads = [Client(site["base"], token=site["token"]).get(
        f"/api/v1/organisations/{site['slug']}/exports/{job.pk}/") for job in jobs()]  # fmt: skip
    files = sorted(p.name for p in (stack.dir / "media").rglob("*") if p.is_file())
    mails = list((stack.dir / "mail").glob("*")) if (stack.dir / "mail").exists() else []
    statuses = [f"{job.format} {job.status}" for job in jobs()]
    report.figure("export jobs", ", ".join(statuses))
    fetched = sum(d.status == 200 for d in downloads)
    report.figure("files / emails / downloads (200)", f"{len(files)} / {len(mails)} / {fetched}")
    report.check("Redis back: every export done", all(j.status == "done" for j in jobs()),
                 ", ".join(statuses), "3 done")  # fmt: skip
    report.check("Redis back: one file per export", len(files) == 3, len(files), 3)
    report.check("Redis back: every file downloads", [d.status for d in downloads] == [200] * 3,
                 [d.status for d in downloads], [200] * 3)  # fmt: skip
    health = Client(site["base"]).get("/healthz")
    report.figure("/healthz after recovery", f"{health.status} {health.text.strip()}")
    report.check("Redis back: /healthz", health.status == 200, health.status, 200)


def drill(stack: Stack, report: Report, args: argparse.Namespace) -> None:
    report.step("Scratch database, private Redis, migrations, synthetic data, compile", stack)
    database = stack.scratch_database("drills_redis")
    redis: Service = stack.redis(args.redis_port)
    env = stack.portal_env(
        database_url=database, redis_url=f"redis://127.0.0.1:{args.redis_port}/0"
    )
    stack.prepare_portal(env, organisations=args.organisations)
    setup_django(env)
    from django.db import connections

    site = {**prepare(args.slug), "slug": args.slug, "base": f"http://127.0.0.1:{args.port}"}
    connections.close_all()
    stack.gunicorn(args.port, env)

    report.step("Phase 1: Redis up", stack)
    check_pages(report, "Redis up", visit(site["base"], site["slug"], site["email"]))
    report.step("Phase 2: Redis stopped", stack)
    redis.stop()
    report.check("Redis is stopped", not port_open(args.redis_port), "stopped", "stopped")
    rows = visit(site["base"], site["slug"], site["email"])
    check_pages(report, "Redis stopped", rows)
    health = f"{rows[-1][1]} {rows[-1][3]}"
    report.check("Redis stopped: /healthz names Redis", health.startswith("503")
                 and "redis down" in health, health, "503 redis down")  # fmt: skip
    request_exports(report, site)
    report.step("Phase 3: Redis started again, a worker", stack)
    recover(stack, report, args, env, site)
    errors = stack.server_errors()
    report.figure("errors in gunicorn's log", errors)
    report.check("server errors (gunicorn log)", errors == 0, errors, 0)
    connections.close_all()


def main() -> None:
    options = parser(__doc__, timeout=180)
    options.add_argument("--organisations", type=int, default=20)
    options.add_argument("--slug", default="syn-00001")
    options.add_argument("--port", type=int, default=18102, help="gunicorn")
    options.add_argument("--redis-port", type=int, default=56102)
    run_drill("redis", "Redis drill: Redis stopped and started again", drill, options.parse_args())


if __name__ == "__main__":
    main()
