"""Queries per page: every page and API list endpoint, counted at the current data size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pe_bench \\
        .venv/bin/python -m bench.queries_per_page --label 100

Each URL is requested with Django's test client (in this process, against the database in
DATABASE_URL) with an empty cache ("cold": what the database sees on a cache miss), then
again ("warm"). Public URLs anonymously, the curators' report as portal staff, the rest
signed in as the admin of a synthetic organisation (``--slug``, by default ``syn-00001``:
the same organisation at every size, as seed_synthetic makes organisation n the same
whatever N). Compare two runs with
``python -m bench.compare_queries``.
"""

from __future__ import annotations

import argparse
import re
import time
import warnings
from collections import Counter
from typing import Any

from bench.common import (
    bench_period_label,
    ensure_snapshot,
    environment,
    require_synthetic_data,
    setup_django,
    table,
    write_result,
)

BUDGET = 15
# Pages allowed more, each with its reason (still flat with the population).
OVER_BUDGET: dict[str, int] = {}


def budget_for(address: str) -> int:
    """The most queries the page at ``address`` (a template of :func:`member_urls`…) may run."""
    return OVER_BUDGET.get(address, BUDGET)


# Issue 18: a progress entry through the API in at most 12 queries, none per metric or
# barrier. Two entries are posted, the second with five times the metrics and four times
# the barriers; both must take the same count.
WRITE_BUDGET = 12
PROGRESS_POST = "POST /api/v1/organisations/{slug}/adoptions/{adoption}/progress/"
ENTRY_SHAPES = {"1 metric, 1 barrier": (1, 1), "5 metrics, 4 barriers": (5, 4)}
# The transaction's own statements, counted apart from a write's queries: they carry no data.
TRANSACTION_CONTROL = re.compile(r"(BEGIN|COMMIT|ROLLBACK|(RELEASE )?SAVEPOINT)\b", re.I)


def write_names() -> list[str]:
    """The writes :func:`run_writes` counts, by name (the same at every size)."""
    return [f"{PROGRESS_POST} ({shape})" for shape in ENTRY_SHAPES]


LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sessions",
    },
}


def public_urls() -> list[str]:
    """Public addresses; ``{…}`` parts are filled in by :func:`targets`."""
    return [
        "/",
        "/roadmap/",
        "/roadmap/?group=patient-organisations",
        "/roadmap/resources/",
        "/roadmap/actions/",
        "/roadmap/actions/{action}/",
        "/roadmap/end-goals/{end_goal}/",
        "/organisations/",
        "/organisations/{slug}/",
        "/benchmarks/",
        "/benchmarks/uptake/",
        "/data/",
        "/data/{period}/",
        "/data/{period}/datapackage.json",
        "/data/{period}/figures.csv",
        "/data/{period}/figures.json",
        "/countries/pl/",
        "/regions/cee/",
        "/practices/",
        "/practices/?end_goal={end_goal}",
        "/practices/feed/",
        "/api/v1/roadmap/",
        "/api/v1/actions/",
        "/api/v1/stakeholder-groups/",
        "/api/v1/dimensions/",
        "/api/v1/metrics/",
        "/api/v1/organisations/",
        "/api/v1/benchmarks/",
        "/api/v1/benchmarks/{period}/",
        "/api/v1/practices/",
        "/api/v1/pulse/",
    ]


def member_urls() -> list[str]:
    """Addresses for the organisation's admin."""
    org, api = "/o/{slug}/", "/api/v1/organisations/{slug}/"
    return [
        "/o/?all=1",  # ?all=1: the list itself, not the redirect to a sole organisation
        org,
        f"{org}adoptions/",
        f"{org}adoptions/catalogue/",
        f"{org}adoptions/{{adoption}}/",
        f"{org}members/",
        f"{org}audit/",
        f"{org}profile/",
        f"{org}assessments/",
        f"{org}roadmap/",
        f"{org}benchmark/",
        f"{org}benchmark/exports/",
        f"{org}practices/",
        f"{org}partnerships/",
        f"{org}partnerships/{{partnership}}/",
        "/api/v1/me/",
        "/account/follows/",
        "/pulse/",
        api,
        f"{api}adoptions/",
        f"{api}adoptions/{{adoption}}/progress/",
        f"{api}members/",
        f"{api}invitations/",
        f"{api}assessments/",
        f"{api}roadmap/",
        f"{api}benchmarks/{{period}}/",
        f"{api}practices/",
    ]


def staff_urls() -> list[str]:
    """Addresses for portal staff (the curators' report), signed in as :func:`curator`."""
    return [
        "/curation/",
        "/curation/actions/{action}/",
        "/curation/export.xlsx",
        "/api/v1/curation/actions/",
    ]


def curator() -> Any:
    """The portal staff member the staff addresses are read as (made once, not a superuser)."""
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        email="bench-curator@example.org", defaults={"is_staff": True, "full_name": "Curator"}
    )
    return user


