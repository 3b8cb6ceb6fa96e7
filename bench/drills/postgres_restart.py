"""PostgreSQL drill: the database restarts under light load; the portal recovers by itself
(no gunicorn restart) within seconds, and no acknowledged write is lost.

    .venv/bin/python -m bench.drills.postgres_restart        # or: make drill-postgres

A private PostgreSQL 15 cluster (``initdb`` in a temporary directory as the ``postgres``
OS user, 127.0.0.1:55432 by default; the shared server is never touched), migrated and
seeded with a few synthetic organisations, behind gunicorn (2 workers, the portal's
database settings: persistent connections with health checks). Two client threads, one
reading an adoption's progress log and one logging progress, each about four requests a
second with an API token, run for a few seconds; then ``pg_ctl restart -m fast``, then
the load goes on. Recovery time: from the restart command to the first successful
request after the last failed one. The drill fails if that takes over 10 s, if any
request fails outside the restart, or if an entry the API acknowledged is missing.
"""

from __future__ import annotations

import argparse
import collections
import threading
import time
from dataclasses import dataclass, field

from ._http import Client
from ._report import Report, parser, run_drill
from ._stack import DrillFailed, Stack, setup_django

RECOVERY_BUDGET = 10.0


@dataclass
class Record:
    kind: str
    started: float
    seconds: float
    status: int
    error: str = ""
    entry: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in (200, 201)


@dataclass
class Load:
    """Readers and writers, each one request every ``interval`` seconds, until stopped."""

    base: str
    token: str
    path: str
    interval: float
    records: list[Record] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.run, args=(kind,), daemon=True)
                   for kind in ("read", "write")]  # fmt: skip
        for thread in threads:
            thread.start()
        return threads

    def run(self, kind: str) -> None:
        client = Client(self.base, token=self.token, timeout=30)
        n = 0
        while not self.stopping.is_set():
            n += 1
            started = time.monotonic()
            if kind == "read":
                reply = client.get(self.path)
            else:
                body = {"narrative": f"PostgreSQL drill entry {n}", "percent_complete": n % 101}
                reply = client.post_json(self.path, body)
            entry = reply.json()["id"] if reply.status == 201 else None
            record = Record(kind, started, reply.seconds, reply.status, reply.error, entry)
            self.records.append(record)
            self.stopping.wait(max(0.0, self.interval - (time.monotonic() - started)))


