"""Load drill: 50 members log progress through the API for 60 seconds; every write
acknowledged must be in the database, and no request may fail.

    .venv/bin/python -m bench.drills.load        # or: make drill-load

gunicorn (2 workers) on a scratch PostgreSQL database ``drills_load`` of the shared server
(created, then dropped) with a private Redis as the cache; locust, headless and in its own
process and virtualenv (``var/drills-venv``, made on first use), runs ``--users 50
--spawn-rate 25 --run-time 60s`` with ``bench/drills/locustfile.py``. Each simulated user
has the API token of its own member (admin, PE lead or contributor) of a synthetic
organisation. Afterwards the drill compares locust's 201s, the ids the users recorded and
the entries in the database.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ._report import Report, parser, run_drill
from ._stack import DrillFailed, Stack, locust_command, setup_django

WRITERS = ("admin", "pe_lead", "contributor")


def identities(count: int) -> list[dict]:
    """``count`` members allowed to write, each with an API token and their adoptions."""
    from rest_framework.authtoken.models import Token

    from apps.adoption.models import Adoption
    from apps.organisations.models import Membership

    members = Membership.objects.filter(role__in=WRITERS).select_related("organisation")
    members = list(members.order_by("organisation__slug", "pk")[:count])
    if len(members) < count:
        raise DrillFailed(f"only {len(members)} members may write; seed more organisations")
    result = []
    for member in members:
        adoptions = Adoption.objects.for_organisation(member.organisation).filter(
            action_removed=False
        )
        result.append(
            {
                "token": Token.objects.get_or_create(user_id=member.user_id)[0].key,
                "slug": member.organisation.slug,
                "adoptions": list(adoptions.values_list("pk", flat=True)[:10]),
            }
        )
    return result


def locust_totals(path: Path) -> dict[str, dict[str, Any]]:
    """Per request name, and ``"all"``: requests, failures, latency percentiles (ms).

    From ``--json-file``, written after the last user stopped (the CSV summary is
    written earlier and misses the requests that finished during ``--stop-timeout``)."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    everything: dict[str, Any] = {"name": "all", "num_requests": 0, "num_failures": 0,
                                  "response_times": {}}  # fmt: skip
    totals = {}
    for entry in entries:
        for key in ("num_requests", "num_failures"):
            everything[key] += entry[key]
        for ms, n in entry["response_times"].items():
            everything["response_times"][ms] = everything["response_times"].get(ms, 0) + n
        totals[entry["name"]] = _summary(entry)
    totals["all"] = _summary(everything)
    return totals


def _summary(entry: dict[str, Any]) -> dict[str, Any]:
    times = sorted((int(ms), n) for ms, n in entry["response_times"].items())

    def percentile(share: float) -> int:
        seen, wanted = 0, share * sum(n for _ms, n in times)
        for ms, n in times:
            seen += n
            if seen >= wanted:
                return ms
        return 0

    return {
        "requests": entry["num_requests"],
        "failures": entry["num_failures"],
        "median_ms": percentile(0.5),
        "p95_ms": percentile(0.95),
        "max_ms": times[-1][0] if times else 0,
    }


def drill(stack: Stack, report: Report, args: argparse.Namespace) -> None:
    locust = locust_command()
    report.step("Scratch database, private Redis, migrations and synthetic data", stack)
    database = stack.scratch_database("drills_load")
    stack.redis(args.redis_port)
    env = stack.portal_env(
        database_url=database, redis_url=f"redis://127.0.0.1:{args.redis_port}/0"
    )
    stack.prepare_portal(env, organisations=args.organisations)
    setup_django(env)
    from django.db import connections

    from apps.adoption.models import ProgressEntry

    users_file, ids_dir = stack.dir / "users.json", stack.dir / "created"
    ids_dir.mkdir()
    users = identities(args.users)
    users_file.write_text(json.dumps(users), encoding="utf-8")
    before = ProgressEntry.objects.count()
    connections.close_all()

    base = f"http://127.0.0.1:{args.port}"
    stack.gunicorn(args.port, env)
    report.step(f"locust: {args.users} users for {args.run_time} s against {base}", stack)
    locust_env = {**env, "DRILL_USERS_FILE": str(users_file), "DRILL_IDS_DIR": str(ids_dir)}
    command = [*locust, "-f", "bench/drills/locustfile.py", "--headless", "--host", base,
               "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
               "--run-time", f"{args.run_time}s", "--stop-timeout", "10", "--only-summary",
               "--json-file", str(stack.dir / "locust"), "--csv", str(stack.dir / "locust"),
               "--loglevel", "WARNING"]  # fmt: skip
    runner = stack.spawn("locust", command, locust_env)
    runner.process.wait(timeout=args.run_time + 90)
    stats = locust_totals(stack.dir / "locust.json")
    total = stats["all"]
    posts = stats.get("POST progress", {"requests": 0, "failures": 0})

    acknowledged = [int(line) for f in ids_dir.glob("*.txt") for line in f.read_text().split()]
    found = ProgressEntry.objects.filter(pk__in=acknowledged).count()
    added = ProgressEntry.objects.count() - before
    created_201 = posts["requests"] - posts["failures"]
    gunicorn_errors = stack.server_errors()

    organisations = len({u["slug"] for u in users})
    report.figure("simulated users", f"{args.users} members of {organisations} organisations")
    rate = total["requests"] / args.run_time
    report.figure("requests", f"{total['requests']:,} ({rate:.1f}/s)")
    report.figure("progress posts (201 per locust)", f"{created_201:,}")
    report.figure("failures (locust)", total["failures"])
    report.figure("latency median / 95% / max (ms)",
                  f"{total['median_ms']} / {total['p95_ms']} / {total['max_ms']}")  # fmt: skip
    report.figure("entries acknowledged (ids recorded)", f"{len(acknowledged):,}")
    report.figure("acknowledged entries found in the database", f"{found:,}")
    report.figure("entries added to the database", f"{added:,}")
    report.figure("errors in gunicorn's log", gunicorn_errors)
    report.data["locust"] = stats

    report.check("locust ran to its end", runner.process.returncode in (0, 1),
                 runner.process.returncode, "0 (or 1 with failures)")  # fmt: skip
    report.check("requests failed", total["failures"] == 0, total["failures"], 0)
    report.check("writes were made", created_201 > 0, created_201, "> 0")
    report.check("201s recorded by the users", len(acknowledged) == created_201,
                 len(acknowledged), created_201)  # fmt: skip
    report.check("acknowledged entries lost", found == len(acknowledged),
                 len(acknowledged) - found, 0)  # fmt: skip
    report.check("entries added = entries acknowledged", added == len(acknowledged), added,
                 len(acknowledged))  # fmt: skip
    report.check("server errors (gunicorn log)", gunicorn_errors == 0, gunicorn_errors, 0)
    connections.close_all()


def main() -> None:
    options = parser(__doc__, timeout=180)
    options.add_argument("--users", type=int, default=50)
    options.add_argument("--spawn-rate", type=int, default=25)
    options.add_argument("--run-time", type=int, default=60, help="Seconds of load.")
    options.add_argument("--organisations", type=int, default=40)
    options.add_argument("--port", type=int, default=18101, help="gunicorn")
    options.add_argument("--redis-port", type=int, default=56101)
    args = options.parse_args()
    locust_command()  # first use: the virtualenv is made before the clock starts
    run_drill("load", f"Load drill: {args.users} users logging progress", drill, args)


if __name__ == "__main__":
    main()
