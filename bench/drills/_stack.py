"""The processes the fault drills start, and their clean-up.

A :class:`Stack` owns every process and scratch resource of one drill: a private
``redis-server``, gunicorn, Celery workers, a private PostgreSQL cluster or a scratch
database on the shared server. Each process runs in its own process group, logs to
``var/drills/<drill>/<name>.log`` and is stopped when the stack closes, whatever
happened (an error, Ctrl-C, SIGTERM, or the drill's time limit, enforced with SIGALRM).

The shared PostgreSQL (127.0.0.1:5432) and Redis (6379) are never stopped: a drill that
stops or restarts one of them runs its own instance on a private port.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any, Self

from bench.common import ROOT

VAR = ROOT / "var" / "drills"
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("DRILL_PG_BIN", "/usr/lib/postgresql/15/bin"))
# The server on which drills 1-3 create (and drop) their scratch databases drills_<name>.
SHARED_PG = os.environ.get("DRILL_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
LOCUST_VENV = ROOT / "var" / "drills-venv"
LOCUST_REQUIREMENT = "locust>=2.40"
# Variables of the caller's environment that could point a drill at shared services.
SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")


class DrillFailed(Exception):
    """The drill could not go on (a process did not start, the time limit passed…)."""


def _time_is_up(signum: int, frame: types.FrameType | None) -> None:
    raise DrillFailed("the drill's time limit passed")


def _terminated(signum: int, frame: types.FrameType | None) -> None:
    raise DrillFailed(f"stopped by signal {signum}")


class Service:
    """One process (and its process group) started by the stack."""

    def __init__(self, name: str, process: subprocess.Popen, log: Path) -> None:
        self.name, self.process, self.log = name, process, log

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the whole process group: no clean-up runs, nothing is acknowledged."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


class Stack:
    """Every process and scratch resource of one drill; all released on exit."""

    def __init__(self, name: str, *, timeout: int) -> None:
        self.name, self.timeout = name, timeout
        self.dir = VAR / name
        self.services: list[Service] = []
        self._cleanups: list[tuple[str, Any]] = []
        self._previous: dict[int, Any] = {}
        self.started = time.monotonic()

    def __enter__(self) -> Self:
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        for sig, handler in ((signal.SIGALRM, _time_is_up), (signal.SIGTERM, _terminated)):
            self._previous[sig] = signal.signal(sig, handler)
        signal.alarm(self.timeout)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.alarm(0)
        # Ctrl-C or SIGTERM during the clean-up must not leave processes behind.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for service in reversed(self.services):
            service.stop()
        for what, cleanup in reversed(self._cleanups):
            try:
                cleanup()
            except Exception as error:  # keep cleaning: report, do not stop
                print(f"clean-up of {what} failed: {error}", file=sys.stderr)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def server_errors(self) -> int:
        """How many requests gunicorn answered with a server error (Django logs each one)."""
        log = self.dir / "gunicorn.log"
        return log.read_text(errors="replace").count("Internal Server Error") if log.exists() else 0

    def on_exit(self, what: str, cleanup: Any) -> None:
        self._cleanups.append((what, cleanup))

    # --- Processes ---------------------------------------------------------------------------

    def spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> Service:
        log = self.dir / f"{name}.log"
        handle = log.open("a")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or os.environ.copy(),
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole
        )
        handle.close()
        service = Service(name, process, log)
        self.services.append(service)
        return service

    def run(self, command: list[str], env: dict[str, str], *, timeout: float = 120) -> str:
        """A command to its end; its output. Fails the drill when it fails."""
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as exc:
            raise DrillFailed(f"{' '.join(command[:4])} took over {timeout:.0f} s") from exc
        if done.returncode:
            output = (done.stderr or done.stdout).strip()
            print(output[-3000:], file=sys.stderr)
            last = output.splitlines()[-1] if output else f"exit {done.returncode}"
            raise DrillFailed(f"{' '.join(command[1:3])} failed: {last}")
        return done.stdout

    def manage(self, env: dict[str, str], *args: str, timeout: float = 120) -> str:
        return self.run([str(BIN / "python"), "manage.py", *args], env, timeout=timeout)

    def portal_env(self, *, database_url: str, redis_url: str = "", **extra: str) -> dict[str, str]:
        """The portal's environment: local settings with DEBUG off, as the benchmarks run it,
        files and emails under the drill's directory, nothing inherited that names a service."""
        env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
        env.update(
            DJANGO_SETTINGS_MODULE="roadmap_portal.settings.local",
            DEBUG="False",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            CELERY_BROKER_URL=redis_url,
            MEDIA_ROOT=str(self.dir / "media"),
            EMAIL_URL=f"filemail:///{self.dir / 'mail'}",  # one file per message sent
            LOG_LEVEL="WARNING",
            **extra,
        )
        return env

    def redis(self, port: int) -> Service:
        """A private redis-server on ``port`` (no persistence)."""
        ensure_free(port)
        command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(self.dir)]  # fmt: skip
        service = self.spawn(f"redis-{port}", command)
        wait_port(port, service)
        return service

    def gunicorn(self, port: int, env: dict[str, str]) -> Service:
        """The web as the Deploy section serves it (``roadmap_portal/gunicorn.conf.py``)."""
        ensure_free(port)
        command = [str(BIN / "gunicorn"), "roadmap_portal.wsgi:application",
                   "--config", str(ROOT / "roadmap_portal" / "gunicorn.conf.py"),
                   "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5",
                   "--log-level", "warning"]  # fmt: skip
        service = self.spawn("gunicorn", command, env)
        wait_port(port, service, timeout=60)
        return service

    def celery_worker(self, env: dict[str, str], name: str = "worker") -> Service:
        """A Celery worker (prefork, one pool process), ready to consume when this returns."""
        command = [str(BIN / "celery"), "-A", "roadmap_portal", "worker", "--loglevel=INFO",
                   "--concurrency=1", "--hostname", f"{name}@drill", "--without-gossip",
                   "--without-mingle"]  # fmt: skip
        service = self.spawn(name, command, env)
        deadline = time.monotonic() + 60
        while " ready." not in service.log_text():
            if not service.alive() or time.monotonic() > deadline:
                raise DrillFailed(f"the Celery worker did not start:\n{service.tail()}")
            time.sleep(0.2)
        return service

    # --- Databases -----------------------------------------------------------------------------

    def scratch_database(self, name: str) -> str:
        """A new, empty database ``name`` on the shared server, dropped on exit."""
        if not name.startswith("drills_"):
            raise ValueError("scratch databases are named drills_<something>")
        admin = f"{SHARED_PG}/postgres"
        drop = ["psql", admin, "-qAtc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)']
        self.run(drop, dict(os.environ))
        self.run(["psql", admin, "-qAtc", f'CREATE DATABASE "{name}"'], dict(os.environ))
        self.on_exit(f"database {name}", lambda: self.run(drop, dict(os.environ)))
        return f"{SHARED_PG}/{name}"

    def private_postgres(self, port: int) -> PrivatePostgres:
        cluster = PrivatePostgres(port)
        self.on_exit(f"PostgreSQL cluster on {port}", cluster.destroy)
        cluster.create()
        return cluster

    def prepare_portal(self, env: dict[str, str], *, organisations: int) -> None:
        """Migrate, load the roadmap and ``seed_synthetic`` organisations."""
        self.manage(env, "migrate", "--noinput", "-v0", timeout=240)
        self.manage(env, "load_roadmap")
        seed = ["--orgs", str(organisations), "--seed", "1", "--allow-production"]
        self.manage(env, "seed_synthetic", *seed)  # a scratch database, with DEBUG off


class PrivatePostgres:
    """A throw-away PostgreSQL cluster, run as the ``postgres`` OS user in a temporary
    directory, listening on 127.0.0.1:``port`` with trust authentication."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.base = Path(tempfile.mkdtemp(prefix="pe-drill-pg-"))
        self.data, self.log = self.base / "data", self.base / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _pg(self, *args: str, timeout: float = 60) -> None:
        command = ["runuser", "-u", "postgres", "--", str(PG_BIN / args[0]), *args[1:]]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise DrillFailed(f"{args[0]} failed: {done.stderr.strip()[-1500:]}")

    def create(self) -> None:
        ensure_free(self.port)
        shutil.chown(self.base, "postgres", "postgres")
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                 "--no-sync", "--locale=C.UTF-8")  # fmt: skip
        self.start()
        self._pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "portal")

    def _options(self) -> str:
        return f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"

    def start(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(),
                 "-w", "-t", "60", "start")  # fmt: skip

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: connections are closed, the server comes back."""
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(),
                 "-m", "fast", "-w", "-t", "60", "restart")  # fmt: skip

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)