def shape(sql: str) -> str:
    """A query with its literal values taken out, to spot the same query repeated."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"IN \([?, ]+\)", "IN (…)", sql)


def measure(client: Any, url: str) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    return {
        "status": response.status_code,
        "queries": len(cold),
        "queries_warm": len(warm),
        "seconds_cold": round(seconds, 3),
        **_statements([q["sql"] for q in cold.captured_queries]),
    }


def _statements(sql: list[str]) -> dict[str, Any]:
    """What a result shows of the statements it counted: the most repeated shapes (an N+1
    shows there) and the first statements themselves."""
    repeated = Counter(shape(statement) for statement in sql)
    return {
        "repeated": [{"count": n, "sql": s[:600]} for s, n in repeated.most_common(5) if n > 1],
        "sql": [statement[:400] for statement in sql[:60]],
    }


def entry_body(adoption_id: int, metrics: int, barriers: int) -> dict[str, Any]:
    """A progress entry on the adoption, reporting the first ``metrics`` active metrics and
    the first ``barriers`` barrier categories, every other barrier naming an assumption of
    the adopted action's edition."""
    from apps.adoption.models import Adoption, Metric
    from apps.roadmap.models import Assumption, BarrierCategory

    edition_id = Adoption.objects.values_list("action__edition_id", flat=True).get(pk=adoption_id)
    slugs = list(Metric.objects.filter(is_active=True).order_by("slug")[:metrics])
    categories = list(BarrierCategory.objects.order_by("slug")[:barriers])
    assumption = Assumption.objects.filter(edition_id=edition_id).order_by("code").first()
    if len(slugs) < metrics or len(categories) < barriers or assumption is None:
        raise SystemExit("Load the roadmap first: metrics, barrier categories, assumptions.")
    rows = [
        {"category": c.slug, "note": f"Barrier {n}."}
        | ({"assumption": assumption.code} if n % 2 == 0 else {})
        for n, c in enumerate(categories)
    ]
    return {
        "narrative": f"Bench: {metrics} metrics and {barriers} barriers.",
        "percent_complete": 40,
        "metrics": [{"metric": m.slug, "value": str(n + 1)} for n, m in enumerate(slugs)],
        "barriers": rows,
    }


def measure_write(client: Any, url: str, body: dict[str, Any]) -> dict[str, Any]:
    """One JSON POST on an empty cache (the session's user, the membership, the catalogues
    all read from the database): its status and queries. The transaction's own statements
    (``BEGIN``, ``COMMIT``, savepoints) are counted apart: they carry no data."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        response = client.post(url, body, content_type="application/json")
    statements = [q["sql"] for q in cold.captured_queries]
    queries = [sql for sql in statements if not TRANSACTION_CONTROL.match(sql)]
    return {
        "status": response.status_code,
        "queries": len(queries),
        "transaction_control": len(statements) - len(queries),
        **_statements(queries),
    }


def _publish_profile(admin: Any) -> None:
    """The organisation's public profile shows everything (``/organisations/{slug}/``)."""
    from apps.organisations.models import PublicProfile

    PublicProfile.objects.update_or_create(
        organisation=admin.organisation,
        defaults={
            "is_public": True,
            "show_actions": True,
            "show_progress": True,
            "show_case_studies": True,
            "statement": "We commit to the roadmap.",
            "statement_signed_by": admin.user,
            "statement_signer_name": admin.user.full_name,
            "statement_signed_on": admin.created_at.date(),
        },
    )


def _join(organisation: Any, adoption: Any) -> int:
    """Joint commitments of the organisation (issue 17): its adoption, acted on with another
    synthetic organisation (accepted, with a shared objective), and a request of that one's
    waiting for its answer. The accepted partnership's id (0 without an adoption)."""
    from django.utils import timezone

    from apps.adoption.models import Adoption, Partnership, SharedObjective
    from apps.organisations.models import Organisation

    other = (
        Organisation.objects.verified()
        .filter(slug__startswith="syn-")
        .exclude(pk=organisation.pk)
        .order_by("slug")
        .first()
    )
    if adoption is None or other is None:
        return 0
    partnership, _ = Partnership.objects.get_or_create(
        adoption=adoption, partner=other, defaults={"state": "accepted"}
    )
    SharedObjective.objects.get_or_create(
        partnership=partnership,
        text="Co-design the next survey.",
        defaults={"target_date": timezone.localdate(), "proposed_by_organisation": other},
    )
    theirs = Adoption.objects.filter(organisation=other).order_by("action__code").first()
    if theirs is not None:
        Partnership.objects.get_or_create(adoption=theirs, partner=organisation)
    return partnership.pk


def _admin(slug: str) -> Any:
    """The organisation's admin (a membership), signed in as for every member address."""
    from apps.organisations.models import Membership

    return Membership.objects.select_related("user", "organisation").get(
        organisation__slug=slug, role="admin"
    )


