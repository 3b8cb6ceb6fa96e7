"""Every organisation-scoped URL must be in a permission matrix.

The matrices (pages: ``tests/organisations/test_access.py`` and
``tests/adoption/test_transfer_access.py``; API:
``tests/organisations/api/test_access.py``, public endpoints included) test each URL
against every role, an outsider and an anonymous visitor. This test fails when a URL under
``/o/<slug>/`` or ``/api/v1/organisations/<slug>/`` is added without a row there.
"""

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.adoption.test_transfer_access import MATRIX as TRANSFER_MATRIX
from tests.organisations.api.test_access import ENDPOINTS, PUBLIC_ENDPOINTS
from tests.organisations.test_access import MATRIX

# The ids that the API matrix's paths name (tests/organisations/api/test_access.py, _url).
PLACEHOLDERS = (
    "member",
    "invitation",
    "adoption",
    "entry",
    "received",
    "joint",
    "objective",
    "joint_adoption",
    "partner_entry",
)
ORG_SCOPED_PREFIXES = ("o/<slug:slug>/", "api/v1/organisations/<slug:slug>/")


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _patterns(entry, route, ns)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}:{entry.name}" if namespace else entry.name


def _org_scoped() -> set[str]:
    return {
        name
        for route, name in _patterns(get_resolver())
        if route.startswith(ORG_SCOPED_PREFIXES) or route.startswith("^" + ORG_SCOPED_PREFIXES[1])
    }


def _covered() -> set[str]:
    pages = {name if ":" in name else f"organisations:{name}" for name, _method, _allowed in MATRIX}
    pages |= {f"adoption-transfer:{name}" for name, _method, _allowed in TRANSFER_MATRIX}
    api = set()
    for _method, path, *_rest in [*ENDPOINTS, *PUBLIC_ENDPOINTS]:
        match = resolve(path.format(**dict.fromkeys(PLACEHOLDERS, 1)))
        api.add(match.view_name)
    return pages | api


def test_every_organisation_url_is_in_a_permission_matrix() -> None:
    scoped = _org_scoped()
    assert len(scoped) >= 10, scoped  # the walk found the organisation URLs at all
    missing = scoped - _covered()
    assert not missing, f"Add these URLs to a permission matrix: {sorted(missing)}"