# --- Ports, HTTP and processes ----------------------------------------------------------------


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ensure_free(port: int) -> None:
    if port_open(port):
        raise DrillFailed(
            f"127.0.0.1:{port} is already in use (a drill left running?): stop it, "
            "or choose other ports (see --help)"
        )


def wait_port(port: int, service: Service | None = None, *, timeout: float = 30) -> float:
    """Wait until something listens on the port; the seconds it took."""
    started = time.monotonic()
    while not port_open(port):
        if service is not None and not service.alive():
            raise DrillFailed(f"{service.name} stopped:\n{service.tail()}")
        if time.monotonic() - started > timeout:
            raise DrillFailed(f"nothing listens on {port} after {timeout:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - started


def pool_processes(service: Service) -> list[int]:
    """The pids of a process's children (a Celery worker's pool)."""
    done = subprocess.run(["pgrep", "-P", str(service.pid)], capture_output=True, text=True)
    return [int(pid) for pid in done.stdout.split()]


def setup_django(env: dict[str, str]) -> None:
    """Django in the drill's own process, with the portal's environment of the drill."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def locust_command() -> list[str]:
    """locust, from its own virtualenv (created on first use): never the project's, whose
    test suite its pytest plugin and gevent would disturb."""
    locust = LOCUST_VENV / "bin" / "locust"
    if not locust.exists():
        print(f"Creating {LOCUST_VENV.relative_to(ROOT)} with {LOCUST_REQUIREMENT} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        pip = [str(LOCUST_VENV / "bin" / "pip"), "install", "--quiet", LOCUST_REQUIREMENT]
        subprocess.run(pip, check=True, timeout=600)
    return [str(locust)]
