"""Deployment checks (``manage.py check --deploy``)."""

from django.core.checks import run_checks


def _ids(settings) -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=True)}


def test_a_deployment_without_site_url_is_warned(settings) -> None:
    settings.SITE_URL = ""

    assert "core.W001" in _ids(settings)


def test_a_deployment_with_site_url_is_not(settings) -> None:
    settings.SITE_URL = "https://roadmap.example.org"

    assert "core.W001" not in _ids(settings)
