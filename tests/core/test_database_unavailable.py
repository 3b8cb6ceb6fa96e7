"""While the database cannot be reached, pages and the API answer 503 with Retry-After
(``apps/core/middleware.py``); other errors stay 500s."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.urls("tests.core.urls_database_down")


@pytest.mark.parametrize("url", ["/page/", "/page/lost/"])
def test_a_page_says_the_portal_is_briefly_unavailable(client: Client, url: str, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="apps.core.middleware"):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The portal is briefly unavailable" in response.content.decode()
    ours = [r for r in caplog.records if r.name == "apps.core.middleware"]
    assert [r.exc_info is not None for r in ours] == [True]  # still reported, with its traceback


def test_the_api_answers_503_in_json(client: Client) -> None:
    response = client.post("/api/v1/things/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The service is briefly unavailable. Try again in a few seconds."
    }


def test_the_page_is_in_the_readers_language(client: Client) -> None:
    response = client.get("/page/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert '<html lang="fr">' in response.content.decode()
    assert "The portal is briefly unavailable" not in response.content.decode()


def test_any_other_error_is_still_a_server_error() -> None:
    response = Client(raise_request_exception=False).get("/bug/")
    assert response.status_code == 500
