"""Who may export and import adoptions: every address × every persona.

Every member exports (``adoption:view``); only PE leads and admins import
(``adoption:manage``). Outsiders get 404, members without the permission 403,
visitors who are not signed in are sent to sign in; exports answer GET only, the import
GET and POST. ``MATRIX`` is counted by
``tests/test_permission_coverage.py``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.organisations.helpers import assert_login_redirect

ALL = ("owner", "pe_lead", "contributor", "viewer")
MANAGERS = ("owner", "pe_lead")

# (URL name in the adoption-transfer namespace, method, personas allowed).
MATRIX = [
    ("export-csv", "get", ALL),
    ("export-xlsx", "get", ALL),
    ("import", "get", MANAGERS),
    ("import", "post", MANAGERS),
]


def _url(org, name: str) -> str:
    return reverse(f"adoption-transfer:{name}", args=[org.slug])


@pytest.mark.parametrize(("name", "method", "allowed"), MATRIX)
@pytest.mark.parametrize("persona", [*ALL, "outsider"])
def test_permission_matrix(client, org, personas, name, method, allowed, persona) -> None:
    client.force_login(personas[persona])

    response = getattr(client, method)(_url(org, name))

    if persona == "outsider":
        assert response.status_code == 404
    elif persona in allowed:
        assert response.status_code in (200, 400)  # 400: a POST without a file
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("name", "method", "_allowed"), MATRIX)
def test_anonymous_visitors_are_sent_to_sign_in(client, org, name, method, _allowed) -> None:
    assert_login_redirect(getattr(client, method)(_url(org, name)))


@pytest.mark.parametrize(
    ("name", "method"), [("export-csv", "post"), ("export-xlsx", "post"), ("import", "delete")]
)
def test_other_methods_are_refused(client_as, org, personas, name, method) -> None:
    assert getattr(client_as(personas["owner"]), method)(_url(org, name)).status_code == 405


@pytest.mark.parametrize("name", ["export-csv", "export-xlsx", "import"])
def test_an_unknown_organisation_is_404(client_as, personas, name) -> None:
    url = reverse(f"adoption-transfer:{name}", args=["no-such-organisation"])
    assert client_as(personas["owner"]).get(url).status_code == 404
