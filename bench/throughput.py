"""Throughput: gunicorn (PostgreSQL) loaded by wrk on loopback, each page as a ratio to a
trivial Django view measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pe_bench \\
        .venv/bin/python -m bench.throughput --label 10000

gunicorn runs as the Deploy section serves the portal (``--worker-class``, ``--workers``,
``--threads``: by default the settings of ``roadmap_portal/gunicorn.conf.py`` when it exists,
else 2 sync workers); pass them to compare serving choices on the same data.

Needs ``wrk`` (Debian: ``apt-get install -y wrk``). Each URL is loaded for ``--seconds``
(10) with ``--connections`` (8) after a warm-up; the trivial view (``bench/trivial_wsgi.py``)
is measured first and after every page, and each page's yardstick is the mean of the two
measurements around it. Signed-in pages use a session
made for a synthetic organisation's admin (deleted at the end). gunicorn is stopped on
exit, whatever happens.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import (
    RESULTS,
    ROOT,
    ensure_snapshot,
    environment,
    require_synthetic_data,
    setup_django,
    table,
    write_result,
)

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

TRIVIAL = "/bench/trivial/"
# Issue 18's budgets: public pages at least 70% of the trivial view, the signed-in floor
# (the smallest signed-in page) 15%, the organisation's own pages 10% (the aim is 25%).
PUBLIC_BUDGET, FLOOR_BUDGET, MEMBER_BUDGET = 0.70, 0.15, 0.10


def pages(slug: str) -> list[tuple[str, str, bool, float | None]]:
    """(name, URL, signed in, budget as a share of the trivial view). The signed-in floor
    is the smallest signed-in page (the list of one's organisations): what any signed-in
    page costs (session, user, navigation) beside the trivial view."""
    return [
        ("roadmap map", "/roadmap/", False, PUBLIC_BUDGET),
        ("actions API", "/api/v1/actions/", False, PUBLIC_BUDGET),
        ("public benchmarks", "/benchmarks/", False, MEMBER_BUDGET),
        ("signed-in floor", "/o/?all=1", True, FLOOR_BUDGET),
        ("organisation dashboard", f"/o/{slug}/", True, MEMBER_BUDGET),
        ("organisation benchmark", f"/o/{slug}/benchmark/", True, MEMBER_BUDGET),
        ("organisation map overlay", f"/o/{slug}/roadmap/", True, MEMBER_BUDGET),
    ]


def session_store() -> type[SessionBase]:
    """The session engine's store (the portal's: ``cached_db``, so the session is in the
    cache as a signed-in request finds it)."""
    from django.conf import settings

    store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    return store


def session_cookie(slug: str) -> tuple[str, str]:
    """A signed-in session for the organisation's admin, as Django's login would make it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from apps.organisations.models import Membership

    user = Membership.objects.get(organisation__slug=slug, role="admin").user
    session = session_store()()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key, user.email


def serving(args: argparse.Namespace) -> list[str]:
    """gunicorn's serving options: those asked for, else the project's configuration file
    (what the Deploy section runs), else 2 sync workers."""
    chosen = [
        option
        for flag, value in (
            ("--worker-class", args.worker_class),
            ("--workers", args.workers),
            ("--threads", args.threads),
        )
        if value
        for option in (flag, str(value))
    ]
    config = ROOT / "roadmap_portal" / "gunicorn.conf.py"
    if config.exists():
        return ["--config", str(config), *chosen]
    return chosen or ["--workers", "2"]


def start_gunicorn(port: int, log: Path, options: list[str]) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings.local",
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "bench.trivial_wsgi:application",
        *options, "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT),
        "--log-level", "warning", "--timeout", "60",
    ]  # fmt: skip
    return subprocess.Popen(
        command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def fetch(url: str, cookie: str | None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_ready(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {process.returncode}): see its log")
        try:
            if fetch(base + TRIVIAL, None) == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer in time")


def wrk(url: str, cookie: str | None, *, seconds: int, connections: int) -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = re.search(r"Latency\s+(\S+)", out)
    return {
        "rps": float(rate[1]) if rate else 0.0,
        "non_2xx": int(errors[1]) if errors else 0,
        "latency_avg": latency[1] if latency else "?",
    }


def measure(base: str, cookie: str | None, path: str, args: argparse.Namespace) -> dict:
    status = fetch(base + path, cookie)  # warm-up: templates, caches, connections
    for _ in range(5):
        fetch(base + path, cookie)
    result = wrk(base + path, cookie, seconds=args.seconds, connections=args.connections)
    return {"status": status, **result}


def run(args: argparse.Namespace, cookie: str) -> dict[str, Any]:
    base = f"http://127.0.0.1:{args.port}"
    RESULTS.mkdir(parents=True, exist_ok=True)  # not in a fresh clone
    process = start_gunicorn(args.port, RESULTS / f"gunicorn-{args.label}.log", serving(args))
    try:
        wait_ready(base, process)
        trivial = [measure(base, None, TRIVIAL, args)]
        measured = {}
        for name, url, auth, budget in pages(args.slug):
            result = measure(base, cookie if auth else None, url, args)
            # The trivial view again after every page: each page is read against the two
            # measurements around it, so that a change in the machine's load (it is shared)
            # weighs on both sides of a ratio alike.
            trivial.append(measure(base, None, TRIVIAL, args))
            yardstick = (trivial[-2]["rps"] + trivial[-1]["rps"]) / 2
            measured[name] = {"url": url, "budget": budget, "trivial_rps": yardstick, **result}
    finally:
        stop(process)
    return {"trivial": trivial, "pages": measured}


def verdicts(result: dict[str, Any]) -> tuple[float, list[list[Any]]]:
    trivial = sum(r["rps"] for r in result["trivial"]) / len(result["trivial"])
    rows = [["trivial view (mean)", TRIVIAL, f"{trivial:,.0f}", "100%", "-", "-"]]
    for name, page in result["pages"].items():
        ratio = page["rps"] / page["trivial_rps"] if page["trivial_rps"] else 0.0
        page["ratio"] = round(ratio, 3)
        budget = page["budget"]
        ok = page["status"] == 200 and not page["non_2xx"] and ratio >= (budget or 0)
        verdict = (
            ("met" if budget else "-")
            if ok
            else ("HTTP " + str(page["status"]) if page["status"] != 200 else "MISSED")
        )
        rows.append([name, page["url"], f"{page['rps']:,.0f}", f"{ratio:.0%}",
                     f"≥ {budget:.0%}" if budget else "-", verdict])  # fmt: skip
    return trivial, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--slug", default="syn-00001")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--worker-class", default="", help="gunicorn's: sync or gthread")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk (see bench/README.md)")
    setup_django()
    organisations = require_synthetic_data()
    snapshot, _seconds = ensure_snapshot()
    key, email = session_cookie(args.slug)
    try:
        result = run(args, f"sessionid={key}")
    finally:
        session_store()().delete(key)
    trivial, rows = verdicts(result)
    options = " ".join(serving(args))
    print(f"Throughput at {organisations:,} organisations, gunicorn {options}, wrk "
          f"{args.connections} connections × {args.seconds} s (signed in as {email})")  # fmt: skip
    print(table(["page", "URL", "req/s", "of trivial", "budget", "verdict"], rows))
    write_result(
        "throughput",
        args.label,
        {
            "label": args.label,
            "organisations": organisations,
            "snapshot_organisations": snapshot.organisation_count,
            "trivial_rps": trivial,
            "serving": serving(args),
            "environment": environment(),
            **result,
        },
    )


if __name__ == "__main__":
    main()