def warm_up(load: Load, timeout: float = 60) -> float:
    """Wait until the load flows: each gunicorn worker's first requests load the code and
    can take seconds on a busy machine; a restart then would meet no request at all."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        recent = load.records[-6:]
        fast = [r for r in recent if r.ok and r.seconds < 1]
        if len(fast) == 6:
            return time.monotonic()
        time.sleep(0.2)
    raise DrillFailed("the portal did not answer quickly enough before the restart")


def identity(slug: str) -> tuple[str, str]:
    """An admin's API token, and the progress log of one of the organisation's adoptions."""
    from rest_framework.authtoken.models import Token

    from apps.adoption.models import Adoption
    from apps.organisations.models import Membership

    member = Membership.objects.select_related("organisation").get(
        organisation__slug=slug, role="admin"
    )
    adoption = Adoption.objects.for_organisation(member.organisation).filter(action_removed=False)[
        0
    ]
    token = Token.objects.get_or_create(user_id=member.user_id)[0].key
    return token, f"/api/v1/organisations/{slug}/adoptions/{adoption.pk}/progress/"


def recovery(records: list[Record], warm: float, restart: float) -> dict:
    """The outage as the clients saw it (once warmed up), in seconds from the restart."""
    records = [r for r in records if r.started >= warm]
    failed = [r for r in records if not r.ok]
    last_failure = max((r.started for r in failed), default=None)
    after = [r for r in records if r.ok and r.started >= (last_failure or restart)]
    recovered = min((r.started for r in after), default=None)
    kinds = collections.Counter(f"{r.kind} {r.status or r.error}" for r in failed)
    return {
        "failed": len(failed),
        "failed_before_restart": sum(1 for r in failed if r.started < restart - 0.5),
        "failures": dict(kinds),
        "first_failure": min((r.started for r in failed), default=restart) - restart,
        "last_failure": (last_failure - restart) if last_failure else None,
        "recovered_after": (recovered - restart) if recovered else None,
        "succeeded_after_recovery": len(after),
        "before_restart": sum(1 for r in records if r.started < restart),
    }


def drill(stack: Stack, report: Report, args: argparse.Namespace) -> None:
    report.step(f"Private PostgreSQL on {args.pg_port}, migrations, synthetic data", stack)
    cluster = stack.private_postgres(args.pg_port)
    env = stack.portal_env(database_url=cluster.url("portal"))
    stack.prepare_portal(env, organisations=args.organisations)
    setup_django(env)
    from django.conf import settings
    from django.db import connections

    from apps.adoption.models import ProgressEntry

    database = settings.DATABASES["default"]
    report.figure("gunicorn's database settings", f"CONN_MAX_AGE {database['CONN_MAX_AGE']}, "
                  f"CONN_HEALTH_CHECKS {database['CONN_HEALTH_CHECKS']}")  # fmt: skip
    token, path = identity(args.slug)
    before = ProgressEntry.objects.count()
    connections.close_all()  # the drill's own connection must not be the one that matters
    base = f"http://127.0.0.1:{args.port}"
    stack.gunicorn(args.port, env)

    load = Load(base, token, path, interval=1 / args.rate)
    report.step(f"Load: {args.rate} reads/s and {args.rate} writes/s for {args.before} s", stack)
    threads = load.start()
    warm = warm_up(load)
    time.sleep(args.before)
    report.step("pg_ctl restart -m fast", stack)
    restart = time.monotonic()
    cluster.restart()
    restart_seconds = time.monotonic() - restart
    time.sleep(max(0.0, args.after - restart_seconds))
    load.stopping.set()
    for thread in threads:
        thread.join(timeout=15)

    outage = recovery(load.records, warm, restart)
    warming = [r for r in load.records if r.started < warm]
    acknowledged = [r.entry for r in load.records if r.entry is not None]
    found = ProgressEntry.objects.filter(pk__in=acknowledged).count()
    added = ProgressEntry.objects.count() - before
    connections.close_all()
    report.data["outage"] = outage
    report.data["timeline"] = [  # seconds from the restart command, kind, answer
        [round(r.started - restart, 2), r.kind, r.status or r.error] for r in load.records
    ]
    measured = [r for r in load.records if r.started >= warm]
    report.figure("requests", f"{len(measured)} ({sum(r.ok for r in measured)} ok) over "
                  f"{args.before + args.after:.0f} s")  # fmt: skip
    report.figure("warm-up requests (not counted) / failed",
                  f"{len(warming)} / {sum(not r.ok for r in warming)}")  # fmt: skip
    report.figure("pg_ctl restart took", f"{restart_seconds:.1f} s")
    during = sum(1 for r in load.records if restart <= r.started <= restart + restart_seconds)
    report.figure("requests started while pg_ctl restart ran", during)
    report.figure("failed requests", f"{outage['failed']} {outage['failures'] or ''}".strip())
    if outage["failed"]:
        span = f"{outage['first_failure']:+.1f} / {outage['last_failure']:+.1f}"
        report.figure("failures from / to (s after the restart command)", span)
    recovered = outage["recovered_after"]
    report.figure("recovered after", f"{recovered:.1f} s" if recovered is not None else "never")
    report.figure("writes acknowledged (201) / found / entries added",
                  f"{len(acknowledged)} / {found} / {added}")  # fmt: skip
    # Stored but answered with an error (the connection died after the commit): not lost,
    # but a client that retries would log it twice.
    report.figure("writes stored without a 201", added - found)
    report.check("recovered without restarting gunicorn", recovered is not None
                 and recovered <= args.budget, recovered and round(recovered, 1),
                 f"≤ {args.budget:.0f} s")  # fmt: skip
    report.check("requests before the restart", outage["before_restart"] >= 10,
                 outage["before_restart"], "≥ 10")  # fmt: skip
    report.check("requests met the restart", during > 0, during, "> 0")
    report.check("failures outside the restart", outage["failed_before_restart"] == 0,
                 outage["failed_before_restart"], 0)  # fmt: skip
    report.check("requests succeed after recovery", outage["succeeded_after_recovery"] >= 10,
                 outage["succeeded_after_recovery"], "≥ 10")  # fmt: skip
    report.check("acknowledged writes lost", found == len(acknowledged),
                 len(acknowledged) - found, 0)  # fmt: skip


def main() -> None:
    options = parser(__doc__, timeout=180)
    options.add_argument("--organisations", type=int, default=5)
    options.add_argument("--slug", default="syn-00001")
    options.add_argument("--port", type=int, default=18104, help="gunicorn")
    options.add_argument("--pg-port", type=int, default=55432)
    options.add_argument("--rate", type=float, default=4, help="Reads (and writes) a second.")
    options.add_argument("--before", type=float, default=5, help="Seconds of load first.")
    options.add_argument("--after", type=float, default=15, help="Seconds from the restart.")
    options.add_argument("--budget", type=float, default=RECOVERY_BUDGET)
    args = options.parse_args()
    run_drill("postgres", "PostgreSQL drill: restart under light load", drill, args)


if __name__ == "__main__":
    main()
