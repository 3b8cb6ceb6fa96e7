"""Fault drills (issue 6): the portal under load and with one of its parts failing.

Each drill is one command (``python -m bench.drills.<name>``, or ``make drill-<name>``),
runs on loopback with its own processes (private Redis, private PostgreSQL cluster or a
scratch database on the shared server), prints its figures, writes
``bench/results/drill-<name>.json`` and exits non-zero when the drill fails. See
``bench/README.md``. Process management is in ``_stack``; ``locustfile`` is run by
locust in its own virtualenv and is never imported here.
"""