def _first_adoption(slug: str) -> Any:
    from apps.adoption.models import Adoption

    return Adoption.objects.filter(organisation__slug=slug).order_by("action__code").first()


def targets(slug: str) -> tuple[Any, dict[str, str]]:
    """The admin to sign in as, and what fills the addresses in."""
    from apps.roadmap.models import Action, EndGoal

    admin = _admin(slug)
    _publish_profile(admin)
    adoption = _first_adoption(slug)
    values = {
        "slug": slug,
        "adoption": str(adoption.pk if adoption else 0),
        "partnership": str(_join(admin.organisation, adoption)),
        "action": Action.objects.published().order_by("code").first().code,
        "end_goal": EndGoal.objects.published().order_by("code").first().code,
        "period": bench_period_label(),
    }
    return admin.user, values


def run(slug: str) -> dict[str, dict[str, Any]]:
    """Results by address template (the same key at every size), with the URL used.
    Needs the test environment (``setup_test_environment``: pytest-django's, or
    :func:`main`'s) for the test client. ``tests/test_query_budgets.py`` runs it too."""
    from django.test import Client, override_settings

    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise, no collectstatic
    user, values = targets(slug)
    results: dict[str, dict[str, Any]] = {}
    with override_settings(CACHES=LOCMEM):
        client = Client()
        for template in public_urls():
            url = template.format(**values)
            results[template] = {"url": url, "who": "anonymous", **measure(client, url)}
        client.force_login(user)
        for template in member_urls():
            url = template.format(**values)
            results[template] = {"url": url, "who": "org admin", **measure(client, url)}
        client.force_login(curator())
        for template in staff_urls():
            url = template.format(**values)
            results[template] = {"url": url, "who": "staff", **measure(client, url)}
    return results


def run_writes(slug: str) -> dict[str, dict[str, Any]]:
    """The writes of :func:`write_names`, posted as the organisation's admin (each adds an
    entry to the organisation's first adoption): results by name, with the URL used."""
    from django.test import Client, override_settings

    # Only the admin and the adoption: what targets() prepares is for the pages.
    adoption = _first_adoption(slug)
    if adoption is None:
        raise SystemExit(f"{slug} has no adoption to log progress on: seed synthetic data.")
    url = PROGRESS_POST.removeprefix("POST ").format(slug=slug, adoption=adoption.pk)
    results: dict[str, dict[str, Any]] = {}
    with override_settings(CACHES=LOCMEM):
        client = Client()
        client.force_login(_admin(slug).user)
        for name, (metrics, barriers) in zip(write_names(), ENTRY_SHAPES.values(), strict=True):
            body = entry_body(adoption.pk, metrics, barriers)
            result = measure_write(client, url, body)
            results[name] = {"url": url, "who": "org admin", **result}
    return results


def write_verdict(results: dict[str, dict[str, Any]]) -> str:
    """Within the budget, and the same count for every shape of entry."""
    counts = {r["queries"] for r in results.values()}
    if any(r["status"] != 201 for r in results.values()):
        return "FAILED"
    return "ok" if len(counts) == 1 and max(counts) <= WRITE_BUDGET else "OVER"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label", required=True, help="Names the result, e.g. 100 or 10000.")
    parser.add_argument("--slug", default="syn-00001", help="The organisation to sign in to.")
    args = parser.parse_args()
    setup_django()
    organisations = require_synthetic_data()
    snapshot, compile_seconds = ensure_snapshot()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS)
    results = run(args.slug)
    rows = [
        [url, r["who"], r["status"], r["queries"], r["queries_warm"], _verdict(url, r)]
        for url, r in results.items()
    ]
    print(f"Queries per page at {organisations:,} verified organisations ({args.label})")
    print(table(["URL", "as", "HTTP", "queries", "warm", f"≤ {BUDGET}"], rows))
    writes = run_writes(args.slug)
    verdict = write_verdict(writes)
    print(f"\nQueries per progress entry through the API (≤ {WRITE_BUDGET}, the same for both)")
    print(table(["write", "as", "HTTP", "queries", "+ transaction", "verdict"],
                [[name, r["who"], r["status"], r["queries"], r["transaction_control"], verdict]
                 for name, r in writes.items()]))  # fmt: skip
    write_result(
        "queries",
        args.label,
        {
            "label": args.label,
            "organisations": organisations,
            "snapshot": str(snapshot.period),
            "snapshot_organisations": snapshot.organisation_count,
            "compile_seconds": round(compile_seconds, 1),
            "environment": environment(),
            "pages": results,
            "writes": writes,
        },
    )


def _verdict(address: str, result: dict[str, Any]) -> str:
    if result["status"] == 404:
        return "absent (404)"
    return "ok" if result["queries"] <= budget_for(address) else "OVER"


if __name__ == "__main__":
    main()
