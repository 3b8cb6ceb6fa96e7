"""/api/docs/ and the browsable API under the Content-Security-Policy (issue 15: the docs' inline
<style> was blocked)."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.core.csp import blocked_by_csp

pytestmark = pytest.mark.django_db


def test_the_docs_page_has_nothing_the_csp_would_block(client) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert blocked_by_csp(html) == []
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert '<script src="/api/docs/?script="></script>' in html
    assert '<html lang="en">' in html


def test_its_styles_and_scripts_are_ours(client) -> None:
    html = client.get("/api/docs/").content.decode()

    for address in (
        "/static/css/api-docs.css",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    ):
        assert f'"{address}"' in html
        assert finders.find(address.removeprefix("/static/")), address
    assert "box-sizing" in Path(finders.find("css/api-docs.css")).read_text(encoding="utf-8")


def test_the_start_up_script_is_a_script_file(client) -> None:
    response = client.get("/api/docs/", {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in response.content.decode()


def test_the_checker_sees_what_the_csp_blocks() -> None:
    html = (
        "<style>p{}</style><p style='x'>"
        "<script>alert(1)</script><script type='application/json'>{}</script>"
        "<a href='javascript:x' onclick='y'>"
    )

    assert len(blocked_by_csp(html)) == 5


def test_the_browsable_api_has_nothing_the_csp_would_block(client) -> None:
    """DRF's page had an inline <style> and style attributes (its Filters button)."""
    response = client.get("/api/v1/actions/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    html = response.content.decode()
    assert blocked_by_csp(html) == []
    assert 'class="btn btn-default drf-aside"' in html  # the Filters button, still there
    assert finders.find("css/api-browsable.css")
